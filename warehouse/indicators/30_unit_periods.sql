-- Who counts where. For every period, each unit's reporting unit: a unit that no longer exists at
-- the period's end reports under its successor (the merger chain followed to its end), so a
-- period across a merger date rolls history up; a period before it shows the unit under its own
-- name (exports.md, don_vi; indicators.md, "Scopes and roll-ups").
CREATE OR REPLACE TABLE kpi.unit_periods AS
SELECT p.period, u.ma_don_vi,
    CASE WHEN u.hieu_luc_den < p.end_date AND s.ma_don_vi <> u.ma_don_vi AND coalesce(s.hieu_luc_tu, DATE '0001-01-01') <= p.end_date
         THEN s.ma_don_vi ELSE u.ma_don_vi END AS reporting_unit,
    coalesce(u.hieu_luc_tu, DATE '0001-01-01') <= p.end_date
        AND coalesce(u.hieu_luc_den, DATE '9999-12-31') >= p.start_date AS valid_in_period
FROM kpi.periods p
CROSS JOIN core.dim_don_vi u
LEFT JOIN core.dim_don_vi s ON s.ma_don_vi = u.final_successor;
