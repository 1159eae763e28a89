-- Dossiers, typed from the landing text. Parsed once per batch into landing.ho_so_typed by the loader;
-- the rows that break no critical rule go on to staging.ho_so.
CREATE OR REPLACE VIEW staging.ho_so_parsed AS
SELECT
    ma_ho_so,
    ma_tthc,
    ten_tthc,
    ma_linh_vuc,
    ten_linh_vuc,
    ma_don_vi,
    parse_int(kenh) AS kenh,
    parse_flag(toan_trinh) AS toan_trinh,
    parse_ts(ngay_nop, _format) AS ngay_nop,
    parse_ts(ngay_tiep_nhan, _format) AS ngay_tiep_nhan,
    parse_ts(ngay_hen_tra, _format) AS ngay_hen_tra,
    parse_ts(ngay_ket_thuc, _format) AS ngay_ket_thuc,
    parse_ts(ngay_tra, _format) AS ngay_tra,
    parse_int(trang_thai) AS trang_thai,
    parse_int(so_lan_bo_sung) AS so_lan_bo_sung,
    parse_ts(ngay_yeu_cau_bo_sung, _format) AS ngay_yeu_cau_bo_sung,
    parse_ts(ngay_hoan_thanh_bo_sung, _format) AS ngay_hoan_thanh_bo_sung,
    parse_number(gio_bo_sung) AS gio_bo_sung,
    parse_flag(co_phieu_xin_loi) AS co_phieu_xin_loi,
    parse_ts(ngay_hen_tra_moi, _format) AS ngay_hen_tra_moi,
    lower(danh_gia) AS danh_gia,
    parse_int(loai_doi_tuong) AS loai_doi_tuong,
    parse_ts(ngay_cap_nhat, _format) AS ngay_cap_nhat,
    _period, _file, _row
FROM landing.ho_so;
