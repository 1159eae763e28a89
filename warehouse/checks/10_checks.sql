-- The rows whose unit the typing left as written and that is no unit code (the names no unit or
-- several fit, and unknown codes), looked up again for staging.ho_so_derived's messages (below):
-- every other row is settled, so a month written by names is not looked up twice.
CREATE OR REPLACE VIEW staging.ho_so_unresolved AS
SELECT r.* FROM landing.ho_so r
SEMI JOIN (
    SELECT _file, _row FROM landing.ho_so_typed
    WHERE ma_don_vi NOT IN (SELECT ma_don_vi FROM staging.don_vi WHERE ma_don_vi IS NOT NULL)
) p ON p._file = r._file AND p._row = r._row;

-- Was a unit valid at some time while a dossier was handled (from `accepted` to `latest`, its
-- latest date)? NULL without an acceptance date. The reference guard (40_reference_guard.sql) asks
-- the same of a new don_vi.
CREATE OR REPLACE MACRO staging.unit_valid_for(valid_from, valid_to, accepted, latest) AS
CASE WHEN accepted IS NOT NULL THEN
    coalesce(valid_to, DATE '9999-12-31') >= CAST(accepted AS DATE)
    AND coalesce(valid_from, DATE '0001-01-01') <= CAST(latest AS DATE) END;

-- Columns derived for validation (expectations/ho_so.json):
-- _unit_valid: was the unit valid at some time while the dossier was handled, from its acceptance
--   to its latest date? A dossier open across a merger goes on with the successor (exports.md: a
--   file holds it as it stands at the export date), so a unit created after the acceptance date is
--   not an error; a unit abolished before it is. NULL when the unit is unknown or the date missing
--   (other rules report those). A unit written by its name is checked as the unit it was read as;
-- _latest_in_file: a dossier repeated within one file keeps its row with the latest
--   ngay_cap_nhat (exports.md's tie rule), the last such row on a tie, so the later row in a file
--   without ngay_cap_nhat (DVCQG has none); the others are quarantined;
-- _unit_read_as: the code of the one unit whose name ma_don_vi holds, which the typing put in its
--   place (staging/10_ho_so.sql; the warning unit_by_name);
-- _unit_candidates: the codes of the units whose name it is, when several (unit_name_ambiguous);
-- _unit_unknown_name: true for a value that reads as a name and is no unit's code or name
--   (unit_name_unknown; a value that reads as a code is known_ma_don_vi's). Both from
--   staging.unit_names_of (staging/10_ho_so.sql) over the unresolved rows.
CREATE OR REPLACE VIEW staging.ho_so_derived AS
SELECT p._period, p._file, p._row,
    CASE WHEN u._file IS NOT NULL THEN staging.unit_valid_for(u.hieu_luc_tu, u.hieu_luc_den, p.ngay_tiep_nhan,
        greatest(p.ngay_tiep_nhan, p.ngay_ket_thuc, p.ngay_tra, p.ngay_cap_nhat)) END AS _unit_valid,
    row_number() OVER (PARTITION BY p._period, p.ma_ho_so ORDER BY p.ngay_cap_nhat DESC NULLS LAST, p._row DESC) = 1
        OR p.ma_ho_so IS NULL AS _latest_in_file,
    CASE WHEN (p.ma_don_vi IS DISTINCT FROM r.ma_don_vi) THEN p.ma_don_vi END AS _unit_read_as,
    n.candidates AS _unit_candidates,
    CASE WHEN n.read_as IS NULL AND n.candidates IS NULL AND n.name_like THEN true END AS _unit_unknown_name
FROM landing.ho_so_typed p
JOIN landing.ho_so r ON r._file = p._file AND r._row = p._row
LEFT JOIN staging.don_vi u ON u.ma_don_vi = p.ma_don_vi
LEFT JOIN staging.unit_names_of('staging.ho_so_unresolved') n ON n._file = p._file AND n._row = p._row;

-- Every file balances: rows read = rows accepted into staging + rows quarantined + rows skipped
-- (totals, blank and extra-column-only rows, meta.skipped_rows). Read by the blocking asset check rows_reconcile.
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
