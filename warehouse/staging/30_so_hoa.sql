-- Digitized documents, typed. Materialized per period into staging.so_hoa by the loader.
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
FROM raw.so_hoa;
