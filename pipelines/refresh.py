"""One refresh of an inbox, as a real Dagster run of the monthly_refresh job.

Works out which periods have new or changed files, runs the job over them in one run
(single-run backfill over the range), and turns a failure into a steward-readable message.
The serving copy is only replaced by a run that succeeds.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import config
from pipelines.db import connect, model_version, read_published, remove_stale_temp_files
from pipelines.errors import InputError, disk_full
from pipelines.history import current_failure, record_failure
from pipelines.ingest.inbox import scan, unmatched
from pipelines.ingest.read import Fingerprint, fingerprint
from pipelines.settings import home, prepare_dagster_home


@dataclass
class RefreshOutcome:
    run_id: str | None
    changed_periods: list[str]
    files: list[dict] = field(default_factory=list)  # this run's loaded files, from meta.files
    ignored: list[str] = field(default_factory=list)  # inbox files that follow no contract name
    alerts: dict = field(default_factory=dict)  # what the alerts asset did (pipelines.alert.run.evaluate)


class RefreshFailed(Exception):
    def __init__(self, message: str, run_id: str | None):
        self.run_id = run_id
        super().__init__(message)


def changed_periods(inbox: Path, files: list) -> tuple[list[str], bool]:
    """Periods whose export files differ from what is published; and whether a reference file
    differs. Compared with the serving copy, not the build: after a failed run the build may
    already hold a file that was never published. A published copy made by another model version
    (a new release changed the contract, SQL or seeds) makes every file stale: the build is then
    made afresh from the whole inbox."""
    if not files:
        raise InputError(
            f"Hộp thư {inbox} không có tệp nào đúng tên theo quy ước (ho_so_YYYY-MM.csv, don_vi.csv, …).",
            f"The inbox {inbox} has no file named by the contract (ho_so_YYYY-MM.csv, don_vi.csv, …).",
        )
    published = published_files()
    stale = [f for f in files if (known := published.get((f.kind, f.period))) is None
             or fingerprint(f.path, known).sha256 != known.sha256]
    return sorted({f.period for f in stale if f.period}), any(f.period is None for f in stale)


def _ensure_not_locked(build: Path) -> None:
    """One writer per DuckDB file: say so at once rather than wait on another refresh or Dagster.
    Two refreshes of a home are serialised by that lock (the Dagster run holds the build file open
    read-write from its first step to its last, the publish included). Holding it here for a moment
    proves that no process uses the build's spill directory: what a killed run left there (as large
    as what it sorted) is removed, since DuckDB itself never does."""
    if not build.exists():
        return
    try:
        con = connect(build)
    except duckdb.IOException as e:
        if disk_full(e):  # replaying a killed run's log needs room too
            raise
        raise InputError(
            "Kho đang được một tiến trình khác ghi (một lần làm mới khác, hoặc Dagster). Hãy thử lại sau.",
            f"The warehouse is being written by another process (another refresh, or Dagster). Try again later. ({e})",
        ) from None
    try:
        spill = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0] or "")
        if spill.is_absolute() and spill.is_dir():
            for p in spill.iterdir():
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
    finally:
        con.close()


def published_files() -> dict[tuple[str, str | None], Fingerprint]:
    """The published files' fingerprints by (kind, period); none if the copy was built by another
    model version, whose files are all stale."""
    if not home().serving_db.exists():
        return {}
    with read_published() as con:
        if con.execute("SELECT max(version) FROM meta.model").fetchone()[0] != model_version():
            return {}
        return {(k, p): Fingerprint(h, size, mtime) for k, p, h, size, mtime in con.execute(
            "SELECT kind, period, file_hash, file_size, file_mtime_ns FROM meta.files").fetchall()}


def refresh(inbox: Path) -> RefreshOutcome:
    """Refresh CCHC_HOME from `inbox`; raises InputError or RefreshFailed with a steward's message.
    A disk that fills up anywhere (the build, the publish, Dagster's own storage) is a failure
    like any other: noted, and said plainly, never as a traceback."""
    try:
        return _refresh(inbox.resolve())
    except RefreshFailed:
        raise
    except Exception as e:
        full = disk_full(e, _fullest(home()))
        if full is None:
            raise
        raise _failed(None, inbox.resolve(), str(full)) from None


class _WithoutStorageNoise:
    """stderr without what Dagster writes there for each event it could not store (its SQL and
    the event's JSON, when its storage is full): the refresh then fails and says why, once."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        if text.startswith("Exception while writing logger call to event log"):
            return len(text)
        return self.stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


def _fullest(h) -> Path:
    """Of the places the product writes, the one with least room: where an error that names no
    file (Python's own writes, SQLite's) most likely ran out of it."""
    places = [p for p in (h.dagster_home, h.build_db.parent, h.root) if p.exists()]
    return min(places, key=lambda p: shutil.disk_usage(p).free, default=h.root)


def _failed(run_id: str | None, inbox: Path, message: str) -> RefreshFailed:
    """The failure as the job's failure hook noted it; else noted now (the hook never ran, or
    could not write), and when even that cannot be written, the steward is told so."""
    try:
        failure = current_failure()
    except Exception:  # unreadable: note it again
        failure = None
    if run_id is not None and failure is not None and failure["refresh_id"] == run_id:
        return RefreshFailed(failure["message"], run_id)
    problems = record_failure(run_id or str(uuid.uuid4()), str(inbox), _run_started(run_id), message)
    if problems:
        message += ("\n  Không ghi được lần thất bại này vào lịch sử / this failure could not be recorded either:\n  "
                    + "\n  ".join(problems))
    return RefreshFailed(message, run_id)


def _run_started(run_id: str | None) -> float | None:
    if run_id is None:
        return None
    try:
        import dagster as dg

        return dg.DagsterInstance.get().get_run_stats(run_id).start_time
    except Exception:  # Dagster's storage may be what failed
        return None


def _step_failure(result) -> str:
    """What failed, from the run's own events: for when the failure hook could not note it."""
    def texts(error) -> list[str]:
        return [error.message, *texts(error.cause), *texts(error.context)] if error else []

    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            full = disk_full("\n".join(texts(error)), home().root)
            if full:
                return str(full)
            while error.cause is not None and error.cls_name.startswith("Dagster"):
                error = error.cause  # Dagster's wrapper says less than what it wraps
            kind, _, text = error.message.strip().partition(": ")
            return text if kind.startswith("pipelines.errors.") else f"{event.step_key}: {error.message.strip()}"
    return "Lần làm mới thất bại trước khi chạy bước nào / the refresh failed before any step ran"


def _refresh(inbox: Path) -> RefreshOutcome:
    h = home()
    remove_stale_temp_files(h.build_db.parent)  # a killed run's (its process is gone)
    prepare_dagster_home(h)
    config.load()  # a wrong setting stops the refresh before it starts
    files = scan(inbox)
    periods, reference_changed = changed_periods(inbox, files)
    _ensure_not_locked(h.build_db)
    ignored = unmatched(inbox)
    if not periods and not reference_changed and h.serving_db.exists():
        from pipelines.alert.run import evaluate_if_incomplete  # a crash between a publish and its alerts

        return RefreshOutcome(None, [], ignored=ignored, alerts=evaluate_if_incomplete())

    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.partitions import monthly
    from pipelines.defs.resources import run_config_for

    valid = set(monthly.get_partition_keys())
    outside = [p for p in periods if p not in valid]
    if outside:
        raise InputError(
            f"Kỳ báo cáo ngoài phạm vi {min(valid)} … {max(valid)}: {', '.join(outside)}. "
            "Đặt CCHC_FIRST_MONTH nếu cần nạp dữ liệu sớm hơn.",
            f"Periods outside {min(valid)} … {max(valid)}: {', '.join(outside)}. "
            "Set CCHC_FIRST_MONTH to load earlier data.",
        )
    if not periods:  # only reference files changed, or nothing published yet: the latest period
        periods = [max((f.period for f in files if f.period), default=max(valid))]
    job = defs().resolve_job_def("monthly_refresh")
    run_id = str(uuid.uuid4())  # known before the run: a run whose storage fails returns no result
    try:
        with redirect_stderr(_WithoutStorageNoise(sys.stderr)):
            result = job.execute_in_process(
                instance=dg.DagsterInstance.get(),
                # A range of partitions in one run: Dagster's single-run backfill passes it in these
                # tags, and its maintainers give them for launching a range from code
                # (dagster-io/dagster discussion 11653); execute_in_process has no argument for it.
                tags={"dagster/asset_partition_range_start": min(periods),
                      "dagster/asset_partition_range_end": max(periods)},
                raise_on_error=False,
                # the steward gets one clear message below; details stay in the Dagster run's log
                run_config={**run_config_for(h.root, inbox),
                            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
                run_id=run_id,
            )
    except Exception as e:  # Dagster's own storage (SQLite under $CCHC_HOME/dagster), or Dagster itself
        full = disk_full(e, h.dagster_home)
        failed = _failed(run_id, inbox, str(full) if full else f"{type(e).__name__}: {e}")
        if full is None:
            raise  # noted; the traceback is for the developers
        raise failed from None
    if not result.success:  # the job's failure hook has noted it and told the steward, if it could
        raise _failed(result.run_id, inbox, _step_failure(result))
    with read_published() as con:
        cur = con.execute(
            "SELECT kind, period, file_name, profile, file_format, rows_loaded, rows_skipped, extra_columns "
            "FROM meta.files WHERE refresh_id = ? ORDER BY period NULLS FIRST, kind", [result.run_id])
        names = [d[0] for d in cur.description]
        files = [dict(zip(names, row)) for row in cur.fetchall()]
    alerts = {k: v.value for m in result.asset_materializations_for_node("alerts") for k, v in m.metadata.items()}
    return RefreshOutcome(result.run_id, periods, files, ignored, alerts)
