"""The refresh history in meta.refreshes: one row per Dagster run, with the data quality it found;
and the last failed refresh, noted beside the build for the dashboards and the alerts."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path

import duckdb

from pipelines.db import connect, read_published, temp_path
from pipelines.errors import InputError, disk_full
from pipelines.settings import home


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


# Blocking checks that fail on the software's fault, not the inbox's, by name (a check's step is
# named after its asset and itself): said so, in both languages.
FAILED_CHECKS = {
    "rows_reconcile": InputError(
        "Số dòng của một tệp không khớp (đọc ≠ nhận + cách ly + bỏ qua). Đây là lỗi phần mềm, không phải của tệp: "
        "số liệu đã xuất bản được giữ nguyên; hãy báo cho nhóm phát triển (chi tiết trong `cchc dagster`).",
        "A file's rows do not reconcile (read ≠ accepted + quarantined + skipped). This is a software fault, not "
        "the file's: the published numbers stay; tell the developers (details in `cchc dagster`)."),
    "rollups_reconcile": InputError(
        "Chỉ số toàn tỉnh không bằng tổng các số đếm của nó. Đây là lỗi phần mềm, không phải của tệp: số liệu đã "
        "xuất bản được giữ nguyên; hãy báo cho nhóm phát triển (chi tiết trong `cchc dagster`).",
        "A province value is not the sum of its counts. This is a software fault, not the files': the published "
        "numbers stay; tell the developers (details in `cchc dagster`)."),
    "report_reconciles": InputError(
        "Biểu báo cáo định kỳ không cân hoặc không khớp với các chỉ số. Đây là lỗi phần mềm, không phải của tệp: số "
        "liệu đã xuất bản được giữ nguyên; hãy báo cho nhóm phát triển (chi tiết trong `cchc dagster`).",
        "The periodic report table does not balance or disagrees with the indicators. This is a software fault, "
        "not the files': the published numbers stay; tell the developers (details in `cchc dagster`)."),
}


def failure_message(step_key: str, error: BaseException) -> str:
    """The steward's message for a failed step: the InputError's own words if there is one."""
    for check, message in FAILED_CHECKS.items():
        if step_key == check or step_key.endswith(f"_{check}"):
            return str(message)
    full = disk_full(error, home().root)  # whatever failed next (a rollback, a detach) because of it
    if full is not None:
        return str(full)
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, InputError):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return str(cause)
    while error.__cause__ is not None and type(error).__module__.startswith("dagster"):
        error = error.__cause__  # Dagster's wrapper says less than what it wraps
    return f"{step_key}: {type(error).__name__}: {error}"


def record_failure(refresh_id: str, inbox: str, started: float | None, message: str) -> list[str]:
    """Into the build's history, and a note beside it for the dashboards and the alerts: the
    published copy must not change when a refresh fails. Never raises (a failure hook that did
    would leave the note unwritten and the steward untold): returns why the note could not be
    written, empty when it was. The note is replaced whole or not at all, a full disk included."""
    started_at = dt.datetime.fromtimestamp(started, dt.UTC) if started else None
    note = {"refresh_id": refresh_id, "inbox": inbox, "started_at": started_at and started_at.isoformat(),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(), "message": message}
    problems = []
    path = home().last_failure
    tmp = temp_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(note, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except Exception as e:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        problems.append(str(disk_full(e, path.parent) or f"{path}: {e}"))
    try:
        con = connect(home().build_db)
        try:
            record_refresh(con, refresh_id, inbox, started_at, "failed", message)
        finally:
            con.close()
    except Exception:  # the build file may not even have its schema yet; Dagster keeps the run
        pass
    return problems


def current_failure() -> dict | None:
    """The last failed refresh, if no refresh has succeeded since (with `last_good`, the time of
    the last good publish, or None)."""
    path: Path = home().last_failure
    if not path.exists():
        return None
    note = json.loads(path.read_text(encoding="utf-8"))
    failed_at = dt.datetime.fromisoformat(note["finished_at"])
    last_good = None
    if home().serving_db.exists():
        with read_published() as con:
            last_good = con.execute("SELECT max(finished_at) FROM meta.refreshes WHERE status = 'succeeded'").fetchone()[0]
    if last_good is not None and last_good >= failed_at:
        return None
    return {**note, "failed_at": failed_at, "last_good": last_good}
