-- Calendar with Vietnamese working days: staging.calendar_days is written by
-- pipelines/model/calendar.py from the `holidays` package and warehouse/seeds/calendar_overrides.csv.
CREATE OR REPLACE TABLE core.dim_calendar AS
SELECT
    ngay,
    year(ngay) AS nam,
    quarter(ngay) AS quy,
    month(ngay) AS thang,
    strftime(ngay, '%Y-%m') AS ky_thang,
    isodow(ngay) AS thu_trong_tuan,
    is_holiday,
    holiday_name,
    is_working_day,
    sum(is_working_day::INTEGER) OVER (ORDER BY ngay) AS working_day_number
FROM staging.calendar_days;
