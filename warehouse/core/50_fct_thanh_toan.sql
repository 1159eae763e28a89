-- Payment transactions, one row each (a transaction repeated in a later month's file: the later
-- wins); warnings = the warning rules that row broke.
CREATE OR REPLACE TABLE core.fct_thanh_toan AS
SELECT s.* EXCLUDE (_row), coalesce(w.warnings, []) AS warnings
FROM staging.thanh_toan s
LEFT JOIN staging.row_warnings w ON w.kind = 'thanh_toan' AND w._file = s._file AND w._row = s._row
QUALIFY row_number() OVER (PARTITION BY ma_giao_dich ORDER BY _period DESC, s._row DESC) = 1;
