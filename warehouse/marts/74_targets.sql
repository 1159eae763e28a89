-- The targets registry (warehouse/seeds/targets.csv), each target with how it is cited.
CREATE OR REPLACE VIEW marts.targets AS
SELECT target_id, plan, plan_number, plan_date, issuer, year, scope_type, scope_code, scope_name, indicator,
    comparator, threshold, quote, citation
FROM kpi.targets;
