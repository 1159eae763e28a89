-- Numerators and denominators per period × reporting unit × procedure (with its field) ×
-- indicator (35_counting_rules.sql): every scope and breakdown is a sum of these, never an average
-- of rates. Sorted by period and unit as far as it goes: a page reads one period, often one unit,
-- and skips the rest. Kept from one refresh to the next by addition: in the periods counted before
-- over the same span (changes.kept_periods) a refresh adds what the dossiers and payments that
-- changed (changes.kpi_dossiers_*, changes.kpi_payments_*: the incremental models of
-- 20_payments.sql and 25_dossiers.sql) count now, less what they counted before, and the
-- provisions counted again where the counts changed, less as they were; the other periods with
-- exports are counted whole (fresh_counts, 38_fresh_counts.sql).
-- config: name=kpi.counts partition=period kept=changes.kept_periods sums=numerator,denominator
-- config: full_refresh=changes.counting_basis
-- columns: period VARCHAR, ma_don_vi VARCHAR, ma_tthc VARCHAR, ma_linh_vuc VARCHAR, indicator VARCHAR,
-- columns: numerator BIGINT, denominator BIGINT
WITH fresh AS (FROM fresh_counts),
changed AS MATERIALIZED (
    SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, sum(numerator) AS numerator,
        sum(denominator) AS denominator
    FROM (SELECT * REPLACE (-numerator AS numerator, -denominator AS denominator)
          FROM counts_of('changes.kpi_dossiers_before', 'changes.kpi_payments_before', 'changes.kept_periods')
          UNION ALL
          FROM counts_of('changes.kpi_dossiers_after', 'changes.kpi_payments_after', 'changes.kept_periods'))
    GROUP BY ALL
),
-- The provisions (units × procedures) are counted again in the periods counted whole and in those
-- whose counts change (online service uptake follows them); the units and procedures they rest on
-- change only with the basis (05_counting.sql), and then every period is counted whole. This CTE
-- and the next are read through provision_periods_of, by name.
recounted AS MATERIALIZED (  -- noqa: ST03
    SELECT period FROM changes.fresh_periods UNION SELECT period FROM changed
),
-- The online counts of those periods after this refresh.
online_counts AS MATERIALIZED (  -- noqa: ST03
    SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, sum(numerator) AS numerator,
        sum(denominator) AS denominator
    FROM (SELECT * FROM kpi.counts WHERE period IN (SELECT period FROM changed)
          UNION ALL FROM changed UNION ALL FROM fresh)
    WHERE indicator = 'online_dossier_rate_all'
    GROUP BY ALL
),
provisions AS (
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, coalesce(sum(COLUMNS('_(num|den)$')::BIGINT), 0)
    FROM provision_periods_of('online_counts', 'recounted') GROUP BY ALL
)
FROM fresh
UNION ALL
FROM changed
UNION ALL
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, numerator, denominator
FROM (UNPIVOT provisions ON
        (online_service_uptake_rate_num, online_service_uptake_rate_den) AS online_service_uptake_rate,
        (payment_integration_rate_num, payment_integration_rate_den) AS payment_integration_rate
    INTO NAME indicator VALUE numerator, denominator)
WHERE coalesce(numerator, 0) + coalesce(denominator, 0) > 0 AND period IN (SELECT period FROM kpi.periods WHERE has_exports)
UNION ALL
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, -numerator, -denominator  -- less the provisions as they were
FROM kpi.counts
WHERE period IN (SELECT period FROM changed) AND indicator IN ('online_service_uptake_rate', 'payment_integration_rate')
ORDER BY period, ma_don_vi
