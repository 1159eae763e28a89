-- Reporting periods (indicators.md, "Periods"): month 2025-10, quarter 2025-Q4, half 2025-H1,
-- nine months 2025-9M, year 2025, year-to-date 2025-YTD-10, for every month from the first to
-- the last loaded monthly file. A period is whole days [start_date, end_date], local time. A period
-- not over yet (its last month after the last loaded one) ends where the data ends, with the last
-- loaded month, as the national portal's figures for a quarter so far do: a dossier still open
-- then is judged against that day, as its month judges it, not against a day still to come.
-- getvariable('cutoff_day') comes from the settings: NULL for calendar months, or the reporting
-- window's cut-off day D (2-28): each month runs from day D of the month before to day D - 1
-- ('15-14', the national default of Vietnamese periodic reports; '21-20' in some provinces). complete: every month of
-- the period has export files; has_exports: at least one has
-- (a month between two loaded ones with no file at all has none: its values are missing, not 0).
-- Rebuilt whole each refresh (a few hundred rows) and compared with the periods before: the
-- periods made, dropped or changed (a span that moved, a month that got its exports) are left in
-- changes.kpi_periods_keys, what 11_period_changes.sql tells the counts from.
-- config: name=kpi.periods unique_key=period compare=true
-- config: full_refresh=changes.counting_basis
WITH loaded AS (
    SELECT DISTINCT CAST(period || '-01' AS DATE) AS m FROM meta.files WHERE period IS NOT NULL
),
months AS (
    SELECT CAST(unnest(generate_series(min(m), max(m), INTERVAL 1 MONTH)) AS DATE) AS m,
        max(m) AS last_loaded
    FROM loaded
),
spans AS (  -- every period a month belongs to, as (code, type, first month, last month)
    SELECT strftime(m, '%Y-%m') AS period, 'month' AS period_type, m AS first_month, m AS last_month FROM months
    UNION
    SELECT year(m) || '-Q' || quarter(m), 'quarter', make_date(year(m), 3 * quarter(m) - 2, 1),
        make_date(year(m), 3 * quarter(m), 1) FROM months
    UNION
    SELECT year(m) || '-H' || (1 + CAST(month(m) > 6 AS INT)), 'half', make_date(year(m), CASE WHEN month(m) > 6 THEN 7 ELSE 1 END, 1),
        make_date(year(m), CASE WHEN month(m) > 6 THEN 12 ELSE 6 END, 1) FROM months
    UNION
    SELECT year(m) || '-9M', 'nine_months', make_date(year(m), 1, 1), make_date(year(m), 9, 1) FROM months WHERE month(m) <= 9
    UNION
    SELECT CAST(year(m) AS VARCHAR), 'year', make_date(year(m), 1, 1), make_date(year(m), 12, 1) FROM months
    UNION
    SELECT strftime(m, '%Y-YTD-%m'), 'ytd', make_date(year(m), 1, 1), m FROM months
),
windowed AS (
    SELECT s.*,
        coalesce(CAST(s.first_month - INTERVAL 1 MONTH + to_days(getvariable('cutoff_day') - 1) AS DATE),
                 s.first_month) AS start_date,
        coalesce(CAST(s.data_month + to_days(getvariable('cutoff_day') - 2) AS DATE),
                 last_day(s.data_month)) AS end_date,
        (SELECT count(*) FROM loaded WHERE loaded.m BETWEEN s.first_month AND s.last_month) AS months_loaded
    FROM (SELECT *, least(last_month, (SELECT max(m) FROM loaded)) AS data_month FROM spans) s
)
SELECT period, period_type, year(last_month) AS year, start_date, end_date,
    CAST(start_date AS TIMESTAMP) AS start_ts,
    CAST(end_date + 1 AS TIMESTAMP) AS end_excl,  -- P ends at the end of end_date
    months_loaded = date_diff('month', first_month, last_month) + 1 AS complete,
    months_loaded > 0 AS has_exports,
    getvariable('reporting_window') AS reporting_window
FROM windowed
