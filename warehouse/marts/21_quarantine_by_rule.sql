-- Per file and rule: how many rows broke it, with the message to show.
CREATE OR REPLACE TABLE marts.quarantine_by_rule AS
SELECT kind, period, file_name, rule, severity, any_value(message_vi) AS message_vi,
    any_value(message_en) AS message_en, count(*) AS rows
FROM meta.quarantine
GROUP BY ALL;
