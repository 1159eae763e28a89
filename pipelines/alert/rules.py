"""What fires now: warehouse/alerts/10_rules.sql over the published copy, with the settings; and
a refresh that failed after the last good publish (the steward's)."""

from __future__ import annotations

import hashlib

import duckdb

from pipelines import config
from pipelines.db import read_published
from pipelines.errors import InputError
from pipelines.history import current_failure
from pipelines.settings import WAREHOUSE_SQL, home

RULES_SQL = WAREHOUSE_SQL / "alerts" / "10_rules.sql"


def firing() -> tuple[list[dict], dict]:
    """The rows that fire now, and what they were read from (`source`): the evaluation records
    it, so that a refresh can tell whether the copy it publishes was evaluated to the end."""
    failed = failing_refresh()
    seen = {"publication_id": None, "failure_id": failed[0]["refresh_id"] if failed else None}
    if not home().serving_db.exists():
        if failed:
            return failed, seen
        raise InputError("Chưa có số liệu được xuất bản: hãy chạy `cchc refresh` trước.",
                         "Nothing is published yet: run `cchc refresh` first.")
    settings = config.load()["alerts"]
    with read_published() as con:
        seen["publication_id"] = _publication(con)
        con.execute("SET VARIABLE drop_points = ?", [float(settings["drop_points"])])
        con.execute("SET VARIABLE min_denominator = ?", [int(settings["min_denominator"])])
        cur = con.execute(RULES_SQL.read_text(encoding="utf-8"))
        names = [d[0] for d in cur.description]
        return [headlined(dict(zip(names, row))) for row in cur.fetchall()] + failed, seen


PERIOD_ORDER = {"month": 0, "quarter": 1, "ytd": 2}


def headlined(row: dict) -> dict:
    """One alert's row: its periods in order (month, quarter, year to date), and the first one's
    fields at the top level (period, value, target, ...): the headline that links and details use."""
    periods = sorted(row["periods"], key=lambda p: (PERIOD_ORDER.get(p["period_type"], 9), str(p["period"])))
    return {**row, **periods[0], "periods": periods}


def source() -> dict:
    """What an evaluation now would read, as `firing` reports it, without running the rules."""
    failure = current_failure()
    seen = {"publication_id": None, "failure_id": failure["refresh_id"] if failure else None}
    if home().serving_db.exists():
        with read_published() as con:
            seen["publication_id"] = _publication(con)
    return seen


def _publication(con) -> str | None:
    """The published copy's id (pipelines/publish.py writes a new one into every copy)."""
    try:
        found = con.execute("SELECT max(id) FROM meta.publication").fetchone()
    except duckdb.Error:  # a copy from before meta.publication
        return None
    return found[0] if found else None


def failing_refresh() -> list[dict]:
    """One episode per reason: the same failure again is the same episode; another reason closes
    it and opens its own."""
    failure = current_failure()
    if failure is None:
        return []
    reason = hashlib.sha256(failure["message"].encode()).hexdigest()[:12]
    return [{"rule": "refresh_failed", "scope": "province", "scope_code": "province", "indicator": reason,
             "period_type": None, "period": None, "periods": [], "message": failure["message"],
             "refresh_id": failure["refresh_id"], "failed_at": failure["failed_at"]}]


def key(row: dict) -> str:
    """An episode's identity: rule, unit and indicator. The period types it fires in are not part
    of it: a period type joining or leaving is the same alert (no new message, no re-open)."""
    return "|".join(str(row.get(k) or "") for k in ("rule", "scope_code", "indicator"))


def periods_of(detail: dict) -> list[dict]:
    """The periods an episode's detail fires in; a detail stored before the merge had one."""
    if "periods" in detail:
        return detail["periods"]
    return [detail] if detail.get("period_type") else []
