-- The counting rules, as table macros over any set of dossiers, payments and periods: a refresh
-- counts the periods it counts whole with them, and the rows that changed, before and after
-- (kpi.counts, 40_counts.sql; kpi.late_dossiers, 45_late_dossiers.sql); the views
-- kpi.provision_periods (41_) and `cchc explain` read the same.

-- Numerators and denominators at the finest grain: period × reporting unit × procedure (with its
-- field) × indicator, of the dossiers and payments of each period given. Every scope and
-- breakdown is a sum of these, never an average of rates. A period with no export file has no
-- counts: what the catalogue alone or dossiers carried over would give is not its data. Each
-- source is summed wide by each row's own unit, then by reporting unit (30_unit_periods.sql: a
-- merged unit's sums go to its successor; joining every dossier × period row to its reporting
-- unit was a quarter of counting), then turned long by (num, den) pairs (below): turning every
-- measure into its own row and pairing them again cost eight times as much.
CREATE OR REPLACE MACRO counts_of(dossiers, payments, periods) AS TABLE
WITH dossiers AS (
    SELECT s.period, coalesce(up.reporting_unit, s.ma_don_vi) AS ma_don_vi, s.ma_tthc, s.ma_linh_vuc,
        sum(COLUMNS('_(num|den)$'))
    FROM (SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, coalesce(sum(COLUMNS('_(num|den)$')::BIGINT), 0)
          FROM dossier_classes_of(dossiers, periods) GROUP BY ALL) s
    LEFT JOIN kpi.unit_periods up ON up.period = s.period AND up.ma_don_vi = s.ma_don_vi
    GROUP BY ALL
),
payments AS (
    SELECT s.period, coalesce(up.reporting_unit, s.ma_don_vi) AS ma_don_vi, s.ma_tthc, s.ma_linh_vuc,
        sum(COLUMNS('_(num|den)$'))
    FROM (SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, coalesce(sum(COLUMNS('_(num|den)$')::BIGINT), 0)
          FROM payment_classes_of(payments, periods) GROUP BY ALL) s
    LEFT JOIN kpi.unit_periods up ON up.period = s.period AND up.ma_don_vi = s.ma_don_vi
    GROUP BY ALL
),
-- Long, one row per indicator: an indicator is counted by its pair of columns <indicator>_num and
-- <indicator>_den in 31_dossier_periods.sql or 32_payment_periods.sql, written side by side, and listed nowhere else; the k-th
-- numerator column pairs with the k-th denominator column, which `names` checks once.
wide AS (FROM dossiers UNION ALL BY NAME FROM payments),
names AS (
    SELECT list_transform(struct_keys(struct_pack(*COLUMNS('_num$'))), k -> regexp_replace(k, '_num$', '')) AS numerators,
        list_transform(struct_keys(struct_pack(*COLUMNS('_den$'))), k -> regexp_replace(k, '_den$', '')) AS denominators
    -- any one row: the names are the columns'
    FROM (SELECT * FROM wide LIMIT 1)  -- noqa: AM09
),
long AS (
    SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc,
        unnest(CASE WHEN n.numerators = n.denominators THEN n.numerators
            ELSE error('31_dossier_periods.sql, 32_payment_periods.sql: each <indicator>_num needs its _den, in order')
            END) AS indicator,
        unnest(list_value(*COLUMNS('_num$'))) AS numerator, unnest(list_value(*COLUMNS('_den$'))) AS denominator
    FROM wide, names n
)
-- BIGINT, as kpi.counts stores them, not the HUGEINT sum() gives: twice the width, and stored,
-- 4.4M of them took 3.6 s to read back (benchmarks/README.md).
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, numerator::BIGINT AS numerator,
    denominator::BIGINT AS denominator
FROM long
WHERE coalesce(numerator, 0) + coalesce(denominator, 0) > 0;

-- (Reporting unit, procedure it provides) × period: a province-level procedure is provided by its
-- ma_don_vi_thuc_hien, a district- or commune-level one by every unit of that level valid
-- during the period. Merged units provide what any of them provided. Online service uptake needs
-- what `counts` has summed already (one row per key): the procedures received online in the period.
CREATE OR REPLACE MACRO provision_periods_of(counts, periods) AS TABLE
WITH pairs AS (
    SELECT up.period, up.reporting_unit, t.ma_tthc, t.ma_linh_vuc, t.is_online_service, t.co_phi, t.tich_hop_tt_dvcqg,
        up.ma_don_vi
    FROM kpi.unit_periods up
    JOIN core.dim_don_vi u USING (ma_don_vi)
    JOIN core.dim_tthc t ON (t.cap_thuc_hien = 'tinh' AND t.ma_don_vi_thuc_hien = u.ma_don_vi)
        OR (t.cap_thuc_hien IN ('huyen', 'xa') AND t.cap_thuc_hien = u.cap)
    WHERE up.valid_in_period AND up.period IN (SELECT period FROM query_table(periods))
),
online_used AS (
    SELECT DISTINCT period, ma_don_vi AS reporting_unit, ma_tthc FROM query_table(counts)
    WHERE indicator = 'online_dossier_rate_all' AND numerator > 0
)
SELECT period, reporting_unit, ma_tthc, any_value(ma_linh_vuc) AS ma_linh_vuc,
    bool_or(is_online_service) AND bool_or(o.ma_tthc IS NOT NULL) AS online_service_uptake_rate_num,
    bool_or(is_online_service) AS online_service_uptake_rate_den,
    bool_or(co_phi) AND bool_or(tich_hop_tt_dvcqg) AS payment_integration_rate_num,
    bool_or(co_phi) AS payment_integration_rate_den
FROM pairs
LEFT JOIN online_used o USING (period, reporting_unit, ma_tthc)
GROUP BY period, reporting_unit, ma_tthc;

-- Late dossiers, for the unit page: every dossier counted late for a period, exactly the
-- denominator of late_apology_rate (so the list and that number agree), with its reporting unit,
-- its state at the period's end (31_dossier_periods.sql) and how many days late it was: DATE(A) against
-- its due date, where A is the time it was judged at less the supplement hours taken off
-- (hours_taken_off): a finished dossier at its end, one waiting for the applicant at the request,
-- an open one at the period's end. ngay_ket_thuc is that time for a finished or stopped dossier.
-- reason: two_supplements (late by its second supplement request alone, indicators.md), or by its
-- state: finished_late, requested_late (the clock stopped at a request made after the due date),
-- open_overdue.
CREATE OR REPLACE MACRO late_dossiers_of(dossiers, periods) AS TABLE
SELECT d.period, d.reporting_unit, d.ma_ho_so, d.ma_don_vi, d.ma_tthc, t.ten_tthc, d.kenh,
    d.ngay_tiep_nhan, d.ngay_hen_tra, CASE WHEN d.finished THEN d.judged_at END AS ngay_ket_thuc, d.state,
    d.so_lan_bo_sung, d.gio_bo_sung, d.hours_taken_off,
    d.two_supplements,
    date_diff('day', d.due_date, d.adjusted_date) AS days_late,
    CASE WHEN d.two_supplements AND d.on_time_by_dates THEN 'two_supplements'
         WHEN d.state = 'finished' THEN 'finished_late'
         WHEN d.state = 'stopped' THEN 'requested_late'
         ELSE 'open_overdue' END AS reason,
    d.late_apology_rate_num AS co_phieu_xin_loi
FROM dossier_periods_of(dossiers, periods) d
LEFT JOIN core.dim_tthc t USING (ma_tthc)
WHERE d.late_apology_rate_den;
