-- What fires now, read from the published warehouse after a refresh: one row per rule, scope and
-- indicator (one alert, one episode), with `periods`, every period it fires in (the month first,
-- then the quarter, then the year to date): the same miss in the month, the quarter and the year
-- to date is one thing for a leader to act on, not three. getvariable: drop_points, min_denominator.
WITH latest AS (  -- the newest period of each type the alerts watch
    SELECT period_type, arg_max(period, end_date) AS period FROM marts.periods
    WHERE period_type IN ('month', 'quarter', 'ytd') GROUP BY ALL
),
month AS (SELECT period FROM latest WHERE period_type = 'month'),
judged AS (
    SELECT t.*, l.period_type AS watched_type
    FROM marts.scorecard_tiles t JOIN latest l USING (period)
    WHERE t.source = 'export' AND t.denominator >= getvariable('min_denominator')
),
below AS (
    SELECT 'below_target' AS rule, scope, scope_code, indicator, watched_type AS period_type, period, value,
        target, comparator, target_source, numerator, denominator, previous_value, NULL AS projected_value
    FROM judged WHERE status = 'not_met'
),
fell AS (
    SELECT 'drop', scope, scope_code, indicator, watched_type, period, value, target, comparator, target_source,
        numerator, denominator, previous_value, NULL
    FROM judged WHERE watched_type = 'month' AND value - previous_value <= -getvariable('drop_points')
),
heading_below AS (  -- on target so far this year, but the year's trend ends below it (marts.year_projection);
                    -- once the year to date is below, below_target says so already
    SELECT 'projected_miss', y.scope, y.scope_code, y.indicator, 'ytd', y.period, y.value, y.target, y.comparator,
        y.target_source, y.numerator, y.denominator, NULL, y.projected_value
    FROM marts.year_projection y JOIN latest l USING (period)
    WHERE y.status = 'met' AND NOT y.projected_meets AND y.denominator >= getvariable('min_denominator')
),
received AS (  -- dossiers received per unit and month (online_dossier_rate_all's denominator)
    SELECT v.scope_code, p.end_date, v.period, v.denominator AS n
    FROM marts.scorecard v JOIN marts.periods p USING (period)
    WHERE v.scope = 'unit' AND v.indicator = 'online_dossier_rate_all' AND p.period_type = 'month'
),
silent AS (  -- a unit that received dossiers in each of the 3 months before sent none this month
    SELECT 'data_missing', 'unit', r.scope_code, NULL, 'month', r.period, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL
    FROM received r JOIN month USING (period)
    WHERE r.n = 0 AND (SELECT count(*) FILTER (b.n > 0) FROM received b WHERE b.scope_code = r.scope_code
                       AND b.end_date < r.end_date AND b.end_date >= r.end_date - INTERVAL 3 MONTH) = 3
),
missing_file AS (  -- an export missing for the newest month: missing data is not good data
    SELECT 'data_missing', 'province', 'province', k.kind, 'month', m.period, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM month m CROSS JOIN (VALUES ('ho_so'), ('thanh_toan'), ('so_hoa')) k (kind)
    WHERE NOT EXISTS (SELECT 1 FROM marts.file_quality f WHERE f.period = m.period AND f.kind = k.kind)
),
held_back AS (  -- the steward's: a file the last refresh held back, or whose rows do not reconcile
    SELECT 'data_quality', 'province', 'province', v.file_name, NULL, v.period, NULL, NULL, NULL, NULL, NULL,
        v.rows_validated, NULL, NULL
    FROM marts.validations v
    WHERE v.outcome = 'held_back' AND v.refresh_id = (SELECT arg_max(refresh_id, finished_at) FROM marts.refreshes
                                                      WHERE status = 'succeeded')
    UNION ALL
    SELECT 'data_quality', 'province', 'province', file_name, NULL, period, NULL, NULL, NULL, NULL, NULL, rows_read, NULL, NULL
    FROM marts.file_quality WHERE NOT balanced
),
fired AS (
    SELECT * FROM below UNION ALL SELECT * FROM fell UNION ALL SELECT * FROM heading_below UNION ALL SELECT * FROM silent
    UNION ALL SELECT * FROM missing_file UNION ALL SELECT * FROM held_back
)
SELECT rule, scope, scope_code, indicator,
    list(DISTINCT struct_pack(period_type, period, value, target, comparator, target_source, numerator, denominator,
                              previous_value, projected_value)) AS periods
FROM fired
GROUP BY rule, scope, scope_code, indicator
ORDER BY rule, scope, scope_code, indicator NULLS FIRST
