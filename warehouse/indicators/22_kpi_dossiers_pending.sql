-- The dossiers the indicators classify again (kpi.dossiers' pending list, 25_dossiers.sql): those
-- whose own rows or documents changed (staging.kpi_pending), and those of a payment that changed,
-- before and after (whether a dossier was paid online is its payments'). Nothing when everything
-- is counted afresh.
CREATE OR REPLACE TABLE staging.kpi_dossiers_pending AS
SELECT 'ho_so' AS kind, CAST(NULL AS VARCHAR) AS period, "key" FROM staging.pending_keys('staging.kpi_pending')
WHERE kind IN ('ho_so', 'so_hoa') AND NOT (SELECT full_refresh FROM changes.counting_basis)
UNION
SELECT 'ho_so', NULL, ma_ho_so FROM core.fct_thanh_toan
WHERE ma_giao_dich IN (SELECT "key" FROM staging.kpi_payments_pending) AND NOT (SELECT full_refresh FROM changes.counting_basis)
UNION
SELECT 'ho_so', NULL, ma_ho_so FROM changes.kpi_payments_before
UNION
SELECT 'ho_so', NULL, ma_ho_so FROM changes.kpi_payments_after;
