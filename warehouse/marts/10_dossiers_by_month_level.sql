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
