-- Organisational units with validity, typed (reference: replaced whole when a new file arrives).
CREATE OR REPLACE VIEW staging.don_vi_parsed AS
SELECT
    ma_don_vi,
    ten_don_vi,
    lower(cap) AS cap,
    ma_don_vi_cha,
    parse_date(hieu_luc_tu, _format) AS hieu_luc_tu,
    parse_date(hieu_luc_den, _format) AS hieu_luc_den,
    ma_don_vi_ke_thua,
    _period, _file, _row
FROM landing.don_vi;
