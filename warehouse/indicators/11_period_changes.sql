-- Periods whose counts carry over, changed only by the dossiers and payments that changed: counted
-- before, the same period with exports, unless everything is counted afresh
-- (changes.counting_basis). The other periods with exports are counted whole
-- (changes.fresh_periods). The declared inputs of kpi.counts and kpi.late_dossiers (kept=), read
-- by 90_counted.sql too.
CREATE OR REPLACE TABLE changes.kept_periods AS
SELECT * FROM kpi.periods
WHERE has_exports AND period NOT IN (SELECT period FROM changes.kpi_periods_keys)
    AND NOT (SELECT full_refresh FROM changes.counting_basis);
CREATE OR REPLACE TABLE changes.fresh_periods AS
SELECT * FROM kpi.periods WHERE has_exports AND period NOT IN (SELECT period FROM changes.kept_periods);
