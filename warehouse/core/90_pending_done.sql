-- Core is up to date with the loader's changes; the indicators take them on
-- (warehouse/checks/30_core_pending.sql).
INSERT INTO staging.kpi_pending FROM staging.core_pending;
DELETE FROM staging.core_pending;
