-- Fields (lĩnh vực) and procedures (TTHC) from the current catalog.
CREATE OR REPLACE TABLE core.dim_linh_vuc AS
SELECT ma_linh_vuc, any_value(ten_linh_vuc ORDER BY ten_linh_vuc) AS ten_linh_vuc, count(*) AS so_tthc
FROM staging.danh_muc_tthc
WHERE ma_linh_vuc IS NOT NULL
GROUP BY ma_linh_vuc;

-- Procedures of the current catalog, with whether each is an online public service.
CREATE OR REPLACE TABLE core.dim_tthc AS
SELECT * EXCLUDE (_period, _file, _row),
    muc_do_dvctt IN ('toan_trinh', 'mot_phan') AS is_online_service
FROM staging.danh_muc_tthc;
