-- Digitized documents, one row per (dossier, document), the latest period's version; warnings =
-- the warning rules that row broke.
CREATE OR REPLACE TABLE core.fct_so_hoa AS
SELECT s.* EXCLUDE (_row), coalesce(w.warnings, []) AS warnings
FROM staging.so_hoa s
LEFT JOIN staging.row_warnings w ON w.kind = 'so_hoa' AND w._file = s._file AND w._row = s._row
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so, ma_giay_to ORDER BY _period DESC, ngay_so_hoa DESC NULLS LAST, s._row DESC
) = 1;
