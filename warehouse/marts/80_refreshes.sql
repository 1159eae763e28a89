-- Every refresh, newest last written: when it ran, whether it succeeded, what it loaded and
-- validated, and why it failed (the data-quality page's history and every page's freshness).
CREATE OR REPLACE VIEW marts.refreshes AS
SELECT refresh_id, started_at, finished_at, status, files_loaded, files_unchanged, rows_validated, rows_accepted,
    rows_quarantined, rows_with_warnings, expectations_run, expectations_failed, message
FROM meta.refreshes;
