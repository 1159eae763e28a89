-- Payments, typed from the landing text. Parsed once per batch into landing.thanh_toan_typed by the loader;
-- the rows that break no critical rule go on to staging.thanh_toan.
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
FROM landing.thanh_toan;
