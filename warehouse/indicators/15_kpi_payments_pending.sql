-- What the indicators classify again, as the pending lists of their incremental models
-- (pipelines/model/incremental.py): kpi.payments, then kpi.dossiers (22_kpi_dossiers_pending.sql).
-- A payment is classified again when its own rows changed or its dossier's did (its unit,
-- procedure and field are the dossier's); the loader's changes that core took on are in
-- staging.kpi_pending. Nothing when everything is counted afresh (changes.counting_basis, 05_counting.sql).
CREATE OR REPLACE TABLE staging.kpi_payments_pending AS
WITH pending AS MATERIALIZED (
    FROM staging.pending_keys('staging.kpi_pending') WHERE NOT (SELECT full_refresh FROM changes.counting_basis)
)
SELECT 'thanh_toan' AS kind, CAST(NULL AS VARCHAR) AS period, "key" FROM pending WHERE kind = 'thanh_toan'
UNION
SELECT 'thanh_toan', NULL, ma_giao_dich FROM core.fct_thanh_toan
WHERE ma_ho_so IN (SELECT "key" FROM pending WHERE kind = 'ho_so');

-- The rows of `facts` the incremental model being built classifies: all of them on a new build,
-- else those of its rebuilt keys (a natural semi join on the key's name). A semi join, not
-- `OR key IN (...)`: DuckDB does not turn that into a join, and joined all 4.6M payments to their
-- dossiers before filtering.
CREATE OR REPLACE MACRO facts_to_classify(facts) AS TABLE
FROM query_table(facts) WHERE NOT is_incremental()
UNION ALL FROM query_table(facts) NATURAL SEMI JOIN rebuilt_keys;  -- noqa: PRS
