-- Who drags a target down: for the province (its units) and each level (the units of that level),
-- every unit below the scope's target, with the points it costs.
-- Points it costs = how many percentage points the scope's rate would gain had that unit alone
-- reached the scope's target, everything else unchanged:
--     (target x unit denominator / 100 - unit numerator) / scope denominator x 100
--   = unit denominator / scope denominator x (target - unit value).
-- A unit at or above the target costs nothing and is left out. Only targets a higher value meets
-- (> and >=; every export-measured target is one).
-- rank: 1 for the unit costing most (ties by unit code); sorted so a page reads one period at once.
CREATE OR REPLACE TABLE marts.unit_drags AS
WITH d AS (
    SELECT s.period, s.scope, s.scope_code, s.indicator, u.scope_code AS unit, d.ten_don_vi AS name,
        u.numerator, u.denominator, u.value, s.target,
        (s.target * u.denominator / 100.0 - u.numerator) * 100.0 / s.denominator AS points
    FROM kpi.scorecard s
    JOIN kpi.scorecard u ON u.period = s.period AND u.indicator = s.indicator AND u.scope = 'unit'
    JOIN core.dim_don_vi d ON d.ma_don_vi = u.scope_code
    WHERE s.scope IN ('province', 'level') AND s.comparator IN ('>', '>=') AND s.denominator > 0
        AND u.denominator > 0 AND u.value < s.target AND (s.scope = 'province' OR d.cap = s.scope_code)
)
SELECT *, row_number() OVER (PARTITION BY period, scope, scope_code, indicator ORDER BY points DESC, unit ASC) AS rank
FROM d
ORDER BY period, scope_code, indicator, rank;
