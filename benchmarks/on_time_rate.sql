-- The limit: on_time_rate for every unit and month in one DuckDB query straight over the
-- contract CSVs (plain: comma, UTF-8, Vietnamese headers, dd/mm/yyyy), what `cchc bench`
-- compares the warehouse with. It does what indicators.md asks for this one indicator and no
-- more: the latest version of each dossier (latest period's file, then ngay_cap_nhat), accepted
-- dossiers, the clock stopped by a pending supplement, the applicant's hours taken off, two
-- supplement requests late, and a merged unit's dossiers under its successor once it is gone.
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
        coalesce(CAST(nullif("Số lần yêu cầu bổ sung", '') AS INTEGER), 0) AS so_lan_bo_sung,
        coalesce(CAST(nullif("Số giờ bổ sung", '') AS DOUBLE), 0) AS gio_bo_sung
    FROM raw
    QUALIFY row_number() OVER (PARTITION BY "Mã hồ sơ" ORDER BY file_period DESC,
                               strptime("Ngày cập nhật", '%d/%m/%Y %H:%M:%S') DESC) = 1
),
dossiers AS (
    SELECT *, CASE WHEN trang_thai IN (7, 8, 9, 10) THEN ket_thuc WHEN trang_thai = 5 THEN yeu_cau_bo_sung END AS e
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
judged AS (
    SELECT strftime(m.start_date, '%Y-%m') AS period,
        CASE WHEN u.until < m.end_date AND u.successor IS NOT NULL AND coalesce(u.successor_from, DATE '0001-01-01') <= m.end_date
             THEN u.successor ELSE d.ma_don_vi END AS unit,
        d.so_lan_bo_sung < 2 AND CASE
            WHEN d.e < m.end_date + 1 THEN d.hen_tra IS NULL
                OR CAST(d.e - to_microseconds(CAST(round(d.gio_bo_sung * 3600e6) AS BIGINT)) AS DATE) <= CAST(d.hen_tra AS DATE)
            ELSE d.hen_tra IS NULL OR CAST(d.hen_tra AS DATE) >= m.end_date END AS on_time
    FROM dossiers d
    JOIN months m ON d.tiep_nhan < m.end_date + 1 AND (d.e IS NULL OR d.e >= m.start_date)
    LEFT JOIN units u ON u.ma_don_vi = d.ma_don_vi
)
SELECT period, unit, count(*) FILTER (on_time) AS numerator, count(*) AS denominator
FROM judged GROUP BY ALL ORDER BY ALL
