-- Numerators and denominators at the finest grain: period × reporting unit × procedure (with its
-- field). Every scope and breakdown is a sum of these, never an average of rates. A period with no
-- export file has no counts: what the catalogue alone or dossiers carried over would give is not
-- its data. Each source is summed wide by each row's own unit, then by reporting unit
-- (30_unit_periods.sql: a merged unit's sums go to its successor; joining every dossier × period
-- row to its reporting unit was a quarter of counting), then turned long by (num, den) pairs (below):
-- turning every measure into its own row and pairing them again cost eight times as much.
CREATE OR REPLACE MACRO counted(dossiers, payments, periods) AS TABLE
WITH dossiers AS (
    SELECT s.period, coalesce(up.reporting_unit, s.ma_don_vi) AS ma_don_vi, s.ma_tthc, s.ma_linh_vuc,
        sum(COLUMNS('_(num|den)$'))
    FROM (SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, coalesce(sum(COLUMNS('_(num|den)$')::BIGINT), 0)
          FROM dossier_classes_of(dossiers, periods) GROUP BY ALL) s
    LEFT JOIN kpi.unit_periods up ON up.period = s.period AND up.ma_don_vi = s.ma_don_vi
    GROUP BY ALL
),
payments AS (
    SELECT s.period, coalesce(up.reporting_unit, s.ma_don_vi) AS ma_don_vi, s.ma_tthc, s.ma_linh_vuc,
        sum(COLUMNS('_(num|den)$'))
    FROM (SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, coalesce(sum(COLUMNS('_(num|den)$')::BIGINT), 0)
          FROM payment_classes_of(payments, periods) GROUP BY ALL) s
    LEFT JOIN kpi.unit_periods up ON up.period = s.period AND up.ma_don_vi = s.ma_don_vi
    GROUP BY ALL
),
-- Long, one row per indicator: an indicator is counted by its pair of columns <indicator>_num and
-- <indicator>_den in 31_dossier_periods.sql or 32_payment_periods.sql, written side by side, and listed nowhere else; the k-th
-- numerator column pairs with the k-th denominator column, which `names` checks once.
wide AS (FROM dossiers UNION ALL BY NAME FROM payments),
names AS (
    SELECT list_transform(struct_keys(struct_pack(*COLUMNS('_num$'))), k -> regexp_replace(k, '_num$', '')) AS numerators,
        list_transform(struct_keys(struct_pack(*COLUMNS('_den$'))), k -> regexp_replace(k, '_den$', '')) AS denominators
    -- any one row: the names are the columns'
    FROM (SELECT * FROM wide LIMIT 1)  -- noqa: AM09
),
long AS (
    SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc,
        unnest(CASE WHEN n.numerators = n.denominators THEN n.numerators
            ELSE error('31_dossier_periods.sql, 32_payment_periods.sql: each <indicator>_num needs its _den, in order')
            END) AS indicator,
        unnest(list_value(*COLUMNS('_num$'))) AS numerator, unnest(list_value(*COLUMNS('_den$'))) AS denominator
    FROM wide, names n
)
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, numerator, denominator
FROM long
WHERE coalesce(numerator, 0) + coalesce(denominator, 0) > 0;

-- A refresh keeps the counts of the periods it keeps (10_periods.sql) and adds to them what the
-- dossiers and payments that changed (changes.kpi_dossiers_*, changes.kpi_payments_*: their
-- incremental models, 20_payments.sql and 25_dossiers.sql) count now, less what they counted before;
-- the other periods with exports are counted whole. Sorted by period and unit as far as it goes:
-- a page reads one period, often one unit, and skips the rest.
CREATE TABLE IF NOT EXISTS kpi.counts (period VARCHAR, ma_don_vi VARCHAR, ma_tthc VARCHAR, ma_linh_vuc VARCHAR,
    indicator VARCHAR, numerator BIGINT, denominator BIGINT);
-- changes.count_changes: what the changed rows add to the kept periods' counts (also read by
-- 90_counted.sql, for the publish).
CREATE OR REPLACE TABLE changes.count_changes AS
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, sum(numerator) AS numerator, sum(denominator) AS denominator
FROM (SELECT * REPLACE (-numerator AS numerator, -denominator AS denominator)
      FROM counted('changes.kpi_dossiers_before', 'changes.kpi_payments_before', 'changes.kept_periods')
      UNION ALL
      FROM counted('changes.kpi_dossiers_after', 'changes.kpi_payments_after', 'changes.kept_periods'))
