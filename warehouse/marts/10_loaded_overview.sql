-- What the warehouse holds, for the dashboard shell and `cchc refresh`'s summary.

-- Dossiers by month received and by level (dossiers never accepted count by their submission).
CREATE OR REPLACE TABLE marts.dossiers_by_month_level AS
SELECT
    strftime(coalesce(h.ngay_tiep_nhan, h.ngay_nop), '%Y-%m') AS thang,
    coalesce(u.cap, 'khong_ro') AS cap,
    coalesce(u.ten_cap, 'Không rõ đơn vị') AS ten_cap,
    count(*) AS so_ho_so,
    count(DISTINCT h.ma_don_vi) AS so_don_vi,
    count(*) FILTER (h.kenh = 2) AS so_ho_so_truc_tuyen
FROM core.fct_ho_so h
LEFT JOIN core.dim_don_vi u USING (ma_don_vi)
GROUP BY ALL;

-- Each export period and what it carried.
CREATE OR REPLACE TABLE marts.periods_loaded AS
SELECT
    period AS thang,
    max(file_name) FILTER (kind = 'ho_so') AS tep_ho_so,
    max(rows_loaded) FILTER (kind = 'ho_so') AS dong_ho_so,
    max(rows_loaded) FILTER (kind = 'thanh_toan') AS dong_thanh_toan,
    max(rows_loaded) FILTER (kind = 'so_hoa') AS dong_so_hoa,
    max(loaded_at) AS nap_luc
FROM meta.files
WHERE period IS NOT NULL
GROUP BY period;

-- Units by level, with how many existed at each point (validity dates).
CREATE OR REPLACE TABLE marts.units_by_level AS
SELECT cap, ten_cap,
    count(*) AS so_don_vi,
    count(*) FILTER (hieu_luc_den IS NULL) AS dang_hoat_dong,
    count(*) FILTER (ma_don_vi_ke_thua IS NOT NULL) AS da_sap_nhap
FROM core.dim_don_vi
WHERE NOT is_province
GROUP BY ALL;
