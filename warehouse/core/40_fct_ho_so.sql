-- Dossiers, one row each: the version from the latest period wins, ties broken by ngay_cap_nhat
-- (exports.md). versions = how many month files carried the dossier; warnings = the warning
-- rules that version broke (empty when none).
CREATE OR REPLACE TABLE core.fct_ho_so AS
SELECT s.* EXCLUDE (_row), count(*) OVER (PARTITION BY ma_ho_so) AS versions,
    coalesce(w.warnings, []) AS warnings
FROM staging.ho_so s
LEFT JOIN staging.row_warnings w ON w.kind = 'ho_so' AND w._file = s._file AND w._row = s._row
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so ORDER BY _period DESC, ngay_cap_nhat DESC NULLS LAST, s._row DESC
) = 1;
