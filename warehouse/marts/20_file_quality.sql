-- Per file: rows read, accepted, quarantined, skipped, and whether they balance.
CREATE OR REPLACE TABLE marts.file_quality AS
SELECT r.*, f.profile, f.file_format, f.loaded_at,
    (SELECT count(*) FROM meta.quarantine q WHERE q.file_name = r.file_name AND q.severity = 'warning') AS warnings
FROM staging.reconciliation r
JOIN meta.files f USING (file_name);
