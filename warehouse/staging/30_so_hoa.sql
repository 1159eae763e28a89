-- Digitized documents, typed from the landing text. Parsed once per batch into landing.so_hoa_typed by the loader;
-- the rows that break no critical rule go on to staging.so_hoa.
CREATE OR REPLACE VIEW staging.so_hoa_parsed AS
SELECT
    ma_ho_so,
    ma_giay_to,
    lower(loai) AS loai,
    parse_flag(da_so_hoa) AS da_so_hoa,
    parse_flag(ket_qua_dien_tu) AS ket_qua_dien_tu,
    parse_flag(tai_su_dung) AS tai_su_dung,
    parse_flag(tu_kho_dvcqg) AS tu_kho_dvcqg,
    parse_ts(ngay_so_hoa, _format) AS ngay_so_hoa,
    _period, _file, _row
FROM landing.so_hoa;
