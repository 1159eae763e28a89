-- The changes the loader noted are counted (warehouse/checks/30_core_pending.sql); what this count
-- did, for `cchc refresh` and the next count (05_counting.sql: changes.counting_basis).
DELETE FROM kpi.counting;
INSERT INTO kpi.counting SELECT basis, full_refresh,
    (SELECT coalesce(list(period ORDER BY period), []) FROM changes.fresh_periods),
    (SELECT coalesce(list(period ORDER BY period), []) FROM changes.recounted_periods), (SELECT count(*) FROM changes.kpi_dossiers_keys),
    (SELECT count(*) FROM changes.kpi_payments_keys), now()
FROM changes.counting_basis;
DELETE FROM staging.kpi_pending;

-- For the publish: the rows of the kept tables that changed (kpi.dossiers and kpi.payments note
-- theirs as incremental models). A period's counts change with its dossiers' and payments' (and
-- its provisions with them) or when it is counted whole, and a period that lost its exports loses
-- its rows; the late list changes with its dossiers.
INSERT INTO staging.unpublished
SELECT 'kpi.late_dossiers', 'ma_ho_so', ma_ho_so FROM changes.kpi_dossiers_keys
UNION ALL SELECT DISTINCT 'kpi.counts', 'period', period FROM changes.count_changes
UNION ALL SELECT unnest(['kpi.counts', 'kpi.late_dossiers']), 'period', period
    FROM kpi.periods WHERE period NOT IN (SELECT period FROM changes.kept_periods)
UNION ALL SELECT unnest(['kpi.counts', 'kpi.late_dossiers']), NULL, NULL
    WHERE (SELECT full_refresh FROM changes.counting_basis);
