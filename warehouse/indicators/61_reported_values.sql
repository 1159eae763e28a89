-- The steward's values of reported indicators (chi_so_bao_cao): the province's own row is the
-- province scope, any other unit its unit scope.
CREATE OR REPLACE TABLE kpi.reported_values AS
SELECT r.ky AS period, CASE WHEN u.is_province THEN 'province' ELSE 'unit' END AS scope,
    CASE WHEN u.is_province THEN 'province' ELSE r.ma_don_vi END AS scope_code, r.ma_chi_so AS indicator,
    r.gia_tri AS value, r.ghi_chu, r._file
FROM staging.chi_so_bao_cao r
JOIN core.dim_don_vi u USING (ma_don_vi);
