-- Units with validity and their final successor (a merger chain followed to its end), so that
-- history can be shown under its own name or rolled up to the unit that carries it on today.
CREATE OR REPLACE TABLE core.dim_don_vi AS
WITH RECURSIVE units AS (
    SELECT * EXCLUDE (_period, _file, _row) FROM staging.don_vi
),
chain(ma_don_vi, successor, depth) AS (
    SELECT ma_don_vi, ma_don_vi, 0 FROM units  -- noqa: AL08
    UNION ALL
    SELECT chain.ma_don_vi, units.ma_don_vi_ke_thua, chain.depth + 1
    FROM chain JOIN units ON units.ma_don_vi = chain.successor
    WHERE units.ma_don_vi_ke_thua IS NOT NULL AND chain.depth < 20
),
final AS (
    SELECT ma_don_vi, arg_max(successor, depth) AS final_successor FROM chain GROUP BY ma_don_vi
)
SELECT
    units.*,
    final.final_successor,
    units.cap = 'tinh' AND units.ma_don_vi_cha IS NULL AS is_province,
    CASE units.cap WHEN 'tinh' THEN 'Cấp tỉnh' WHEN 'huyen' THEN 'Cấp huyện' WHEN 'xa' THEN 'Cấp xã' END AS ten_cap
FROM units JOIN final USING (ma_don_vi);
