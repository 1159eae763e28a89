-- Roll-ups (indicators.md, "Scopes and roll-ups"): each count belongs to its reporting unit,
-- that unit's level (tinh, huyen, xa) and the province. Sums, never averages of rates: each
-- unit's counts are summed first, and the levels and the province are sums of those.
CREATE OR REPLACE TABLE kpi.unit_sums AS
SELECT c.period, c.ma_don_vi, u.cap, c.indicator, sum(c.numerator) AS numerator, sum(c.denominator) AS denominator
FROM kpi.counts c
JOIN core.dim_don_vi u USING (ma_don_vi)
GROUP BY ALL;
