-- Each value against the target that applies (indicators.md, "Targets"): among the registry's
-- targets for the indicator with year <= the period's year that apply to the scope (a unit's
-- own, its level's, the province's), the latest year wins, then the most specific scope. A
-- target from an earlier year is carried forward and marked so. A unit-scoped target matches
-- the unit by code, or by name when a province's unit codes differ from the registry's.
-- target_source cites the plan as the administration does: "Kế hoạch số 55/KH-SXD ngày 11/06/2025
-- của Sở Xây dựng" (plan_number, plan_date, issuer). A plan whose text carries no number of its own
-- (the registry's plan_number empty: the province's 2024 and 2026 plans, Sở Ngoại vụ's 2025 plan,
-- each an annual CCHC plan; tests/test_targets_registry.py checks that) is cited by its title
-- "Kế hoạch CCHC năm <year> của <issuer>"; a number is never made up.
CREATE OR REPLACE TABLE kpi.targets AS
SELECT *,
    CASE WHEN plan_number IS NOT NULL
         THEN 'Kế hoạch số ' || plan_number || coalesce(' ngày ' || strftime(plan_date, '%d/%m/%Y'), '') || ' của ' || issuer
         ELSE 'Kế hoạch CCHC năm ' || year || ' của ' || issuer END AS citation
FROM staging.targets;

-- The steward's values of reported indicators (chi_so_bao_cao): the province's own row is the
-- province scope, any other unit its unit scope.
CREATE OR REPLACE TABLE kpi.reported_values AS
SELECT r.ky AS period, CASE WHEN u.is_province THEN 'province' ELSE 'unit' END AS scope,
    CASE WHEN u.is_province THEN 'province' ELSE r.ma_don_vi END AS scope_code, r.ma_chi_so AS indicator,
    r.gia_tri AS value, r.ghi_chu, r._file
FROM staging.chi_so_bao_cao r
JOIN core.dim_don_vi u USING (ma_don_vi);

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
