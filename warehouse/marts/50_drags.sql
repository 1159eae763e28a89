-- The unit page.

-- What drags a number down: per scope, period and indicator, each procedure and field with the
-- dossiers (or payments, procedures) that fell short and the points the scope's value would gain
-- were they all met (shortfall / the scope's denominator).
CREATE OR REPLACE VIEW marts.drags AS
SELECT b.period, b.scope, b.scope_code, b.indicator, b.dimension, b.key,
    coalesce(CASE b.dimension WHEN 'procedure' THEN t.ten_tthc ELSE f.ten_linh_vuc END, b.key) AS name,
    b.numerator, b.denominator, b.value, b.denominator - b.numerator AS shortfall,
    100.0 * (b.denominator - b.numerator) / v.denominator AS points_lost
FROM kpi.breakdown b
JOIN kpi.values v USING (period, scope, scope_code, indicator)
LEFT JOIN core.dim_tthc t ON b.dimension = 'procedure' AND t.ma_tthc = b.key
LEFT JOIN core.dim_linh_vuc f ON b.dimension = 'field' AND f.ma_linh_vuc = b.key
WHERE b.denominator > b.numerator;
