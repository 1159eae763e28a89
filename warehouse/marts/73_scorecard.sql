-- Every value, counted and reported, against the target that applies, with its status (the
-- reported values of a period without exports too, which scorecard_tiles leaves out).
CREATE OR REPLACE VIEW marts.scorecard AS
SELECT period, scope, scope_code, indicator, numerator, denominator, value, target, comparator, target_id,
    target_source, carried_forward, target_quote, status
FROM kpi.scorecard;
