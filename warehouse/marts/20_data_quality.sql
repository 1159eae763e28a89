-- Data quality of what is loaded, for the dashboards' data-quality page and the alerts.

-- Per file: rows read, accepted, quarantined, skipped, and whether they balance.
CREATE OR REPLACE TABLE marts.file_quality AS
SELECT r.*, f.profile, f.file_format, f.loaded_at,
    (SELECT count(*) FROM meta.quarantine q WHERE q.file_name = r.file_name AND q.severity = 'warning') AS warnings
FROM staging.reconciliation r
JOIN meta.files f USING (file_name);

-- Per file and rule: how many rows broke it, with the message to show.
CREATE OR REPLACE TABLE marts.quarantine_by_rule AS
SELECT kind, period, file_name, rule, severity, any_value(message_vi) AS message_vi,
    any_value(message_en) AS message_en, count(*) AS rows
FROM meta.quarantine
GROUP BY ALL;
