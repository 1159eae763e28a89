-- Every roll-up is the sum of its counts: the province's numerator and denominator of each period
-- and indicator against kpi.counts summed afresh (units that exist). Read by the blocking asset
-- check rollups_reconcile, in a connection of its own: it catches a count the indicators'
-- transaction did not see (warehouse/README.md, one INSERT per table), before anything is published.
CREATE OR REPLACE VIEW staging.rollup_reconciliation AS
WITH counted AS (
    SELECT period, indicator, sum(numerator) AS numerator, sum(denominator) AS denominator
    FROM kpi.counts
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
),
province AS (
    SELECT period, indicator, numerator, denominator FROM kpi.values WHERE scope = 'province'
)
SELECT period, indicator, c.numerator AS counted_numerator, c.denominator AS counted_denominator,
    p.numerator, p.denominator,
    coalesce(c.numerator, 0) = coalesce(p.numerator, 0) AND coalesce(c.denominator, 0) = coalesce(p.denominator, 0)
        AS balanced
FROM counted c
FULL JOIN province p USING (period, indicator);
