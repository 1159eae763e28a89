-- The report's rows by field, for each unit and the province (above).
CREATE OR REPLACE VIEW kpi.report_fields AS
SELECT r.period, s.scope_code, r.ma_linh_vuc AS ma, any_value(f.ten_linh_vuc) AS ten, sum(COLUMNS(c -> regexp_full_match(c, 'c[0-9]+')))
FROM kpi.report_counts r
CROSS JOIN LATERAL (VALUES (r.ma_don_vi), ('province')) s (scope_code)
LEFT JOIN core.dim_linh_vuc f USING (ma_linh_vuc)
WHERE r.ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
GROUP BY r.period, s.scope_code, r.ma_linh_vuc;
