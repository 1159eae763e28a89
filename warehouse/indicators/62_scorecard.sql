-- Every value, counted and reported, against the target that applies (kpi.targets, above),
-- with its status: met, not_met, no_target, no_activity (no cases), no_data (no exports).
CREATE OR REPLACE TABLE kpi.scorecard AS
WITH v AS (
    SELECT v.*, CAST(left(v.period, 4) AS INTEGER) AS period_year, u.cap AS unit_level, u.ten_don_vi
    FROM (SELECT period, scope, scope_code, indicator, numerator, denominator, value FROM kpi.values
          UNION ALL
          SELECT period, scope, scope_code, indicator, NULL, NULL, value FROM kpi.reported_values) v
    LEFT JOIN core.dim_don_vi u ON v.scope = 'unit' AND u.ma_don_vi = v.scope_code
),
candidates AS (
    SELECT v.period, v.scope, v.scope_code, v.indicator, v.period_year, t.target_id, t.year AS target_year,
        t.comparator, t.threshold, t.citation, t.quote,
        CASE t.scope_type WHEN 'unit' THEN 3 WHEN 'level' THEN 2 ELSE 1 END AS specificity
    FROM v
    JOIN kpi.targets t ON t.indicator = v.indicator AND t.year <= v.period_year AND (
        t.scope_type = 'province'
        OR (t.scope_type = 'level' AND t.scope_code = CASE v.scope WHEN 'level' THEN v.scope_code WHEN 'unit' THEN v.unit_level END)
        OR (t.scope_type = 'unit' AND v.scope = 'unit'
            AND (t.scope_code = v.scope_code OR lower(trim(t.scope_name)) = lower(trim(v.ten_don_vi)))))
    QUALIFY row_number() OVER (PARTITION BY v.period, v.scope, v.scope_code, v.indicator
                               ORDER BY t.year DESC, specificity DESC, t.target_id ASC) = 1
)
SELECT v.period, v.scope, v.scope_code, v.indicator, v.numerator, v.denominator, v.value,
    c.threshold AS target, c.comparator, c.target_id,
    c.citation
        || CASE WHEN c.target_year < v.period_year THEN ' (chỉ tiêu năm ' || c.target_year || ', chuyển tiếp)' ELSE '' END
        AS target_source,
    c.target_year < v.period_year AS carried_forward,
    c.quote AS target_quote,
    CASE WHEN v.numerator IS NOT NULL AND NOT p.has_exports THEN 'no_data'
         WHEN v.denominator = 0 THEN 'no_activity'
         WHEN c.target_id IS NULL THEN 'no_target'
         WHEN meets(v.value, c.comparator, c.threshold) THEN 'met'
         ELSE 'not_met' END AS status
FROM v
JOIN kpi.periods p USING (period)
LEFT JOIN candidates c USING (period, scope, scope_code, indicator);
