-- Read by the blocking asset check report_reconciles, for the months this count touched: the
-- province's table balances in every row, and its columns 3, 4 + 5 and 7 are the denominators of
-- on_time_rate, online_dossier_rate_all and resolved_on_time_rate, which kpi.counts keeps by
-- another path (changes added to kept counts).
CREATE OR REPLACE VIEW staging.report_checked_periods AS
SELECT * FROM kpi.periods
WHERE period_type = 'month' AND list_contains((SELECT any_value(periods_changed) FROM kpi.counting), period);
