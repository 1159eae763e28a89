-- The changes the loader noted are counted (warehouse/checks/30_core_pending.sql); what this count
-- did, for `cchc refresh` and the next count (05_basis.sql).
DELETE FROM kpi.counting;
INSERT INTO kpi.counting SELECT getvariable('kpi_basis'), getvariable('kpi_full'),
    (SELECT coalesce(list(period ORDER BY period), []) FROM fresh_periods), (SELECT count(*) FROM changed_dossiers),
    (SELECT count(*) FROM changed_payments), now();
DELETE FROM staging.kpi_pending;
