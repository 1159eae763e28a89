-- Each scope in each period: whether a leader can look at it there, and if not why and where to
-- look instead. state: 'exists' (listed in the period's selectors); 'not_yet' (created after the
-- period ended); 'merged' (gone by the period's end, its figures reported by `reporting_unit`);
-- 'gone' (ended before the period began, no successor: a district abolished on 1/7/2025).
-- first_period / last_period: the first and last period of the same type in which it exists, the
-- links the pages offer.
CREATE OR REPLACE TABLE marts.scope_periods AS
WITH states AS (
    SELECT p.period, p.period_type, p.end_date, s.scope_code, s.level_order, s.name_vi, s.name_en, s.cap,
        s.ten_don_vi, s.hieu_luc_tu, s.hieu_luc_den,
        CASE WHEN s.scope = 'province' THEN 'exists'
             WHEN up.reporting_unit <> up.ma_don_vi THEN 'merged'
             WHEN coalesce(s.hieu_luc_tu, DATE '0001-01-01') > p.end_date THEN 'not_yet'
             WHEN coalesce(s.hieu_luc_den, DATE '9999-12-31') < p.start_date THEN 'gone'
             ELSE 'exists' END AS state,
        CASE WHEN up.reporting_unit <> up.ma_don_vi THEN up.reporting_unit END AS reporting_unit
    FROM kpi.periods p
    CROSS JOIN marts.scopes s
    LEFT JOIN kpi.unit_periods up ON up.period = p.period AND up.ma_don_vi = s.scope_code
)
SELECT st.period, st.period_type, st.scope_code, st.level_order, st.name_vi, st.name_en, st.cap, st.ten_don_vi,
    st.hieu_luc_tu, st.hieu_luc_den, st.state, st.reporting_unit, r.ten_don_vi AS reporting_name,
    arg_min(st.period, st.end_date) FILTER (WHERE st.state = 'exists')
        OVER (PARTITION BY st.scope_code, st.period_type) AS first_period,
    arg_max(st.period, st.end_date) FILTER (WHERE st.state = 'exists')
        OVER (PARTITION BY st.scope_code, st.period_type) AS last_period
FROM states st
LEFT JOIN core.dim_don_vi r ON r.ma_don_vi = st.reporting_unit;
