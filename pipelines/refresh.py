"""One refresh of an inbox, as a real Dagster run of the monthly_refresh job.

Works out which periods have new or changed files, runs the job over them in one run
(single-run backfill over the range), and turns a failure into a steward-readable message.
The serving copy is only replaced by a run that succeeds.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import config
from pipelines.db import connect, model_version
from pipelines.errors import InputError
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
    """One writer per DuckDB file: say so at once rather than wait on another refresh or Dagster."""
    if not build.exists():
        return
    try:
        connect(build, read_only=True).close()
    except duckdb.IOException as e:
        raise InputError(
            "Kho đang được một tiến trình khác ghi (một lần làm mới khác, hoặc Dagster). Hãy thử lại sau.",
            f"The warehouse is being written by another process (another refresh, or Dagster). Try again later. ({e})",
        ) from None


def published_files() -> dict[tuple[str, str | None], Fingerprint]:
    """The published files' fingerprints by (kind, period); none if the copy was built by another
    model version, whose files are all stale."""
    serving = home().serving_db
    if not serving.exists():
        return {}
    con = connect(serving, read_only=True)
    try:
        if con.execute("SELECT max(version) FROM meta.model").fetchone()[0] != model_version():
            return {}
        return {(k, p): Fingerprint(h, size, mtime) for k, p, h, size, mtime in con.execute(
            "SELECT kind, period, file_hash, file_size, file_mtime_ns FROM meta.files").fetchall()}
    finally:
        con.close()


def refresh(inbox: Path) -> RefreshOutcome:
    """Refresh CCHC_HOME from `inbox`; raises InputError or RefreshFailed with a steward's message."""
    with _env(CCHC_INBOX=str(inbox.resolve())):
        return _refresh(inbox.resolve())


@contextmanager
def _env(**values: str):
    """The Dagster resources read the inbox from the environment when definitions load."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _refresh(inbox: Path) -> RefreshOutcome:
    h = home()
    prepare_dagster_home(h)
    config.load()  # a wrong setting stops the refresh before it starts
    files = scan(inbox)
    periods, reference_changed = changed_periods(inbox, files)
    _ensure_not_locked(h.build_db)
    ignored = unmatched(inbox)
    if not periods and not reference_changed and h.serving_db.exists():
        return RefreshOutcome(None, [], ignored=ignored)

    import dagster as dg

    from pipelines.defs.partitions import monthly
    from pipelines.definitions import defs

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
    result = job.execute_in_process(
        instance=dg.DagsterInstance.get(),
        tags={"dagster/asset_partition_range_start": min(periods), "dagster/asset_partition_range_end": max(periods)},
        raise_on_error=False,
        # the steward gets one clear message below; details stay in the Dagster run's log
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    if not result.success:  # the job's failure hook has noted it and told the steward
        failure = current_failure()
        if failure is None or failure["refresh_id"] != result.run_id:  # failed outside any step
            stats = dg.DagsterInstance.get().get_run_stats(result.run_id)
            record_failure(result.run_id, str(inbox), stats.start_time,
                           "Lần làm mới thất bại trước khi chạy bước nào / the refresh failed before any step ran")
            failure = current_failure()
        raise RefreshFailed(failure["message"], result.run_id)
    con = connect(h.serving_db, read_only=True)
    try:
        cur = con.execute(
            "SELECT kind, period, file_name, profile, file_format, rows_loaded, rows_skipped, extra_columns "
            "FROM meta.files WHERE refresh_id = ? ORDER BY period NULLS FIRST, kind", [result.run_id])
        names = [d[0] for d in cur.description]
        files = [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()
    alerts = {k: v.value for m in result.asset_materializations_for_node("alerts") for k, v in m.metadata.items()}
    return RefreshOutcome(result.run_id, periods, files, ignored, alerts)
