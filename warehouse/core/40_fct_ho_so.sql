-- Dossiers, one row each: the version from the latest period wins, ties broken by ngay_cap_nhat
-- (exports.md). versions = how many month files carried the dossier; warnings = the warning
-- rules that version broke (empty when none). Kept from one refresh to the next: only the
-- dossiers the loader's changes touch are rebuilt, so a re-export of one month leaves the rest of
-- the history as it is.
-- config: name=core.fct_ho_so unique_key=ma_ho_so pending=staging.core_pending kind=ho_so
SELECT
    s.* EXCLUDE (_row),
    count(*) OVER (PARTITION BY ma_ho_so) AS versions,
    coalesce(w.warnings, []) AS warnings
FROM staging.ho_so s
LEFT JOIN staging.row_warnings w ON w.kind = 'ho_so' AND w._file = s._file AND w._row = s._row
WHERE NOT is_incremental() OR s.ma_ho_so IN (SELECT ma_ho_so FROM rebuilt_keys)
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so ORDER BY _period DESC, ngay_cap_nhat DESC NULLS LAST, s._row DESC
) = 1
