-- The periodic report table (Biểu 06/VPCP/KSTT, indicators.md "The periodic report table"): per
-- period, reporting unit and field, the dossiers of columns 3-15, from the classification the
-- indicators use (31_dossier_periods.sql), judged by dates alone as the form and the one-stop systems
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
