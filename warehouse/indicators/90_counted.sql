-- The changes the loader noted are counted (warehouse/checks/30_core_pending.sql); what this count
-- did, for `cchc refresh` and the next count (05_counting.sql: changes.counting_basis): the periods
-- counted whole, those whose counts changed (made or added to: changes.kpi_counts_partitions), the
-- dossiers and payments that changed. The kept tables note for the publish what they changed
-- themselves (pipelines/model/incremental.py).
DELETE FROM kpi.counting;
INSERT INTO kpi.counting SELECT basis, full_refresh,
    (SELECT coalesce(list(period ORDER BY period), []) FROM changes.fresh_periods),
    (SELECT coalesce(list(period ORDER BY period), []) FROM changes.kpi_counts_partitions),
    (SELECT count(*) FROM changes.kpi_dossiers_keys),
    (SELECT count(*) FROM changes.kpi_payments_keys), now()
FROM changes.counting_basis;
DELETE FROM staging.kpi_pending;
