-- The same by field (lĩnh vực) and by procedure, for units and the province: which ones drag a
-- number down. A view, not a table: every combination would outnumber the counts themselves,
-- while a page asks for one period and scope, which the counts (sorted by period and unit) answer
-- at once.
CREATE OR REPLACE VIEW kpi.breakdown AS
WITH keyed AS (
    SELECT period, ma_don_vi, indicator, 'field' AS dimension, ma_linh_vuc AS key, numerator, denominator
    FROM kpi.counts
    UNION ALL
    SELECT period, ma_don_vi, indicator, 'procedure', ma_tthc, numerator, denominator
    FROM kpi.counts
),
units AS (
    SELECT period, 'unit' AS scope, ma_don_vi AS scope_code, dimension, key, indicator,
        sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM keyed
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
),
province AS (
    SELECT period, 'province' AS scope, 'province' AS scope_code, dimension, key, indicator,
        sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM keyed
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
)
SELECT *, rate(numerator, denominator) AS value FROM (FROM units UNION ALL FROM province);
