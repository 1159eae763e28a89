-- Each export period and what it carried.
CREATE OR REPLACE TABLE marts.periods_loaded AS
SELECT
    period AS thang,
    max(file_name) FILTER (kind = 'ho_so') AS tep_ho_so,
    max(rows_loaded) FILTER (kind = 'ho_so') AS dong_ho_so,
    max(rows_loaded) FILTER (kind = 'thanh_toan') AS dong_thanh_toan,
    max(rows_loaded) FILTER (kind = 'so_hoa') AS dong_so_hoa,
    max(loaded_at) AS nap_luc
FROM meta.files
WHERE period IS NOT NULL
GROUP BY period;
