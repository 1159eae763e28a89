"""When the refresh runs: the 5th of each month for the previous month, and whenever a
contract file in the inbox is new or changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.defs.jobs import refresh_job
from pipelines.defs.partitions import monthly
from pipelines.defs.resources import CchcHome
from pipelines.errors import InputError
from pipelines.ingest.inbox import scan


@dg.schedule(job=refresh_job, cron_schedule="0 6 5 * *", execution_timezone="Asia/Ho_Chi_Minh",
             default_status=dg.DefaultScheduleStatus.RUNNING, name="monthly_refresh_schedule")
def monthly_schedule(context: dg.ScheduleEvaluationContext):
    """The previous month, on the 5th (the partitions also hold the current, provisional month,
    so the partitioned-job helper, which asks for the newest partition, would pick the wrong one)."""
    tick = context.scheduled_execution_time
    first_of_month = tick.replace(day=1)
    previous = (first_of_month - dt.timedelta(days=1)).strftime("%Y-%m")
    return dg.RunRequest(partition_key=previous, run_key=previous)


@dg.sensor(job=refresh_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, cchc: CchcHome):
    """Refreshes the period of each new or changed export file; a changed reference file
    refreshes the latest period (reference data feeds every period)."""
    seen: dict[str, str] = json.loads(context.cursor or "{}")
    current: dict[str, str] = {}
    periods: set[str] = set()
    try:
        files = scan(Path(cchc.inbox))
    except InputError as e:  # a bad inbox is the steward's to fix; the sensor must not crash
        yield dg.SkipReason(str(e))
        return
    for f in files:
        st = f.path.stat()
        current[f.path.name] = f"{st.st_size}:{st.st_mtime_ns}"
        if seen.get(f.path.name) != current[f.path.name]:
            periods.add(f.period or max((g.period for g in files if g.period), default=""))
    context.update_cursor(json.dumps(current, sort_keys=True))
    valid = set(monthly.get_partition_keys())
    for period in sorted(p for p in periods if p in valid):
        yield dg.RunRequest(partition_key=period, run_key=f"{period}:{current_signature(current)}")
    for period in sorted(p for p in periods if p and p not in valid):
        context.log.warning(f"Kỳ {period} nằm ngoài các phân vùng / period outside the partitions")


def current_signature(current: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
