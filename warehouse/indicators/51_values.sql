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
