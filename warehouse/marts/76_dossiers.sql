-- Every dossier as loaded (the latest version), for looking one up.
CREATE OR REPLACE VIEW marts.dossiers AS
SELECT ma_ho_so, ma_tthc, ten_tthc, ma_linh_vuc, ten_linh_vuc, ma_don_vi, kenh, toan_trinh, ngay_nop,
    ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc, ngay_tra, trang_thai, so_lan_bo_sung, ngay_yeu_cau_bo_sung,
    ngay_hoan_thanh_bo_sung, gio_bo_sung, co_phieu_xin_loi, ngay_hen_tra_moi, danh_gia, loai_doi_tuong,
    ngay_cap_nhat, _period, _file, versions
FROM core.fct_ho_so;
