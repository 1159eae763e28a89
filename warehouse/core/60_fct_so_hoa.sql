-- Digitized documents, one row per (dossier, document), the latest period's version.
CREATE OR REPLACE TABLE core.fct_so_hoa AS
SELECT * EXCLUDE (_row)
FROM staging.so_hoa
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so, ma_giay_to ORDER BY _period DESC, ngay_so_hoa DESC NULLS LAST, _row DESC
) = 1;
