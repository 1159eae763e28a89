-- What every count rests on besides the facts: the units (mergers decide who reports where), the
-- procedures (level, online service, fees), the reporting window and whether the source system
-- moves the due date on supplement. While it stays the same, a
-- refresh counts only what changed (staging.kpi_pending); when it changes, or on a new build,
-- everything is counted afresh (kpi_full).
CREATE TABLE IF NOT EXISTS kpi.counting (  -- the last count (90_counted.sql)
    basis VARCHAR, whole BOOLEAN, periods_counted_whole VARCHAR[], periods_changed VARCHAR[], dossiers_changed BIGINT,
    payments_changed BIGINT, counted_at TIMESTAMPTZ);
SET VARIABLE kpi_basis = (
    SELECT md5(concat_ws('|', getvariable('reporting_window'), getvariable('supplement_moves_due_date'),
        (SELECT string_agg(CAST(u AS VARCHAR), '|' ORDER BY ma_don_vi) FROM core.dim_don_vi u),
        (SELECT string_agg(CAST(t AS VARCHAR), '|' ORDER BY ma_tthc) FROM core.dim_tthc t))));
SET VARIABLE kpi_full = (SELECT count(*) = 0 FROM kpi.counting WHERE basis = getvariable('kpi_basis'));
