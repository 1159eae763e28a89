-- The periods that have data, with whether each is complete.
CREATE OR REPLACE VIEW marts.periods AS
SELECT period, period_type, year, start_date, end_date, complete, has_exports
FROM kpi.periods;
