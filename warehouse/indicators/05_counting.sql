-- What every count rests on besides the facts: the units (mergers decide who reports where), the
-- procedures (level, online service, fees), the reporting window and whether the source system
-- moves the due date on supplement. While it stays the same, a refresh counts only what changed
-- (staging.kpi_pending); when it changes, or on a new build, everything is counted afresh.
CREATE TABLE IF NOT EXISTS kpi.counting (  -- the last count (90_counted.sql)
    basis VARCHAR, whole BOOLEAN, periods_counted_whole VARCHAR[], periods_changed VARCHAR[], dossiers_changed BIGINT,
    payments_changed BIGINT, counted_at TIMESTAMPTZ);
-- changes.counting_basis: this count's basis, and whether everything is counted afresh
-- (full_refresh: no count on this basis before), the declared input of the indicators' incremental
-- models (full_refresh=changes.counting_basis), of their pending lists, of 10_periods.sql and of
-- 90_counted.sql.
CREATE OR REPLACE TABLE changes.counting_basis AS
WITH this AS (
    SELECT md5(concat_ws('|', getvariable('reporting_window'), getvariable('supplement_moves_due_date'),
        (SELECT string_agg(CAST(u AS VARCHAR), '|' ORDER BY ma_don_vi) FROM core.dim_don_vi u),
        (SELECT string_agg(CAST(t AS VARCHAR), '|' ORDER BY ma_tthc) FROM core.dim_tthc t))) AS basis
)
SELECT basis, NOT EXISTS (SELECT 1 FROM kpi.counting c WHERE c.basis = this.basis) AS full_refresh FROM this;
