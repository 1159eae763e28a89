-- Procedure catalog, typed (reference: replaced whole when a new file arrives).
CREATE OR REPLACE VIEW staging.danh_muc_tthc_parsed AS
SELECT
    ma_tthc,
    clean_name(ten_tthc) AS ten_tthc,
    ma_linh_vuc,
    clean_name(ten_linh_vuc) AS ten_linh_vuc,
    lower(cap_thuc_hien) AS cap_thuc_hien,
    ma_don_vi_thuc_hien,
    lower(muc_do_dvctt) AS muc_do_dvctt,
    parse_flag(co_phi) AS co_phi,
    parse_flag(tich_hop_tt_dvcqg) AS tich_hop_tt_dvcqg,
    parse_number(thoi_han) AS thoi_han,
    lower(don_vi_thoi_han) AS don_vi_thoi_han,
    _period, _file, _row
FROM landing.danh_muc_tthc;
