-- Late dossiers, for the unit page: every dossier counted late for a period, exactly the
-- denominator of late_apology_rate (so the list and that number agree), with its reporting unit,
-- its state at the period's end (31_dossier_periods.sql) and how many days late it was: DATE(A) against
-- its due date, where A is the time it was judged at less the supplement hours taken off
-- (hours_taken_off): a finished dossier at its end, one waiting for the applicant at the request,
-- an open one at the period's end. ngay_ket_thuc is that time for a finished or stopped dossier.
-- reason: two_supplements (late by its second supplement request alone, indicators.md), or by its
-- state: finished_late, requested_late (the clock stopped at a request made after the due date),
-- open_overdue. Kept from one refresh to the next like kpi.counts: the dossiers that changed are
-- listed again in the kept periods, the other periods with exports listed whole.
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

-- Every dossier late in a period, with why (reason), by how many days, and whether it has an
-- apology letter: the rows behind late_apology_rate and the unit page's list.
CREATE TABLE IF NOT EXISTS kpi.late_dossiers AS
SELECT * FROM late_dossiers_of('kpi.dossiers', 'changes.fresh_periods') WHERE false;
DELETE FROM kpi.late_dossiers
WHERE period NOT IN (SELECT period FROM changes.kept_periods) OR ma_ho_so IN (SELECT ma_ho_so FROM changes.kpi_dossiers_keys);
INSERT INTO kpi.late_dossiers  -- one insert into the table in the transaction: see 40_counts.sql
FROM late_dossiers_of('changes.kpi_dossiers_after', 'changes.kept_periods')
UNION ALL FROM late_dossiers_of('kpi.dossiers', 'changes.fresh_periods')
ORDER BY period, reporting_unit;
