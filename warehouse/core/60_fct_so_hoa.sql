-- Digitized documents, one row per (dossier, document), the latest period's version; warnings =
-- the warning rules that row broke. Rebuilt like core.fct_ho_so: only the documents of the
-- dossiers the loader's changes touch.
CREATE OR REPLACE TEMP TABLE so_hoa_keys AS
SELECT "key" FROM staging.pending_keys('staging.core_pending') WHERE kind = 'so_hoa' AND NOT getvariable('core_full');
CREATE OR REPLACE TEMP VIEW rebuilt_so_hoa AS
SELECT s.* EXCLUDE (_row), coalesce(w.warnings, []) AS warnings
FROM staging.so_hoa s
LEFT JOIN staging.row_warnings w ON w.kind = 'so_hoa' AND w._file = s._file AND w._row = s._row
WHERE getvariable('core_full') OR s.ma_ho_so IN (SELECT "key" FROM so_hoa_keys)
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so, ma_giay_to ORDER BY _period DESC, ngay_so_hoa DESC NULLS LAST, s._row DESC
) = 1;

-- Digitized documents, one row per (dossier, document), the latest version (above).
CREATE TABLE IF NOT EXISTS core.fct_so_hoa AS SELECT * FROM rebuilt_so_hoa WHERE false;
DELETE FROM core.fct_so_hoa WHERE ma_ho_so IN (SELECT "key" FROM so_hoa_keys);
INSERT INTO core.fct_so_hoa FROM rebuilt_so_hoa;
