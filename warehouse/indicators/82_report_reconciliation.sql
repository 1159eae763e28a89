-- One row per month checked: the report's columns summed, the indicators' denominators, and
-- whether they balance.
CREATE OR REPLACE VIEW staging.report_reconciliation AS
WITH report AS (
    SELECT period, sum(COLUMNS('^c[0-9]+$'))
    FROM report_counts_of('kpi.dossiers', 'staging.report_checked_periods')
    WHERE ma_don_vi IN (SELECT ma_don_vi FROM core.dim_don_vi)
    GROUP BY ALL
),
indicator AS (
    SELECT period, sum(denominator) FILTER (indicator = 'on_time_rate') AS in_scope,
        sum(denominator) FILTER (indicator = 'online_dossier_rate_all') AS received,
        sum(denominator) FILTER (indicator = 'resolved_on_time_rate') AS resolved
    FROM kpi.values
    WHERE scope = 'province' AND period IN (SELECT period FROM staging.report_checked_periods)
    GROUP BY ALL
)
SELECT period, r.*, i.in_scope, i.received, i.resolved,
    coalesce(c3 = c4 + c5 + c6 AND c3 = c7 + c11 + c14 + c15 AND c7 = c8 + c9 + c10 AND c11 = c12 + c13
        AND c3 = i.in_scope AND c4 + c5 = i.received AND c7 = i.resolved, coalesce(c3, 0) + coalesce(i.in_scope, 0) = 0)
        AS balanced
FROM report r
FULL JOIN indicator i USING (period);
