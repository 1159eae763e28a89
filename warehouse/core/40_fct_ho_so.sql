-- Dossiers, one row each: the version from the latest period wins, ties broken by ngay_cap_nhat
-- (exports.md). versions = how many month files carried the dossier; warnings = the warning
-- rules that version broke (empty when none). Rebuilt only for the dossiers the loader's changes
-- touch (staging.pending_keys): a re-export of one month leaves the rest of the history as it is.
-- A new build (no facts yet: core_full) builds them from all of staging without listing keys.
SET VARIABLE core_full = (SELECT count(*) = 0 FROM duckdb_tables()
                          WHERE database_name = current_database() AND schema_name = 'core' AND table_name = 'fct_ho_so');
CREATE OR REPLACE TEMP TABLE ho_so_keys AS
SELECT "key" FROM staging.pending_keys('staging.core_pending') WHERE kind = 'ho_so' AND NOT getvariable('core_full');
CREATE OR REPLACE TEMP VIEW rebuilt_ho_so AS
SELECT s.* EXCLUDE (_row), count(*) OVER (PARTITION BY ma_ho_so) AS versions,
    coalesce(w.warnings, []) AS warnings
FROM staging.ho_so s
LEFT JOIN staging.row_warnings w ON w.kind = 'ho_so' AND w._file = s._file AND w._row = s._row
WHERE getvariable('core_full') OR s.ma_ho_so IN (SELECT "key" FROM ho_so_keys)
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so ORDER BY _period DESC, ngay_cap_nhat DESC NULLS LAST, s._row DESC
) = 1;

-- Dossiers, one row each, the latest version (above).
CREATE TABLE IF NOT EXISTS core.fct_ho_so AS SELECT * FROM rebuilt_ho_so WHERE false;
DELETE FROM core.fct_ho_so WHERE ma_ho_so IN (SELECT "key" FROM ho_so_keys);
INSERT INTO core.fct_ho_so FROM rebuilt_ho_so;
INSERT INTO staging.unpublished
SELECT 'core.fct_ho_so', 'ma_ho_so', "key" FROM ho_so_keys
UNION ALL SELECT 'core.fct_ho_so', NULL, NULL WHERE getvariable('core_full');
