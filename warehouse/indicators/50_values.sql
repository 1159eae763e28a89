-- Roll-ups (indicators.md, "Scopes and roll-ups"): each count belongs to its reporting unit,
-- that unit's level (tinh, huyen, xa) and the province. Sums, never averages of rates: each
-- unit's counts are summed first, and the levels and the province are sums of those.
CREATE OR REPLACE TABLE kpi.unit_sums AS
SELECT c.period, c.ma_don_vi, u.cap, c.indicator, sum(c.numerator) AS numerator, sum(c.denominator) AS denominator
FROM kpi.counts c
JOIN core.dim_don_vi u USING (ma_don_vi)
GROUP BY ALL;

-- Every indicator for every scope and period. Every unit that existed during the period, every
-- level and the province get a row for every indicator, so "no activity" is stated, not missing.
CREATE OR REPLACE TABLE kpi.values AS
WITH grid AS (
    SELECT DISTINCT up.period, s.scope, s.scope_code
    FROM kpi.unit_periods up
    JOIN core.dim_don_vi u ON u.ma_don_vi = up.reporting_unit
    CROSS JOIN LATERAL (VALUES ('unit', up.reporting_unit), ('level', u.cap), ('province', 'province')) s (scope, scope_code)
    WHERE up.valid_in_period AND s.scope_code IS NOT NULL
),
sums AS (
    SELECT period, s.scope, s.scope_code, indicator, sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM kpi.unit_sums
    CROSS JOIN LATERAL (VALUES ('unit', ma_don_vi), ('level', cap), ('province', 'province')) s (scope, scope_code)
    WHERE s.scope_code IS NOT NULL
    GROUP BY ALL
)
SELECT period, scope, scope_code, indicator, coalesce(numerator, 0) AS numerator,
    coalesce(denominator, 0) AS denominator, rate(numerator, denominator) AS value
FROM (SELECT g.*, i.indicator FROM grid g CROSS JOIN kpi.indicators i WHERE i.source = 'export')
FULL JOIN sums USING (period, scope, scope_code, indicator);

-- The same by field (lĩnh vực) and by procedure, for units and the province: which ones drag a
-- number down. A view, not a table: every combination would outnumber the counts themselves,
-- while a page asks for one period and scope, which the counts (sorted by period and unit) answer
-- at once.
CREATE OR REPLACE VIEW kpi.breakdown AS
WITH keyed AS (
    SELECT period, ma_don_vi, indicator, 'field' AS dimension, ma_linh_vuc AS key, numerator, denominator
    FROM kpi.counts
    UNION ALL
    SELECT period, ma_don_vi, indicator, 'procedure', ma_tthc, numerator, denominator
    FROM kpi.counts
),
units AS (
    SELECT period, 'unit' AS scope, ma_don_vi AS scope_code, dimension, key, indicator,
        sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM keyed
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
),
province AS (
    SELECT period, 'province' AS scope, 'province' AS scope_code, dimension, key, indicator,
        sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM keyed
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
)
SELECT *, rate(numerator, denominator) AS value FROM (FROM units UNION ALL FROM province);

-- History as today's units: every unit's counts under its final successor, for every period, so
-- a trend of a merged unit runs back across the merger date (the dashboards' "as today" view).
-- kpi.values keeps each unit under its own name for periods before the merger.
CREATE OR REPLACE TABLE kpi.values_as_today AS
SELECT c.period, u.final_successor AS scope_code, c.indicator,
    sum(c.numerator) AS numerator, sum(c.denominator) AS denominator, rate(sum(c.numerator), sum(c.denominator)) AS value
FROM kpi.unit_sums c
JOIN core.dim_don_vi u USING (ma_don_vi)
GROUP BY ALL;
