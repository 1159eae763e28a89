-- Dossier × period, for every period the dossier is in scope of, with its state at the period's
-- end and, per indicator, whether it is in the numerator (<indicator>_num) and the denominator
-- (<indicator>_den). kpi.counts sums these; `cchc explain` and the periodic report table list
-- them: one definition for all three. indicators.md, "Dossier classification", with m = the
-- moment P ends (the start of the day after end_date):
--   state: 'stopped' when the end of P lies in the supplement window and the dossier had not
--     finished by then, or it was withdrawn or stopped while a request was pending (T = the
--     request); else 'finished' when E < m (T = E); else 'open' (T = the end of P, its last moment).
--   in scope: accepted, received before m, and T >= start.
--   hours_taken_off S: the completed supplement hours, when completed by T; adjusted_date: DATE(T - S).
--   on_time_by_dates: DATE(T - S) <= DATE(ngay_hen_tra) (no due date: on time); early_by_dates: <.
--     The indicators also count a dossier with two supplement requests late (on_time, late); the
--     periodic report table judges by dates alone.
--   finished: stopped or finished in P; resolved: finished (not stopped) with status 9 or 10.
-- A table macro over any set of dossiers and periods, so a refresh can count the rows that
-- changed (counts_of, 35_counting_rules.sql); kpi.dossier_periods is it over all of them.
-- dossier_classes_of is the same without the reporting unit: the counts sum it by the dossier's
-- own unit and map units after (joining every dossier × period row to its reporting unit was a
-- quarter of counting).
CREATE OR REPLACE MACRO dossier_classes_of(dossiers, periods) AS TABLE
WITH joined AS (  -- a superset of the scope: received by the end, and T can reach the start
    SELECT p.period, p.start_ts, p.end_excl, p.end_date, d.*,
        coalesce(d.ngay_yeu_cau_bo_sung < p.end_excl AND d.window_until >= p.end_excl
                 AND (d.end_time IS NULL OR d.end_time >= p.end_excl), false)
            OR (d.stops_at_end AND d.end_time < p.end_excl) AS stopped,
        coalesce(d.end_time < p.end_excl, false) AS ended,
        CASE WHEN stopped THEN d.ngay_yeu_cau_bo_sung WHEN ended THEN d.end_time
             ELSE p.end_excl - INTERVAL 1 MICROSECOND END AS judged_at
    FROM query_table(dossiers) d
    JOIN query_table(periods) p ON d.ngay_tiep_nhan < p.end_excl AND d.in_scope_until >= p.start_ts  -- noqa: ST09
),
scoped AS (
    SELECT * EXCLUDE (start_ts),
        -- DATE(A): per state, from the dossier's own dates (25_dossiers.sql)
        CASE WHEN stopped THEN adjusted_request_date WHEN ended THEN adjusted_end_date
             WHEN ngay_hoan_thanh_bo_sung < end_excl THEN end_date - open_days_off ELSE end_date END AS adjusted_date,
        ngay_tiep_nhan >= start_ts AS received
    FROM joined
    WHERE judged_at >= start_ts  -- in scope: T is not before the start
),
judged AS (
    SELECT *,
        CASE WHEN stopped THEN 'stopped' WHEN ended THEN 'finished' ELSE 'open' END AS state,
        CASE WHEN ngay_hoan_thanh_bo_sung <= judged_at THEN epoch(hours_off) / 3600 ELSE 0 END AS hours_taken_off,
        due_date IS NULL OR adjusted_date <= due_date AS on_time_by_dates,
        adjusted_date < due_date AS early_by_dates,
        stopped OR ended AS finished,
        ended AND NOT stopped AND trang_thai IN (9, 10) AS resolved,
        on_time_by_dates AND NOT two_supplements AS on_time
    FROM scoped
)
SELECT *,
    on_time AS on_time_rate_num,
    true AS on_time_rate_den,
    resolved AND on_time AS resolved_on_time_rate_num,
    resolved AS resolved_on_time_rate_den,
    NOT on_time AND coalesce(co_phieu_xin_loi, false) AS late_apology_rate_num,
    NOT on_time AS late_apology_rate_den,
    received AND online_procedure AND kenh = 2 AS online_dossier_rate_num,
    received AND online_procedure AS online_dossier_rate_den,
    received AND kenh = 2 AS online_dossier_rate_all_num,
    received AS online_dossier_rate_all_den,
    received AND full_process_procedure AND kenh = 2 AND coalesce(toan_trinh, false) AS full_process_rate_num,
    received AND full_process_procedure AS full_process_rate_den,
    received AND fee_procedure AND paid_online AS online_paid_dossier_rate_num,
    received AND fee_procedure AS online_paid_dossier_rate_den,
    received AND component_digitized AS dossier_digitization_rate_num,
    received AS dossier_digitization_rate_den,
    resolved AND result_digitized AS result_digitization_rate_num,
    resolved AS result_digitization_rate_den,
    resolved AND e_result AS e_result_rate_num,
    resolved AS e_result_rate_den,
    received AND data_reused AS data_reuse_rate_num,
    received AS data_reuse_rate_den,
    resolved AND on_time AND (danh_gia IS DISTINCT FROM 'không hài lòng') AS satisfaction_rate_num,
    resolved AS satisfaction_rate_den
FROM judged;

CREATE OR REPLACE MACRO dossier_periods_of(dossiers, periods) AS TABLE
SELECT c.*, coalesce(up.reporting_unit, c.ma_don_vi) AS reporting_unit
FROM dossier_classes_of(dossiers, periods) c
LEFT JOIN kpi.unit_periods up ON up.period = c.period AND up.ma_don_vi = c.ma_don_vi;

-- Every dossier × every period it is in scope of, with its classes and its reporting unit.
CREATE OR REPLACE VIEW kpi.dossier_periods AS FROM dossier_periods_of('kpi.dossiers', 'kpi.periods');
