-- What a leader can choose: the province, and every unit with its level, name, validity and
-- successor.
CREATE OR REPLACE TABLE marts.scopes AS
SELECT 'province' AS scope, 'province' AS scope_code, 0 AS level_order, 'Toàn tỉnh' AS name_vi, 'Whole province' AS name_en,
    CAST(NULL AS VARCHAR) AS cap, 'Toàn tỉnh' AS ten_don_vi, CAST(NULL AS DATE) AS hieu_luc_tu,
    CAST(NULL AS DATE) AS hieu_luc_den, CAST(NULL AS VARCHAR) AS successor
UNION ALL
SELECT 'unit', ma_don_vi, CASE cap WHEN 'tinh' THEN 1 WHEN 'huyen' THEN 2 ELSE 3 END,
    ten_don_vi || ' (' || ma_don_vi || ')', ten_don_vi || ' (' || ma_don_vi || ')',
    cap, ten_don_vi, hieu_luc_tu, hieu_luc_den, nullif(final_successor, ma_don_vi)
FROM core.dim_don_vi
WHERE ma_don_vi IN (SELECT scope_code FROM kpi.values WHERE scope = 'unit');
