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
