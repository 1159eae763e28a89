-- Numerators and denominators at the finest grain: period × reporting unit × procedure (with its
-- field). Every scope and breakdown is a sum of these, never an average of rates. A period with no
-- export file has no counts: what the catalogue alone or dossiers carried over would give is not
-- its data. Each source is summed wide, then turned long by (num, den) pairs: turning every
-- measure into its own row and pairing them again cost eight times as much.
CREATE OR REPLACE TABLE kpi.counts AS
WITH dossiers AS (
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, sum(COLUMNS('_(num|den)$')::BIGINT)
    FROM kpi.dossier_periods GROUP BY ALL
),
payments AS (
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, sum(COLUMNS('_(num|den)$')::BIGINT)
    FROM kpi.payment_periods GROUP BY ALL
),
provisions AS (
    SELECT period, reporting_unit AS ma_don_vi, ma_tthc, ma_linh_vuc, sum(COLUMNS('_(num|den)$')::BIGINT)
    FROM kpi.provision_periods GROUP BY ALL
),
long AS (
    UNPIVOT dossiers ON
        (on_time_rate_num, on_time_rate_den) AS on_time_rate,
        (resolved_on_time_rate_num, resolved_on_time_rate_den) AS resolved_on_time_rate,
        (late_apology_rate_num, late_apology_rate_den) AS late_apology_rate,
        (online_dossier_rate_num, online_dossier_rate_den) AS online_dossier_rate,
        (online_dossier_rate_all_num, online_dossier_rate_all_den) AS online_dossier_rate_all,
        (full_process_rate_num, full_process_rate_den) AS full_process_rate,
        (online_paid_dossier_rate_num, online_paid_dossier_rate_den) AS online_paid_dossier_rate,
        (dossier_digitization_rate_num, dossier_digitization_rate_den) AS dossier_digitization_rate,
        (result_digitization_rate_num, result_digitization_rate_den) AS result_digitization_rate,
        (e_result_rate_num, e_result_rate_den) AS e_result_rate,
        (data_reuse_rate_num, data_reuse_rate_den) AS data_reuse_rate,
        (satisfaction_rate_num, satisfaction_rate_den) AS satisfaction_rate
    INTO NAME indicator VALUE numerator, denominator
    UNION ALL
    UNPIVOT payments ON
        (online_payment_rate_num, online_payment_rate_den) AS online_payment_rate,
        (dvcqg_payment_share_num, dvcqg_payment_share_den) AS dvcqg_payment_share
    INTO NAME indicator VALUE numerator, denominator
    UNION ALL
    UNPIVOT provisions ON
        (online_service_uptake_rate_num, online_service_uptake_rate_den) AS online_service_uptake_rate,
        (payment_integration_rate_num, payment_integration_rate_den) AS payment_integration_rate
    INTO NAME indicator VALUE numerator, denominator
)
SELECT period, ma_don_vi, ma_tthc, ma_linh_vuc, indicator, numerator, denominator
FROM long
WHERE coalesce(numerator, 0) + coalesce(denominator, 0) > 0
    AND period IN (SELECT period FROM kpi.periods WHERE has_exports)
ORDER BY period, ma_don_vi;  -- a page reads one period, often one unit: sorted, it skips the rest
