"""The refresh history in meta.refreshes: one row per Dagster run, with the data quality it found."""

from __future__ import annotations

import datetime as dt

import duckdb


def record_refresh(con: duckdb.DuckDBPyConnection, refresh_id: str, inbox: str, started_at: dt.datetime | None,
                   status: str, message: str | None = None) -> None:
    """Sums this run's meta.validations rows; files loaded are those meta.files credits to it."""
    con.execute(
        """INSERT OR REPLACE INTO meta.refreshes BY NAME
        SELECT $id AS refresh_id, $inbox AS inbox, $started AS started_at, now() AS finished_at, $status AS status,
            (SELECT count(*) FROM meta.files WHERE refresh_id = $id) AS files_loaded,
            (SELECT count(*) FROM meta.files WHERE refresh_id <> $id) AS files_unchanged,
            count(*) AS files_validated,
            coalesce(sum(rows_validated), 0) AS rows_validated,
            coalesce(sum(rows_accepted), 0) AS rows_accepted,
            coalesce(sum(rows_quarantined), 0) AS rows_quarantined,
            coalesce(sum(rows_with_warnings), 0) AS rows_with_warnings,
            coalesce(sum(expectations_run), 0) AS expectations_run,
            coalesce(sum(expectations_failed), 0) AS expectations_failed,
            $message AS message
        FROM meta.validations WHERE refresh_id = $id""",
        {"id": refresh_id, "inbox": inbox, "started": started_at, "status": status, "message": message},
    )
