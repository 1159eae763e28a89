-- Does a monthly file's content belong to the period its name gives? A row must not begin after
-- the period's end (plus a few days of export lag), and some row must reach into the period. A
-- dossier begins when it was submitted or accepted, not when it last changed: a month's dossier
-- file holds each dossier as it stands at the export date (exports.md), so a re-export made weeks
-- later carries dates after the month, and is still that month's file. Payments and documents
-- begin and end at their own time. Read by the loader (pipelines/ingest/load.py) before a file is
-- staged.
CREATE OR REPLACE VIEW staging.file_period AS
WITH dated AS (
    SELECT _period, _file, least(ngay_nop, ngay_tiep_nhan) AS began,
        greatest(ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat) AS latest
    FROM landing.ho_so_typed
    UNION ALL SELECT _period, _file, thoi_diem, thoi_diem FROM landing.thanh_toan_typed
    UNION ALL SELECT _period, _file, ngay_so_hoa, ngay_so_hoa FROM landing.so_hoa_typed
),
bounds AS (
    SELECT *, strptime(_period || '-01', '%Y-%m-%d') AS period_start,
        strptime(_period || '-01', '%Y-%m-%d') + INTERVAL 1 MONTH + INTERVAL 5 DAY AS period_end_lag
    FROM dated
)
SELECT _period, _file,
    count(began) AS dated_rows,
    max(latest) AS latest,
    count(*) FILTER (began >= period_end_lag) AS rows_after_period,
    mode(strftime(coalesce(began, latest), '%Y-%m')) AS usual_month,
    max(latest) < any_value(period_start) OR count(*) FILTER (began >= period_end_lag) > 0.01 * count(began)
        AS contradicts_name
FROM bounds
GROUP BY ALL;
