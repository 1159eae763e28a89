"""cchc: monthly CCHC exports → DuckDB warehouse → indicators, dashboards, alerts."""
