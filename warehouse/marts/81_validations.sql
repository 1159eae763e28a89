-- Every file each refresh validated, with its outcome: staged, or held back and why (the
-- data-quality page, and the steward's alert for a file held back).
CREATE OR REPLACE VIEW marts.validations AS
SELECT refresh_id, kind, period, file_name, outcome, rows_validated, rows_accepted, rows_quarantined,
    rows_with_warnings, expectations_run, expectations_failed, seconds, message
FROM meta.validations;
