-- Dossiers with what classifies them: their procedure's traits, whether paid online, their
-- documents digitized, and the times that decide their state in a period. Kept from one refresh to
-- the next like kpi.payments: the dossiers the loader's changes may touch (their own rows, their
-- documents', their payments' before and after) are classified again, and those that changed are
-- kept before and after for the counts and the late list (changes.kpi_dossiers_*).
-- config: name=kpi.dossiers unique_key=ma_ho_so pending=staging.kpi_dossiers_pending kind=ho_so
-- config: compare=true full_refresh=changes.counting_basis
--
-- Accepted dossiers with everything the classification needs that does not depend on the
-- period (indicators.md, "Dossier classification"); one row per dossier (core.fct_ho_so is
-- deduplicated: the latest version wins). Only the latest row is kept, so where a dossier stood at
-- a period's end is rebuilt from its dates (31_dossier_periods.sql does it per period):
--   end_time E: ngay_ket_thuc for statuses 7-10; NULL while open.
--   window_until: the supplement window W runs from ngay_yeu_cau_bo_sung (inclusive) to
--     ngay_hoan_thanh_bo_sung (exclusive); window_until is 9999-12-31 while the request is pending (no
--     completion, or one earlier than the request), NULL without a request.
--   stops_at_end: withdrawn or stopped (7, 8) while a request was pending (E in W): judged at the
--     request, for every period that ends after E.
--   hours_off: gio_bo_sung, taken off the time T when the supplement was completed by T; 0 when the
--     source system moves the due date itself (getvariable('supplement_moves_due_date')).
--   The day A = T - S falls on, where it does not depend on the period: adjusted_end_date when
--     judged at E, adjusted_request_date when judged at the request; and open_days_off, the days S
--     takes off the last moment of a period (A of an open dossier is end_date - open_days_off).
--     Dates, so that each dossier × period row compares two dates (31_dossier_periods.sql): computing
--     A per row made counting a third slower. due_date: DATE(ngay_hen_tra).
--   two_supplements: so_lan_bo_sung >= 2 makes a dossier late for the indicators whatever its
--     dates; the periodic report table judges by dates alone (indicators.md).
--   in_scope_until: the latest T any period can give, so a range join finds the periods first.
WITH fct_ho_so AS (FROM facts_to_classify('core.fct_ho_so')),
payments AS (
    SELECT ma_ho_so, bool_or(trang_thai = 'thanh_cong' AND hinh_thuc = 'truc_tuyen') AS paid_online
    FROM facts_to_classify('core.fct_thanh_toan')
    GROUP BY ALL
),
documents AS (
    SELECT ma_ho_so,
        bool_or(loai = 'thanh_phan' AND da_so_hoa) AS component_digitized,
        bool_or(loai = 'ket_qua' AND da_so_hoa) AS result_digitized,
        bool_or(loai = 'ket_qua' AND ket_qua_dien_tu) AS e_result,
        bool_or(loai = 'thanh_phan' AND (tai_su_dung OR tu_kho_dvcqg)) AS data_reused
    FROM facts_to_classify('core.fct_so_hoa')
    GROUP BY ALL
),
classified AS (
    SELECT h.ma_ho_so, h.ma_don_vi, h.ma_tthc, coalesce(t.ma_linh_vuc, h.ma_linh_vuc) AS ma_linh_vuc,
        h.kenh, h.toan_trinh, h.trang_thai, h.ngay_tiep_nhan, h.ngay_hen_tra, h.ngay_ket_thuc,
        h.ngay_yeu_cau_bo_sung, h.ngay_hoan_thanh_bo_sung, h.so_lan_bo_sung, h.gio_bo_sung,
        h.co_phieu_xin_loi, h.danh_gia,
        CASE WHEN h.trang_thai IN (7, 8, 9, 10) THEN h.ngay_ket_thuc END AS end_time,
        CASE WHEN h.ngay_yeu_cau_bo_sung IS NULL THEN NULL
             WHEN h.ngay_hoan_thanh_bo_sung IS NULL OR h.ngay_hoan_thanh_bo_sung < h.ngay_yeu_cau_bo_sung
                 THEN TIMESTAMP '9999-12-31'
             ELSE h.ngay_hoan_thanh_bo_sung END AS window_until,
        to_microseconds(CAST(round(CASE WHEN getvariable('supplement_moves_due_date') THEN 0
                                        ELSE coalesce(h.gio_bo_sung, 0) END * 3600e6) AS BIGINT)) AS hours_off,
        coalesce(h.so_lan_bo_sung, 0) >= 2 AS two_supplements,
        coalesce(t.is_online_service, false) AS online_procedure,
        coalesce(t.muc_do_dvctt = 'toan_trinh', false) AS full_process_procedure,
        coalesce(t.co_phi, false) AS fee_procedure,
        coalesce(p.paid_online, false) AS paid_online,
        coalesce(d.component_digitized, false) AS component_digitized,
        coalesce(d.result_digitized, false) AS result_digitized,
        coalesce(d.e_result, false) AS e_result,
        coalesce(d.data_reused, false) AS data_reused
    FROM fct_ho_so h
    LEFT JOIN core.dim_tthc t USING (ma_tthc)
    LEFT JOIN payments p USING (ma_ho_so)
    LEFT JOIN documents d USING (ma_ho_so)
    WHERE h.trang_thai NOT IN (1, 3) AND h.ngay_tiep_nhan IS NOT NULL  -- accepted
),
timed AS (
    SELECT *,
        coalesce(trang_thai IN (7, 8) AND ngay_yeu_cau_bo_sung <= end_time AND end_time < window_until, false) AS stops_at_end,
        CAST(ngay_hen_tra AS DATE) AS due_date,
        CAST(end_time - CASE WHEN ngay_hoan_thanh_bo_sung <= end_time THEN hours_off ELSE INTERVAL 0 SECOND END AS DATE)
            AS adjusted_end_date,
        CAST(ngay_yeu_cau_bo_sung - CASE WHEN ngay_hoan_thanh_bo_sung <= ngay_yeu_cau_bo_sung THEN hours_off
                                         ELSE INTERVAL 0 SECOND END AS DATE) AS adjusted_request_date,
        -- whole days between the last microsecond of a day and that moment less S
        CAST(-floor((86400000000 - 1 - epoch_us(hours_off)) / 86400000000) AS INTEGER) AS open_days_off
    FROM classified
)
SELECT *,
    CASE WHEN stops_at_end THEN ngay_yeu_cau_bo_sung  -- the latest T of any period: an inequality the range join can use
         WHEN end_time IS NOT NULL THEN end_time
         WHEN window_until = TIMESTAMP '9999-12-31' THEN ngay_yeu_cau_bo_sung
         ELSE TIMESTAMP '9999-12-31' END AS in_scope_until
FROM timed
