-- The overview's tiles: each scorecard line with its indicator's names, the period before (of the
-- same type), the same period a year before, and the trend of the last 12 periods of that type.
-- Changes are in percentage points (value - previous_value); missing stays NULL, never 0.
CREATE OR REPLACE TABLE marts.scorecard_tiles AS
WITH s AS (
    SELECT s.*, p.period_type, p.start_date, p.end_date, p.complete, i.ord, i.name_vi, i.name_en, i.source
    FROM kpi.scorecard s
    JOIN kpi.periods p USING (period)
    JOIN kpi.indicators i USING (indicator)
)
SELECT s.*,
    lag(s.period) OVER w AS previous_period,
    lag(s.value) OVER w AS previous_value,
    ly.value AS last_year_value,
    list(s.value) OVER (w ROWS BETWEEN 11 PRECEDING AND CURRENT ROW) AS trend
FROM s
LEFT JOIN s ly ON ly.scope = s.scope AND ly.scope_code = s.scope_code AND ly.indicator = s.indicator
    AND ly.period = CAST(CAST(left(s.period, 4) AS INTEGER) - 1 AS VARCHAR) || substr(s.period, 5)
WINDOW w AS (PARTITION BY s.scope, s.scope_code, s.indicator, s.period_type ORDER BY s.end_date);

-- What a leader can choose on the overview: the province, and every unit with its level and name.
CREATE OR REPLACE TABLE marts.scopes AS
SELECT 'province' AS scope, 'province' AS scope_code, 0 AS level_order, 'Toàn tỉnh' AS name_vi, 'Whole province' AS name_en
UNION ALL
SELECT 'unit', ma_don_vi, CASE cap WHEN 'tinh' THEN 1 WHEN 'huyen' THEN 2 ELSE 3 END,
    ten_don_vi || ' (' || ma_don_vi || ')', ten_don_vi || ' (' || ma_don_vi || ')'
FROM core.dim_don_vi
WHERE ma_don_vi IN (SELECT scope_code FROM kpi.values WHERE scope = 'unit');
