-- Does a monthly file's content belong to the period its name gives? A monthly file holds each
-- row as it stands on the day it was exported (exports.md), so dates after its month are no error:
-- a dossier finished later, the result document of a dossier of the month digitized when it was
-- resolved weeks later, a re-export made in the next quarter. A file is misnamed only when the bulk
-- of its rows (more than half of those with a date to tell) begins in one other month:
-- - a dossier begins when it was submitted or accepted (the earlier), not when it last changed;
-- - a payment when it was paid;
-- - a document when its dossier was accepted (staging.dossiers_accepted: the monthly kinds are staged
--   in contract order, dossiers first), else when it was digitized.
-- A month's dossier file also holds every dossier received before it and still handled in it, and
-- in a quiet month (Tết) those may outnumber the month's own, most received in the month before. So
-- a bulk in an EARLIER month makes a file misnamed only when none of its rows reaches into the
-- period at all (no date on or after its first day: an earlier month's export under a later name);
-- a bulk in a LATER month always does (a month's file holds no row begun after it).
-- Read by the loader (pipelines/ingest/load.py, _check_file_period) once a batch, before a file is
-- staged.

-- When each dossier was accepted, for its documents: the staged dossiers. `cchc check` adds the
-- published ones (checks/published/, pipelines/validate/check.py).
CREATE OR REPLACE VIEW staging.dossiers_accepted AS
SELECT ma_ho_so, ngay_tiep_nhan FROM staging.ho_so;

CREATE OR REPLACE VIEW staging.file_period AS
WITH documents AS (
    SELECT d._period, d._file, coalesce(a.accepted, d.ngay_so_hoa) AS began,
        greatest(a.accepted, d.ngay_so_hoa) AS latest
    FROM landing.so_hoa_typed d
    LEFT JOIN (  -- only the batch's dossiers: the staged ones are every month's
        SELECT ma_ho_so, min(ngay_tiep_nhan) AS accepted FROM staging.dossiers_accepted
        WHERE ma_ho_so IN (SELECT ma_ho_so FROM landing.so_hoa_typed)
        GROUP BY ALL
    ) a USING (ma_ho_so)
),
dated AS (
    SELECT _period, _file, least(ngay_nop, ngay_tiep_nhan) AS began,
        greatest(ngay_nop, ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_yeu_cau_bo_sung,
                 ngay_hoan_thanh_bo_sung, ngay_cap_nhat) AS latest
    FROM landing.ho_so_typed
    UNION ALL SELECT _period, _file, thoi_diem, thoi_diem FROM landing.thanh_toan_typed  -- noqa: AL08
    UNION ALL SELECT _period, _file, began, latest FROM documents
),
months AS (  -- month NULL: rows with no date to tell when they began
    SELECT _period, _file, strftime(began, '%Y-%m') AS month, count(*) AS n, max(latest) AS latest
    FROM dated
    GROUP BY ALL
),
files AS (
    SELECT _period, _file,
        coalesce(sum(n) FILTER (month IS NOT NULL), 0) AS dated_rows,
        arg_max(month, n) FILTER (month IS NOT NULL) AS bulk_month,
        max(n) FILTER (month IS NOT NULL) AS bulk_rows,
        coalesce(max(latest) >= strptime(_period || '-01', '%Y-%m-%d'), false) AS reaches_period
    FROM months
    GROUP BY _period, _file
)
SELECT *,
    coalesce(bulk_rows > dated_rows / 2 AND bulk_month <> _period
             AND (bulk_month > _period OR NOT reaches_period), false) AS contradicts_name
FROM files;
