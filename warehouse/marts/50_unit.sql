-- The unit page.

-- Late dossiers: every dossier counted late for a period, exactly the denominator of
-- late_apology_rate (so the list and that number agree), with its reporting unit and how many days
-- late it was: a finished dossier by its end (supplement hours taken off) against its due date, an
-- open one at the period's end. reason: finished_late, open_overdue, or two_supplements (late by
-- its second supplement request alone, indicators.md; days_late is then <= 0 or unknown).
CREATE OR REPLACE TABLE marts.late_dossiers AS
SELECT d.period, d.reporting_unit, d.ma_ho_so, d.ma_don_vi, d.ma_tthc, t.ten_tthc, d.kenh,
    d.ngay_tiep_nhan, d.ngay_hen_tra, CASE WHEN d.finished THEN d.end_time END AS ngay_ket_thuc,
    d.so_lan_bo_sung, d.gio_bo_sung, d.two_supplements,
    date_diff('day', CAST(d.ngay_hen_tra AS DATE),
        CASE WHEN d.finished THEN CAST(d.adjusted_end AS DATE) ELSE p.end_date END) AS days_late,
    CASE WHEN d.two_supplements AND coalesce(days_late, 0) <= 0 THEN 'two_supplements'
         WHEN d.finished THEN 'finished_late' ELSE 'open_overdue' END AS reason,
    d.late_apology_rate_num AS co_phieu_xin_loi
FROM kpi.dossier_periods d
JOIN kpi.periods p USING (period)
LEFT JOIN core.dim_tthc t USING (ma_tthc)
WHERE d.late_apology_rate_den;

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
