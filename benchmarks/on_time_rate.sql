-- The limit: on_time_rate for every unit and month in one DuckDB query straight over the
-- contract CSVs (plain: comma, UTF-8, Vietnamese headers, dd/mm/yyyy), what `cchc bench`
-- compares the warehouse with. It does what indicators.md asks for this one indicator and no
-- more: the latest version of each dossier (latest period's file, then ngay_cap_nhat), accepted
-- dossiers, each judged by where it stood at the month's end (the clock stopped while a supplement
-- request was pending then, or when it was withdrawn or stopped while one was), the applicant's
-- completed hours taken off, two supplement requests late, and a merged unit's dossiers under its
-- successor once it is gone.
-- getvariable('inbox'): the folder of the CSV files.
WITH raw AS (
    SELECT *, regexp_extract(filename, 'ho_so_(\d{4}-\d{2})\.csv$', 1) AS file_period
    FROM read_csv(getvariable('inbox') || '/ho_so_*.csv', all_varchar = true, filename = true)
),
latest AS (
    SELECT "Mã đơn vị" AS ma_don_vi, CAST("Trạng thái" AS INTEGER) AS trang_thai,
        strptime(nullif("Ngày tiếp nhận", ''), '%d/%m/%Y %H:%M:%S') AS tiep_nhan,
        strptime(nullif("Ngày hẹn trả", ''), '%d/%m/%Y %H:%M:%S') AS hen_tra,
        strptime(nullif("Ngày kết thúc xử lý", ''), '%d/%m/%Y %H:%M:%S') AS ket_thuc,
        strptime(nullif("Ngày yêu cầu bổ sung", ''), '%d/%m/%Y %H:%M:%S') AS yeu_cau_bo_sung,
        strptime(nullif("Ngày hoàn thành bổ sung", ''), '%d/%m/%Y %H:%M:%S') AS hoan_thanh_bo_sung,
        coalesce(CAST(nullif("Số lần yêu cầu bổ sung", '') AS INTEGER), 0) AS so_lan_bo_sung,
        coalesce(CAST(nullif("Số giờ bổ sung", '') AS DOUBLE), 0) AS gio_bo_sung
    FROM raw
    QUALIFY row_number() OVER (PARTITION BY "Mã hồ sơ" ORDER BY file_period DESC,
                               strptime("Ngày cập nhật", '%d/%m/%Y %H:%M:%S') DESC) = 1
),
dossiers AS (
    SELECT *, CASE WHEN trang_thai IN (7, 8, 9, 10) THEN ket_thuc END AS e,
        -- the supplement window ends at its completion; a request not completed (or completed before it) is pending
        CASE WHEN hoan_thanh_bo_sung >= yeu_cau_bo_sung THEN hoan_thanh_bo_sung ELSE TIMESTAMP '9999-12-31' END AS w_end,
        to_microseconds(CAST(round(gio_bo_sung * 3600e6) AS BIGINT)) AS s
    FROM latest WHERE trang_thai NOT IN (1, 3) AND tiep_nhan IS NOT NULL
),
months AS (
    SELECT CAST(m AS DATE) AS start_date, CAST(last_day(m) AS DATE) AS end_date
    FROM (SELECT unnest(generate_series(min(CAST(file_period || '-01' AS DATE)), max(CAST(file_period || '-01' AS DATE)),
                                        INTERVAL 1 MONTH)) AS m FROM raw)
),
units AS (
    SELECT u."Mã đơn vị" AS ma_don_vi, strptime(nullif(u."Hiệu lực đến", ''), '%d/%m/%Y')::DATE AS until,
        s."Mã đơn vị" AS successor, strptime(nullif(s."Hiệu lực từ", ''), '%d/%m/%Y')::DATE AS successor_from
    FROM read_csv(getvariable('inbox') || '/don_vi.csv', all_varchar = true) u
    LEFT JOIN read_csv(getvariable('inbox') || '/don_vi.csv', all_varchar = true) s
        ON s."Mã đơn vị" = nullif(u."Mã đơn vị kế thừa", '')
),
timed AS (  -- T: the request while waiting for the applicant at the month's end, else the end, else the month's end
    SELECT m.start_date, m.end_date, d.*,
        CASE WHEN (d.yeu_cau_bo_sung < m.end_date + 1 AND d.w_end >= m.end_date + 1 AND (d.e IS NULL OR d.e >= m.end_date + 1))
                  OR (d.trang_thai IN (7, 8) AND d.e < m.end_date + 1 AND d.yeu_cau_bo_sung <= d.e AND d.e < d.w_end)
                 THEN d.yeu_cau_bo_sung
             WHEN d.e < m.end_date + 1 THEN d.e
             ELSE m.end_date + 1 - INTERVAL 1 MICROSECOND END AS t
    FROM dossiers d
    JOIN months m ON d.tiep_nhan < m.end_date + 1 AND (d.e IS NULL OR d.e >= m.start_date)  -- T is never after E
),
judged AS (
    SELECT strftime(start_date, '%Y-%m') AS period,
        CASE WHEN u.until < end_date AND u.successor IS NOT NULL AND coalesce(u.successor_from, DATE '0001-01-01') <= end_date
             THEN u.successor ELSE d.ma_don_vi END AS unit,
        so_lan_bo_sung < 2 AND (hen_tra IS NULL OR CAST(t - CASE WHEN hoan_thanh_bo_sung <= t THEN s ELSE INTERVAL 0 SECOND END
                                                        AS DATE) <= CAST(hen_tra AS DATE)) AS on_time
    FROM timed d
    LEFT JOIN units u ON u.ma_don_vi = d.ma_don_vi
    WHERE t >= start_date
)
SELECT period, unit, count(*) FILTER (on_time) AS numerator, count(*) AS denominator
FROM judged GROUP BY ALL ORDER BY ALL
