-- Numerators and denominators at the finest grain: period × reporting unit × procedure (with its
-- field). Every scope and breakdown is a sum of these, never an average of rates. A period with no
-- export file has no counts: what the catalogue alone or dossiers carried over would give is not
-- its data.
CREATE OR REPLACE TABLE kpi.counts AS
WITH wide AS (
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, sum(COLUMNS('_(num|den)$')::BIGINT)
    FROM kpi.dossier_periods GROUP BY ALL
    UNION ALL BY NAME
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, sum(COLUMNS('_(num|den)$')::BIGINT)
    FROM kpi.payment_periods GROUP BY ALL
    UNION ALL BY NAME
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, sum(COLUMNS('_(num|den)$')::BIGINT)
    FROM kpi.provision_periods GROUP BY ALL
),
long AS (
    UNPIVOT wide ON COLUMNS('_(num|den)$') INTO NAME measure VALUE n
)
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, regexp_extract(measure, '^(.*)_(num|den)$', 1) AS indicator,
    sum(n) FILTER (measure LIKE '%\_num' ESCAPE '\') AS numerator,
    sum(n) FILTER (measure LIKE '%\_den' ESCAPE '\') AS denominator
FROM long
WHERE n IS NOT NULL AND period IN (SELECT period FROM kpi.periods WHERE has_exports)
GROUP BY ALL
HAVING sum(n) > 0;
