-- Where each year is heading, for the alert "projected to miss the year's target": a least-
-- squares line through the year's monthly values so far, carried on to December, each remaining
-- month weighted by the year's average monthly cases so far:
--   projected = (numerator_ytd + Σ_{k=M+1..12} clamp(a + b·k, 0, 100) / 100 · d) / (denominator_ytd + (12 − M) · d)
-- where M is the month of the latest year-to-date period, d = denominator_ytd / M, and a, b the
-- line through (month, value) of the months with cases. From the third such month, before
-- December, for export indicators with a target.
CREATE OR REPLACE TABLE marts.year_projection AS
WITH ytd AS (
    SELECT s.*, p.year, CAST(right(s.period, 2) AS INTEGER) AS months_elapsed
    FROM kpi.scorecard s JOIN kpi.periods p USING (period)
    WHERE p.period_type = 'ytd' AND s.numerator IS NOT NULL AND s.comparator IS NOT NULL
),
line AS (
    SELECT y.period, y.scope, y.scope_code, y.indicator,
        regr_intercept(m.value, CAST(right(m.period, 2) AS INTEGER)) AS a,
        regr_slope(m.value, CAST(right(m.period, 2) AS INTEGER)) AS b,
        count(*) AS months_with_cases
    FROM ytd y
    JOIN kpi.periods p ON p.period_type = 'month' AND p.year = y.year
        AND CAST(right(p.period, 2) AS INTEGER) <= y.months_elapsed
    JOIN kpi.values m ON m.period = p.period AND m.scope = y.scope AND m.scope_code = y.scope_code
        AND m.indicator = y.indicator AND m.denominator > 0
    GROUP BY ALL
),
rest AS (  -- the months left in the year, each at the line's value
    SELECT y.period, y.scope, y.scope_code, y.indicator,
        sum(greatest(0, least(100, l.a + l.b * k)) / 100) AS expected_share
    FROM ytd y JOIN line l USING (period, scope, scope_code, indicator),
        range(y.months_elapsed + 1, 13) r (k)
    GROUP BY ALL
)
SELECT y.period, y.scope, y.scope_code, y.indicator, y.value, y.numerator, y.denominator, y.target, y.comparator,
    y.target_source, y.status, l.months_with_cases, round(l.b, 9) AS slope_per_month,
    -- To 1e-9: the line's sums run in whatever order the rows come, and their last bits with it; a
    -- year heading exactly for its target (30,000000000000007 or 29,999999999999993) meets it in
    -- every run.
    round(rate(y.numerator + r.expected_share * y.denominator / y.months_elapsed,
               y.denominator * 12.0 / y.months_elapsed), 9) AS projected_value,
    meets(projected_value, y.comparator, y.target) AS projected_meets
FROM ytd y
JOIN line l USING (period, scope, scope_code, indicator)
JOIN rest r USING (period, scope, scope_code, indicator)
WHERE l.months_with_cases >= 3 AND y.months_elapsed < 12;
