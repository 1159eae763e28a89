-- Units by level, with how many existed at each point (validity dates).
CREATE OR REPLACE TABLE marts.units_by_level AS
SELECT cap, ten_cap,
    count(*) AS so_don_vi,
    count(*) FILTER (hieu_luc_den IS NULL) AS dang_hoat_dong,
    count(*) FILTER (ma_don_vi_ke_thua IS NOT NULL) AS da_sap_nhap
FROM core.dim_don_vi
WHERE NOT is_province
GROUP BY ALL;
