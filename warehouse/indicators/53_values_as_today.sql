-- History as today's units: every unit's counts under its final successor, for every period, so
-- a trend of a merged unit runs back across the merger date (the dashboards' "as today" view).
-- kpi.values keeps each unit under its own name for periods before the merger.
CREATE OR REPLACE TABLE kpi.values_as_today AS
SELECT c.period, u.final_successor AS scope_code, c.indicator,
    sum(c.numerator) AS numerator, sum(c.denominator) AS denominator, rate(sum(c.numerator), sum(c.denominator)) AS value
FROM kpi.unit_sums c
JOIN core.dim_don_vi u USING (ma_don_vi)
GROUP BY ALL;
