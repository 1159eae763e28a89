-- The overview's tiles: each scorecard line with its indicator's names, what it is compared with
-- (the period before, and the same period a year before), and the trend of the last 12 periods of
-- its type. Changes are in percentage points (value - previous_value); missing stays NULL, never 0.
--
-- Like with like: a period is compared only with a complete period of the same span. For a whole
-- period that is the period before itself (2026-Q3 with 2026-Q2). A period still running (2026-Q4
-- with only October loaded) is compared with the complete period that starts where the period
-- before starts and is as many months long (2026-07: July, the same span of Q3), the whole period
-- before (itself) first, then a month, quarter, half, nine months, year to date; the year to
-- October with 2025-YTD-10. When no such period exists (Q4 to November: July-August is no
-- period) there is no comparison: previous_period is NULL and the page says why. The same rule
-- gives the period a year before. previous_kind: 'whole' (the period before itself), 'same_span'
-- (a shorter period standing for its same span), NULL (none).
CREATE OR REPLACE TABLE marts.scorecard_tiles AS
WITH p AS (
    SELECT period, period_type, start_date, end_date, complete, has_exports,
        date_diff('month', start_date, end_date) AS span,
        lag(period) OVER (PARTITION BY period_type ORDER BY end_date) AS previous_whole,
        CAST(CAST(left(period, 4) AS INTEGER) - 1 AS VARCHAR) || substr(period, 5) AS year_before
    FROM kpi.periods
),
compared AS (  -- for each period and basis, the complete period of the same span, if any
    SELECT p.period, b.basis, b.whole,
        arg_min(c.period, CASE WHEN c.period = b.whole THEN 0 ELSE CASE c.period_type WHEN 'month' THEN 1
            WHEN 'quarter' THEN 2 WHEN 'half' THEN 3 WHEN 'nine_months' THEN 4 WHEN 'ytd' THEN 5 ELSE 6 END END) AS compared_period
    FROM p
    CROSS JOIN LATERAL (VALUES ('previous', p.previous_whole), ('last_year', p.year_before)) b (basis, whole)
    JOIN kpi.periods w ON w.period = b.whole
    JOIN kpi.periods c ON c.complete AND c.start_date = w.start_date AND date_diff('month', c.start_date, c.end_date) = p.span
    GROUP BY ALL
),
s AS (
    SELECT s.*, p.period_type, p.start_date, p.end_date, p.complete,
        i.ord, i.name_vi, i.name_en, i.source, i.unit
    FROM kpi.scorecard s
    JOIN p USING (period)
    JOIN kpi.indicators i USING (indicator)
)
SELECT s.*,
    pc.compared_period AS previous_period,
    CASE WHEN pc.compared_period = pc.whole THEN 'whole' WHEN pc.compared_period IS NOT NULL THEN 'same_span' END
        AS previous_kind,
    pv.value AS previous_value,
    lc.compared_period AS last_year_period,
    CASE WHEN lc.compared_period = lc.whole THEN 'whole' WHEN lc.compared_period IS NOT NULL THEN 'same_span' END
        AS last_year_kind,
    lv.value AS last_year_value,
    list(s.value) OVER (w ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS trend
FROM s
LEFT JOIN compared pc ON pc.period = s.period AND pc.basis = 'previous'
LEFT JOIN compared lc ON lc.period = s.period AND lc.basis = 'last_year'
LEFT JOIN kpi.scorecard pv ON pv.period = pc.compared_period AND pv.scope = s.scope AND pv.scope_code = s.scope_code
    AND pv.indicator = s.indicator
LEFT JOIN kpi.scorecard lv ON lv.period = lc.compared_period AND lv.scope = s.scope AND lv.scope_code = s.scope_code
    AND lv.indicator = s.indicator
WINDOW w AS (PARTITION BY s.scope, s.scope_code, s.indicator, s.period_type ORDER BY s.end_date);
