-- Every dossier late in a period, with why and by how many days (the unit page's list).
CREATE OR REPLACE VIEW marts.late_dossiers AS
SELECT period, reporting_unit, ma_ho_so, ma_don_vi, ma_tthc, ten_tthc, kenh, ngay_tiep_nhan, ngay_hen_tra,
    ngay_ket_thuc, state, so_lan_bo_sung, gio_bo_sung, hours_taken_off, two_supplements, days_late, reason,
    co_phieu_xin_loi
FROM kpi.late_dossiers;
