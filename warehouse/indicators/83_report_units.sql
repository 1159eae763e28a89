-- The table's rows, for `cchc report` and the dashboard (pipelines/indicators/report_table.py adds
-- the level subtotals and the province total). report_units: one row per unit that existed in
-- the period or has dossiers in it; report_fields: one row per field with dossiers, for each unit
-- and for the province as a whole (scope_code 'province').
CREATE OR REPLACE VIEW kpi.report_units AS
WITH sums AS (
    SELECT period, ma_don_vi, sum(COLUMNS('^c[0-9]+$')) FROM kpi.report_counts GROUP BY ALL
),
listed AS (
    SELECT period, ma_don_vi FROM kpi.unit_periods WHERE valid_in_period AND reporting_unit = ma_don_vi
    UNION SELECT period, ma_don_vi FROM sums
)
SELECT l.period, u.ma_don_vi AS ma, u.ten_don_vi AS ten, u.cap, u.is_province,
    coalesce(COLUMNS(c -> regexp_full_match(c, 'c[0-9]+')), 0)
FROM listed l
JOIN core.dim_don_vi u USING (ma_don_vi)
LEFT JOIN sums s USING (period, ma_don_vi);
