-- The periodic report table (Biểu 06/VPCP/KSTT, indicators.md "The periodic report table"): per
-- period, reporting unit and field, the dossiers of columns 3-15, from the classification the
-- indicators use (30_membership.sql), judged by dates alone as the form and the one-stop systems
-- that print it do: the two-supplement rule is not applied, so its on-time count may exceed the
-- indicator's. Every row balances: c3 = c4 + c5 + c6 = c7 + c11 + c14 + c15, c7 = c8 + c9 + c10,
-- c11 = c12 + c13 (staging.report_reconciliation).
CREATE OR REPLACE MACRO report_counts_of(dossiers, periods) AS TABLE
SELECT period, reporting_unit AS ma_don_vi, ma_linh_vuc,
    count(*) AS c3,                                                   -- in scope
    count(*) FILTER (received AND kenh = 2) AS c4,                    -- received in P online
    count(*) FILTER (received AND kenh IN (1, 3)) AS c5,              -- in person or by post
    count(*) FILTER (NOT received) AS c6,                             -- carried over
    count(*) FILTER (resolved) AS c7,
    count(*) FILTER (resolved AND early_by_dates) AS c8,              -- early
    count(*) FILTER (resolved AND on_time_by_dates AND NOT coalesce(early_by_dates, false)) AS c9,  -- on the day, or no due date
    count(*) FILTER (resolved AND NOT on_time_by_dates) AS c10,       -- late
    count(*) FILTER (state = 'open') AS c11,
    count(*) FILTER (state = 'open' AND on_time_by_dates) AS c12,
    count(*) FILTER (state = 'open' AND NOT on_time_by_dates) AS c13,
    count(*) FILTER (state = 'stopped') AS c14,                       -- waiting for the applicant
    count(*) FILTER (state = 'finished' AND trang_thai IN (7, 8)) AS c15  -- withdrawn or stopped
FROM dossier_periods_of(dossiers, periods)
GROUP BY ALL;

-- The periodic report table's columns (above) by period, unit, procedure and field.
CREATE OR REPLACE VIEW kpi.report_counts AS FROM report_counts_of('kpi.dossiers', 'kpi.periods');

-- Read by the blocking asset check report_reconciles, for the months this count touched: the
-- province's table balances in every row, and its columns 3, 4 + 5 and 7 are the denominators of
-- on_time_rate, online_dossier_rate_all and resolved_on_time_rate, which kpi.counts keeps by
-- another path (changes added to kept counts).
CREATE OR REPLACE VIEW staging.report_checked_periods AS
SELECT * FROM kpi.periods
WHERE period_type = 'month' AND list_contains((SELECT any_value(periods_changed) FROM kpi.counting), period);
-- One row per month checked: the report's columns summed, the indicators' denominators, and
-- whether they balance.
CREATE OR REPLACE VIEW staging.report_reconciliation AS
WITH report AS (
    SELECT period, sum(COLUMNS('^c[0-9]+$'))
    FROM report_counts_of('kpi.dossiers', 'staging.report_checked_periods')
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
),
indicator AS (
    SELECT period, sum(denominator) FILTER (indicator = 'on_time_rate') AS in_scope,
        sum(denominator) FILTER (indicator = 'online_dossier_rate_all') AS received,
        sum(denominator) FILTER (indicator = 'resolved_on_time_rate') AS resolved
    FROM kpi.values
    WHERE scope = 'province' AND period IN (SELECT period FROM staging.report_checked_periods)
    GROUP BY ALL
)
SELECT period, r.*, i.in_scope, i.received, i.resolved,
    coalesce(c3 = c4 + c5 + c6 AND c3 = c7 + c11 + c14 + c15 AND c7 = c8 + c9 + c10 AND c11 = c12 + c13
        AND c3 = i.in_scope AND c4 + c5 = i.received AND c7 = i.resolved, coalesce(c3, 0) + coalesce(i.in_scope, 0) = 0)
        AS balanced
FROM report r
FULL JOIN indicator i USING (period);

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

-- The report's rows by field, for each unit and the province (above).
CREATE OR REPLACE VIEW kpi.report_fields AS
SELECT r.period, s.scope_code, r.ma_linh_vuc AS ma, any_value(f.ten_linh_vuc) AS ten, sum(COLUMNS(c -> regexp_full_match(c, 'c[0-9]+')))
FROM kpi.report_counts r
CROSS JOIN LATERAL (VALUES (r.ma_don_vi), ('province')) s (scope_code)
LEFT JOIN core.dim_linh_vuc f USING (ma_linh_vuc)
WHERE r.ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
GROUP BY r.period, s.scope_code, r.ma_linh_vuc;
