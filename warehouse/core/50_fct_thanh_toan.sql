-- Payment transactions, one row each (a transaction repeated in a later month's file: the later wins).
CREATE OR REPLACE TABLE core.fct_thanh_toan AS
SELECT * EXCLUDE (_row)
FROM staging.thanh_toan
QUALIFY row_number() OVER (PARTITION BY ma_giao_dich ORDER BY _period DESC, _row DESC) = 1;
