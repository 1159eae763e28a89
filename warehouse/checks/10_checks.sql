-- Columns derived for validation (expectations/ho_so.json):
-- _unit_valid: was the unit valid at some time while the dossier was handled, from its acceptance
--   to its latest date? A dossier open across a merger goes on with the successor (exports.md: a
--   file holds it as it stands at the export date), so a unit created after the acceptance date is
--   not an error; a unit abolished before it is. NULL when the unit is unknown or the date missing
--   (other rules report those);
-- _latest_in_file: a dossier repeated within one file keeps its row with the latest
--   ngay_cap_nhat (exports.md's tie rule), the last such row on a tie; the others are quarantined.
CREATE OR REPLACE VIEW staging.ho_so_derived AS
SELECT p._period, p._file, p._row,
    CASE WHEN u._file IS NOT NULL AND p.ngay_tiep_nhan IS NOT NULL THEN
        coalesce(u.hieu_luc_den, DATE '9999-12-31') >= CAST(p.ngay_tiep_nhan AS DATE)
        AND coalesce(u.hieu_luc_tu, DATE '0001-01-01')
            <= CAST(greatest(p.ngay_tiep_nhan, p.ngay_ket_thuc, p.ngay_tra, p.ngay_cap_nhat) AS DATE) END AS _unit_valid,
    row_number() OVER (PARTITION BY p._period, p.ma_ho_so ORDER BY p.ngay_cap_nhat DESC NULLS LAST, p._row DESC) = 1
        OR p.ma_ho_so IS NULL AS _latest_in_file
FROM landing.ho_so_typed p
LEFT JOIN staging.don_vi u USING (ma_don_vi);

-- Every file balances: rows read = rows accepted into staging + rows quarantined + rows skipped
-- (totals rows). Read by the blocking asset check rows_reconcile.
CREATE OR REPLACE VIEW staging.reconciliation AS
WITH accepted AS (
    SELECT _file, count(*) AS n FROM staging.ho_so GROUP BY ALL
    UNION ALL SELECT _file, count(*) FROM staging.thanh_toan GROUP BY ALL
    UNION ALL SELECT _file, count(*) FROM staging.so_hoa GROUP BY ALL
    UNION ALL SELECT _file, count(*) FROM staging.danh_muc_tthc GROUP BY ALL
    UNION ALL SELECT _file, count(*) FROM staging.don_vi GROUP BY ALL
    UNION ALL SELECT _file, count(*) FROM staging.chi_so_bao_cao GROUP BY ALL
),
quarantined AS (
    SELECT file_name, count(DISTINCT "row") AS n FROM meta.quarantine WHERE severity = 'critical' GROUP BY ALL
)
SELECT f.kind, f.period, f.file_name, f.rows_read,
    coalesce(a.n, 0) AS rows_accepted, coalesce(q.n, 0) AS rows_quarantined, f.rows_skipped,
    f.rows_read = coalesce(a.n, 0) + coalesce(q.n, 0) + f.rows_skipped AS balanced
FROM meta.files f
LEFT JOIN accepted a ON a._file = f.file_name
LEFT JOIN quarantined q ON q.file_name = f.file_name;

-- Rows loaded despite a warning (expectations with severity "warning"): the facts carry the
-- rules in their `warnings` column, so a number can be shown with its caveat.
CREATE OR REPLACE MACRO staging.warnings_of(issues) AS TABLE  -- issues: rows shaped as meta.quarantine
SELECT kind, file_name AS _file, "row" AS _row, list(rule ORDER BY rule) AS warnings
FROM query_table(issues)
WHERE severity = 'warning'
GROUP BY ALL;
CREATE OR REPLACE VIEW staging.row_warnings AS FROM staging.warnings_of('meta.quarantine');
