-- Fields (lĩnh vực) and procedures (TTHC) from the current catalog.
CREATE OR REPLACE TABLE core.dim_linh_vuc AS
SELECT ma_linh_vuc, any_value(ten_linh_vuc ORDER BY ten_linh_vuc) AS ten_linh_vuc, count(*) AS so_tthc
FROM staging.danh_muc_tthc
WHERE ma_linh_vuc IS NOT NULL
GROUP BY ma_linh_vuc;
