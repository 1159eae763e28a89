-- Payment transactions, one row each (a transaction repeated in a later month's file: the later
-- wins); warnings = the warning rules that row broke. Rebuilt like core.fct_ho_so: only the
-- transactions the loader's changes touch.
CREATE OR REPLACE TEMP TABLE thanh_toan_keys AS
SELECT "key" FROM staging.pending_keys('staging.core_pending') WHERE kind = 'thanh_toan' AND NOT getvariable('core_full');
CREATE OR REPLACE TEMP VIEW rebuilt_thanh_toan AS
SELECT s.* EXCLUDE (_row), coalesce(w.warnings, []) AS warnings
FROM staging.thanh_toan s
LEFT JOIN staging.row_warnings w ON w.kind = 'thanh_toan' AND w._file = s._file AND w._row = s._row
WHERE getvariable('core_full') OR s.ma_giao_dich IN (SELECT "key" FROM thanh_toan_keys)
QUALIFY row_number() OVER (PARTITION BY ma_giao_dich ORDER BY _period DESC, s._row DESC) = 1;

-- Payment transactions, one row each, the latest version (above).
CREATE TABLE IF NOT EXISTS core.fct_thanh_toan AS SELECT * FROM rebuilt_thanh_toan WHERE false;
DELETE FROM core.fct_thanh_toan WHERE ma_giao_dich IN (SELECT "key" FROM thanh_toan_keys);
INSERT INTO core.fct_thanh_toan FROM rebuilt_thanh_toan;
