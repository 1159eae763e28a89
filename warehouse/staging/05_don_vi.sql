-- Organisational units with validity, typed (reference: replaced whole when a new file arrives).
-- First of the kinds: the dossiers' view (10_ho_so.sql) reads the staged units, to read a unit
-- written by its name.
CREATE OR REPLACE VIEW staging.don_vi_parsed AS
SELECT
    ma_don_vi,
    clean_name(ten_don_vi) AS ten_don_vi,
    lower(cap) AS cap,
    ma_don_vi_cha,
    parse_date(hieu_luc_tu, _format) AS hieu_luc_tu,
    parse_date(hieu_luc_den, _format) AS hieu_luc_den,
    ma_don_vi_ke_thua,
    _period, _file, _row
FROM landing.don_vi;

CREATE TABLE IF NOT EXISTS staging.don_vi AS SELECT * FROM staging.don_vi_parsed WHERE false;
