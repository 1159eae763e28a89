-- Reported indicators, typed: values a steward enters per unit and period for the plans' targets
-- that no export measures (warehouse/seeds/reported_indicators.csv).
CREATE OR REPLACE VIEW staging.chi_so_bao_cao_parsed AS
SELECT
    upper(ky) AS ky,
    ma_don_vi,
    ma_chi_so,
    parse_number(gia_tri) AS gia_tri,
    clean_note(ghi_chu) AS ghi_chu,
    _period, _file, _row
FROM landing.chi_so_bao_cao;
