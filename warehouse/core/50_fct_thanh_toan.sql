-- Payment transactions, one row each (a transaction repeated in a later month's file: the later
-- wins); warnings = the warning rules that row broke. Kept like core.fct_ho_so: only the
-- transactions the loader's changes touch are rebuilt.
-- config: name=core.fct_thanh_toan unique_key=ma_giao_dich pending=staging.core_pending kind=thanh_toan
SELECT
    s.* EXCLUDE (_row),
    coalesce(w.warnings, []) AS warnings
FROM staging.thanh_toan s
LEFT JOIN staging.row_warnings w ON w.kind = 'thanh_toan' AND w._file = s._file AND w._row = s._row
WHERE NOT is_incremental() OR s.ma_giao_dich IN (SELECT ma_giao_dich FROM rebuilt_keys)
QUALIFY row_number() OVER (PARTITION BY ma_giao_dich ORDER BY _period DESC, s._row DESC) = 1
