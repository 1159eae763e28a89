-- History as today's units: every unit's counts under its final successor, for every period, so
-- a trend of a merged unit runs back across the merger date (indicators.md, Scopes and roll-ups: "a
-- view across the merger date rolls them up to the successor"). kpi.values keeps each unit under
-- its own name for periods before the merger. No page reads it yet (an "as today's units" trend).
CREATE OR REPLACE TABLE kpi.values_as_today AS
SELECT c.period, u.final_successor AS scope_code, c.indicator,
    sum(c.numerator) AS numerator, sum(c.denominator) AS denominator, rate(sum(c.numerator), sum(c.denominator)) AS value
FROM kpi.unit_sums c
JOIN core.dim_don_vi u USING (ma_don_vi)
GROUP BY ALL;
