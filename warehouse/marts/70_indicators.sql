-- The indicators, in the pages' order, with their names and their place in the composite score.
CREATE OR REPLACE VIEW marts.indicators AS
SELECT ord, indicator, name_vi, name_en, source, unit, better, score_group, max_points, score_threshold
FROM kpi.indicators;
