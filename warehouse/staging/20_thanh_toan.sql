-- Payments, typed. Materialized per period into staging.thanh_toan by the loader.
CREATE OR REPLACE VIEW staging.thanh_toan_parsed AS
SELECT
    ma_giao_dich,
    ma_ho_so,
    parse_money(so_tien) AS so_tien,
    lower(hinh_thuc) AS hinh_thuc,
    lower(nen_tang) AS nen_tang,
    lower(trang_thai) AS trang_thai,
    parse_ts(thoi_diem, _format) AS thoi_diem,
    _period, _file, _row
FROM raw.thanh_toan;
