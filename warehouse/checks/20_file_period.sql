-- Does a monthly file's content belong to the period its name gives? Every row's latest date
-- must fall before the period's end (plus a few days of export lag), and some row must reach
-- into the period. Read by the loader (pipelines/ingest/load.py) before a file is staged.
CREATE OR REPLACE VIEW staging.file_period AS
WITH dated AS (
    SELECT _period, _file, greatest(ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat) AS latest
    FROM landing.ho_so_typed
    UNION ALL SELECT _period, _file, thoi_diem FROM landing.thanh_toan_typed
    UNION ALL SELECT _period, _file, ngay_so_hoa FROM landing.so_hoa_typed
),
bounds AS (
    SELECT *, strptime(_period || '-01', '%Y-%m-%d') AS period_start,
        strptime(_period || '-01', '%Y-%m-%d') + INTERVAL 1 MONTH + INTERVAL 5 DAY AS period_end_lag
    FROM dated
)
SELECT _period, _file,
    count(latest) AS dated_rows,
    max(latest) AS latest,
    count(*) FILTER (latest >= period_end_lag) AS rows_after_period,
    mode(strftime(latest, '%Y-%m')) AS usual_month,
    max(latest) < any_value(period_start) OR count(*) FILTER (latest >= period_end_lag) > 0.01 * count(latest)
        AS contradicts_name
FROM bounds
GROUP BY ALL;
