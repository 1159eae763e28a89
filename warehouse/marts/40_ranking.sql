-- The ranking page: units of a level ranked by the composite score (kpi.composite's rank) or by
-- one indicator (ties ranked equal, as the composite), each with its status against its own
-- target, the counts behind the value (a rate of 2 dossiers is not one of 2,000), the number of
-- units ranked with it (the page shows the rank as 7/65) and its rank in the period before of the
-- same type.
CREATE OR REPLACE TABLE marts.ranking AS
WITH ranked AS (
    SELECT s.period, p.period_type, p.end_date, u.cap AS level, s.scope_code, s.indicator, s.value, s.status,
        CAST(s.numerator AS BIGINT) AS numerator, CAST(s.denominator AS BIGINT) AS denominator, s.target,
        s.comparator,
        rank() OVER (PARTITION BY s.period, u.cap, s.indicator ORDER BY round(s.value, 9) DESC) AS rank
    FROM kpi.scorecard s
    JOIN kpi.periods p USING (period)
    JOIN core.dim_don_vi u ON u.ma_don_vi = s.scope_code
    WHERE s.scope = 'unit' AND s.value IS NOT NULL AND s.numerator IS NOT NULL
    UNION ALL
    SELECT c.period, p.period_type, p.end_date, c.level, c.scope_code, 'composite', c.score, NULL,
        CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE), CAST(NULL AS VARCHAR), c.rank
    FROM kpi.composite c
    JOIN kpi.periods p USING (period)
    WHERE c.scope = 'unit'
)
SELECT *, count(*) OVER (PARTITION BY period, level, indicator) AS units_ranked,
    lag(rank) OVER (PARTITION BY scope_code, indicator, period_type ORDER BY end_date) AS previous_rank
FROM ranked;
