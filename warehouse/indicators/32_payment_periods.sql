-- Successful payments (kpi.payments) × the period they were made in, likewise.
CREATE OR REPLACE MACRO payment_classes_of(payments, periods) AS TABLE
SELECT p.period, t.*,
    t.hinh_thuc = 'truc_tuyen' AS online_payment_rate_num,
    true AS online_payment_rate_den,
    t.hinh_thuc = 'truc_tuyen' AND t.nen_tang = 'dvcqg' AS dvcqg_payment_share_num,
    t.hinh_thuc = 'truc_tuyen' AS dvcqg_payment_share_den
FROM query_table(payments) t
JOIN query_table(periods) p ON t.thoi_diem >= p.start_ts AND t.thoi_diem < p.end_excl;  -- noqa: ST09

CREATE OR REPLACE MACRO payment_periods_of(payments, periods) AS TABLE
SELECT c.*, coalesce(up.reporting_unit, c.ma_don_vi) AS reporting_unit
FROM payment_classes_of(payments, periods) c
LEFT JOIN kpi.unit_periods up ON up.period = c.period AND up.ma_don_vi = c.ma_don_vi;

-- Every successful payment × every period it was made in, with its classes and reporting unit.
CREATE OR REPLACE VIEW kpi.payment_periods AS FROM payment_periods_of('kpi.payments', 'kpi.periods');
