-- Accepted dossiers with everything the classification needs that does not depend on the
-- period (indicators.md, "Dossier classification"); one row per dossier (core.fct_ho_so is
-- deduplicated: the latest version wins).
--   end_time E: ngay_ket_thuc for statuses 7-10; ngay_yeu_cau_bo_sung for status 5 (a pending
--     supplement stops the clock); NULL while open.
--   adjusted_end A = E - gio_bo_sung hours (the applicant's time is not the agency's).
--   two_supplements: so_lan_bo_sung >= 2 makes a dossier late whatever its dates.
--   on_time_if_finished: DATE(A) <= DATE(ngay_hen_tra); no ngay_hen_tra counts as on time.
CREATE OR REPLACE TABLE kpi.dossiers AS
WITH payments AS (
    SELECT ma_ho_so, bool_or(trang_thai = 'thanh_cong' AND hinh_thuc = 'truc_tuyen') AS paid_online
    FROM core.fct_thanh_toan GROUP BY ALL
),
documents AS (
    SELECT ma_ho_so,
        bool_or(loai = 'thanh_phan' AND da_so_hoa) AS component_digitized,
        bool_or(loai = 'ket_qua' AND da_so_hoa) AS result_digitized,
        bool_or(loai = 'ket_qua' AND ket_qua_dien_tu) AS e_result,
        bool_or(loai = 'thanh_phan' AND (tai_su_dung OR tu_kho_dvcqg)) AS data_reused
    FROM core.fct_so_hoa GROUP BY ALL
),
classified AS (
    SELECT h.ma_ho_so, h.ma_don_vi, h.ma_tthc, coalesce(t.ma_linh_vuc, h.ma_linh_vuc) AS ma_linh_vuc,
        h.kenh, h.toan_trinh, h.trang_thai, h.ngay_tiep_nhan, h.ngay_hen_tra, h.ngay_ket_thuc,
        h.ngay_yeu_cau_bo_sung, h.so_lan_bo_sung, h.gio_bo_sung, h.co_phieu_xin_loi, h.danh_gia,
        CASE WHEN h.trang_thai IN (7, 8, 9, 10) THEN h.ngay_ket_thuc
             WHEN h.trang_thai = 5 THEN h.ngay_yeu_cau_bo_sung END AS end_time,
        coalesce(h.so_lan_bo_sung, 0) >= 2 AS two_supplements,
        coalesce(t.is_online_service, false) AS online_procedure,
        coalesce(t.muc_do_dvctt = 'toan_trinh', false) AS full_process_procedure,
        coalesce(t.co_phi, false) AS fee_procedure,
        coalesce(p.paid_online, false) AS paid_online,
        coalesce(d.component_digitized, false) AS component_digitized,
        coalesce(d.result_digitized, false) AS result_digitized,
        coalesce(d.e_result, false) AS e_result,
        coalesce(d.data_reused, false) AS data_reused
    FROM core.fct_ho_so h
    LEFT JOIN core.dim_tthc t USING (ma_tthc)
    LEFT JOIN payments p USING (ma_ho_so)
    LEFT JOIN documents d USING (ma_ho_so)
    WHERE h.trang_thai NOT IN (1, 3) AND h.ngay_tiep_nhan IS NOT NULL  -- accepted
),
timed AS (
    SELECT *, end_time - to_microseconds(CAST(round(coalesce(gio_bo_sung, 0) * 3600e6) AS BIGINT)) AS adjusted_end
    FROM classified
)
SELECT *,
    NOT two_supplements AND (ngay_hen_tra IS NULL OR CAST(adjusted_end AS DATE) <= CAST(ngay_hen_tra AS DATE))
        AS on_time_if_finished,
    NOT two_supplements AND CAST(adjusted_end AS DATE) < CAST(ngay_hen_tra AS DATE) AS early_if_finished,
    coalesce(end_time, TIMESTAMP '9999-12-31') AS in_scope_until  -- an inequality the range join can use
FROM timed;
