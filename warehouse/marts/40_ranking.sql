-- The ranking page: units of a level ranked by the composite score (kpi.composite's rank) or by
-- one indicator (ties ranked equal, as the composite), each with its status against its own
-- target and its rank in the period before of the same type.
CREATE OR REPLACE TABLE marts.ranking AS
WITH ranked AS (
    SELECT s.period, p.period_type, p.end_date, u.cap AS level, s.scope_code, s.indicator, s.value, s.status,
        rank() OVER (PARTITION BY s.period, u.cap, s.indicator ORDER BY round(s.value, 9) DESC) AS rank
    FROM kpi.scorecard s
    JOIN kpi.periods p USING (period)
    JOIN core.dim_don_vi u ON u.ma_don_vi = s.scope_code
    WHERE s.scope = 'unit' AND s.value IS NOT NULL AND s.numerator IS NOT NULL
    UNION ALL
    SELECT c.period, p.period_type, p.end_date, c.level, c.scope_code, 'composite', c.score, NULL, c.rank
    FROM kpi.composite c
    JOIN kpi.periods p USING (period)
    WHERE c.scope = 'unit'
)
SELECT *, lag(rank) OVER (PARTITION BY scope_code, indicator, period_type ORDER BY end_date) AS previous_rank
FROM ranked;