GROUP BY ALL;
-- The provisions (below) are counted again in the periods counted whole and in those whose counts
-- change (online service uptake follows them); the units and procedures they rest on change only
-- with the basis (05_counting.sql), and then every period is counted whole.
CREATE OR REPLACE TABLE changes.recounted_periods AS
SELECT period FROM changes.fresh_periods UNION SELECT period FROM changes.count_changes;
DELETE FROM kpi.counts WHERE period NOT IN (SELECT period FROM changes.kept_periods)
    OR (indicator IN ('online_service_uptake_rate', 'payment_integration_rate')
        AND period IN (SELECT period FROM changes.recounted_periods));
MERGE INTO kpi.counts c
USING changes.count_changes x
ON c.period = x.period AND c.ma_don_vi IS NOT DISTINCT FROM x.ma_don_vi AND c.ma_tthc IS NOT DISTINCT FROM x.ma_tthc
    AND c.ma_linh_vuc IS NOT DISTINCT FROM x.ma_linh_vuc AND c.indicator = x.indicator
WHEN MATCHED THEN UPDATE SET numerator = c.numerator + x.numerator, denominator = c.denominator + x.denominator
WHEN NOT MATCHED THEN INSERT (period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, numerator, denominator)
    VALUES (x.period, x.ma_don_vi, x.ma_tthc, x.ma_linh_vuc, x.indicator, x.numerator, x.denominator);
DELETE FROM kpi.counts WHERE numerator = 0 AND denominator = 0;
-- The other periods with exports are counted whole; the provisions (below) read these counts too.
CREATE OR REPLACE TEMP TABLE fresh_counts AS FROM counted('kpi.dossiers', 'kpi.payments', 'changes.fresh_periods');

-- (Reporting unit, procedure it provides) × period: a province-level procedure is provided by its
-- ma_don_vi_thuc_hien, a district- or commune-level one by every unit of that level valid
-- during the period. Merged units provide what any of them provided. Online service uptake needs
-- what `counts` has summed already: the procedures received online in the period.
CREATE OR REPLACE MACRO provision_periods_of(counts, periods) AS TABLE
WITH pairs AS (
    SELECT up.period, up.reporting_unit, t.ma_tthc, t.ma_linh_vuc, t.is_online_service, t.co_phi, t.tich_hop_tt_dvcqg,
        up.ma_don_vi
    FROM kpi.unit_periods up
    JOIN core.dim_don_vi u USING (ma_don_vi)
    JOIN core.dim_tthc t ON (t.cap_thuc_hien = 'tinh' AND t.ma_don_vi_thuc_hien = u.ma_don_vi)
        OR (t.cap_thuc_hien IN ('huyen', 'xa') AND t.cap_thuc_hien = u.cap)
    WHERE up.valid_in_period AND up.period IN (SELECT period FROM query_table(periods))
),
online_used AS (
    SELECT DISTINCT period, ma_don_vi AS reporting_unit, ma_tthc FROM query_table(counts)
    WHERE indicator = 'online_dossier_rate_all' AND numerator > 0
)
SELECT period, reporting_unit, ma_tthc, any_value(ma_linh_vuc) AS ma_linh_vuc,
    bool_or(is_online_service) AND bool_or(o.ma_tthc IS NOT NULL) AS online_service_uptake_rate_num,
    bool_or(is_online_service) AS online_service_uptake_rate_den,
    bool_or(co_phi) AND bool_or(tich_hop_tt_dvcqg) AS payment_integration_rate_num,
    bool_or(co_phi) AS payment_integration_rate_den
FROM pairs
LEFT JOIN online_used o USING (period, reporting_unit, ma_tthc)
GROUP BY period, reporting_unit, ma_tthc;

CREATE OR REPLACE TEMP VIEW counts_with_fresh AS FROM kpi.counts UNION ALL FROM fresh_counts;

-- One INSERT into kpi.counts in the transaction: the whole periods, and the provisions of the
-- periods counted again. DuckDB 1.5.5 hides an insert of a row group or more (122,880 rows) from
-- the rest of its transaction when an insert of no rows into the same table came before it: with
-- the provisions inserted after the new periods' counts, a re-export (no new period) lost every
-- provision from the roll-ups (tests/test_refresh.py).
INSERT INTO kpi.counts
WITH provisions AS (
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, coalesce(sum(COLUMNS('_(num|den)$')::BIGINT), 0)
    FROM provision_periods_of('counts_with_fresh', 'changes.recounted_periods') GROUP BY ALL
)
FROM fresh_counts
UNION ALL
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, numerator, denominator
FROM (UNPIVOT provisions ON
        (online_service_uptake_rate_num, online_service_uptake_rate_den) AS online_service_uptake_rate,
        (payment_integration_rate_num, payment_integration_rate_den) AS payment_integration_rate
    INTO NAME indicator VALUE numerator, denominator)
WHERE coalesce(numerator, 0) + coalesce(denominator, 0) > 0 AND period IN (SELECT period FROM kpi.periods WHERE has_exports)
ORDER BY period, ma_don_vi;
