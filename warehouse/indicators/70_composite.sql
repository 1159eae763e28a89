-- Composite score (indicators.md, "Composite score and ranking"): points = max × min(1, value /
-- threshold) over the indicators the exports measure, scaled to 100; an indicator with no
-- activity is left out of both the points and the maximum. Units are ranked within their level,
-- ties ranked equal. An estimate of the national index from local data.
CREATE OR REPLACE TABLE kpi.composite AS
WITH points AS (
    SELECT v.period, v.scope, v.scope_code, i.max_points,
        i.max_points * least(1, v.value / i.score_threshold) AS points
    FROM kpi.values v
    JOIN kpi.indicators i USING (indicator)
    WHERE i.max_points IS NOT NULL AND v.value IS NOT NULL
),
scored AS (
    SELECT period, scope, scope_code, sum(points) AS points, sum(max_points) AS max_points,
        100 * sum(points) / sum(max_points) AS score, count(*) AS indicators_scored
    FROM points GROUP BY ALL
)
SELECT s.*, u.cap AS level,
    CASE WHEN s.scope = 'unit' THEN rank() OVER (PARTITION BY s.period, s.scope, u.cap ORDER BY round(s.score, 9) DESC) END AS rank
FROM scored s
LEFT JOIN core.dim_don_vi u ON s.scope = 'unit' AND u.ma_don_vi = s.scope_code;
