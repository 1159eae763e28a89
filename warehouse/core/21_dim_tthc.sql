-- Procedures of the current catalog, with whether each is an online public service.
CREATE OR REPLACE TABLE core.dim_tthc AS
SELECT * EXCLUDE (_period, _file, _row),
    muc_do_dvctt IN ('toan_trinh', 'mot_phan') AS is_online_service
FROM staging.danh_muc_tthc;
