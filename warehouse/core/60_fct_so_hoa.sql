-- Digitized documents, one row per (dossier, document), the latest period's version; warnings =
-- the warning rules that row broke. Kept like core.fct_ho_so: only the documents of the dossiers
-- the loader's changes touch are rebuilt.
-- config: name=core.fct_so_hoa unique_key=ma_ho_so pending=staging.core_pending kind=so_hoa
SELECT
    s.* EXCLUDE (_row),
    coalesce(w.warnings, []) AS warnings
FROM staging.so_hoa s
LEFT JOIN staging.row_warnings w ON w.kind = 'so_hoa' AND w._file = s._file AND w._row = s._row
WHERE NOT is_incremental() OR s.ma_ho_so IN (SELECT ma_ho_so FROM rebuilt_keys)
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so, ma_giay_to ORDER BY _period DESC, ngay_so_hoa DESC NULLS LAST, s._row DESC
) = 1
