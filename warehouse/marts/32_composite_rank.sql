-- The composite score's rank shown as "7/65": ranked = how many units of that level were ranked
-- in that period.
CREATE OR REPLACE TABLE marts.composite_rank AS
SELECT period, scope, scope_code, score, rank,
    count(rank) OVER (PARTITION BY period, scope, level) AS ranked
FROM kpi.composite;
