-- Successful payments with the unit, procedure and field of their dossier (a payment for a
-- dossier not in the exports cannot be placed and is not counted). Kept from one refresh to the
-- next: the payments the loader's changes may touch are classified again, and those that changed
-- are kept before and after for the counts (changes.kpi_payments_*, kpi.counts).
-- config: name=kpi.payments unique_key=ma_giao_dich pending=staging.kpi_payments_pending kind=thanh_toan
-- config: compare=true full_refresh=changes.counting_basis
SELECT t.ma_giao_dich, t.ma_ho_so, h.ma_don_vi, h.ma_tthc, coalesce(c.ma_linh_vuc, h.ma_linh_vuc) AS ma_linh_vuc,
    t.so_tien, t.hinh_thuc, t.nen_tang, t.thoi_diem
FROM facts_to_classify('core.fct_thanh_toan') t
JOIN core.fct_ho_so h USING (ma_ho_so)
LEFT JOIN core.dim_tthc c ON c.ma_tthc = h.ma_tthc
WHERE t.trang_thai = 'thanh_cong'
