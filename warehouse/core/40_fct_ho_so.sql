-- Dossiers, one row each: the version from the latest period wins, ties broken by ngay_cap_nhat
-- (exports.md). versions = how many month files carried the dossier.
CREATE OR REPLACE TABLE core.fct_ho_so AS
SELECT * EXCLUDE (_row), count(*) OVER (PARTITION BY ma_ho_so) AS versions
FROM staging.ho_so
QUALIFY row_number() OVER (
    PARTITION BY ma_ho_so ORDER BY _period DESC, ngay_cap_nhat DESC NULLS LAST, _row DESC
) = 1;
