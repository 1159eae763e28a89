"""What fires now: warehouse/alerts/10_rules.sql over the published copy, with the settings; and
a refresh that failed after the last good publish (the steward's)."""

from __future__ import annotations

import hashlib

from pipelines import config
from pipelines.db import connect
from pipelines.errors import InputError
from pipelines.history import current_failure
from pipelines.settings import WAREHOUSE_SQL, home

RULES_SQL = WAREHOUSE_SQL / "alerts" / "10_rules.sql"


def firing() -> list[dict]:
    failed = failing_refresh()
    if not home().serving_db.exists():
        if failed:
            return failed
        raise InputError("Chưa có số liệu được xuất bản: hãy chạy `cchc refresh` trước.",
                         "Nothing is published yet: run `cchc refresh` first.")
    settings = config.load()["alerts"]
    con = connect(home().serving_db, read_only=True)
    try:
        con.execute("SET VARIABLE drop_points = ?", [float(settings["drop_points"])])
        con.execute("SET VARIABLE min_denominator = ?", [int(settings["min_denominator"])])
        cur = con.execute(RULES_SQL.read_text(encoding="utf-8"))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()] + failed
    finally:
        con.close()


def failing_refresh() -> list[dict]:
    """One episode per reason: the same failure again is the same episode; another reason closes
    it and opens its own."""
    failure = current_failure()
    if failure is None:
        return []
    reason = hashlib.sha256(failure["message"].encode()).hexdigest()[:12]
    return [{"rule": "refresh_failed", "scope": "province", "scope_code": "province", "indicator": reason,
             "period_type": None, "period": None, "message": failure["message"],
             "refresh_id": failure["refresh_id"], "failed_at": failure["failed_at"]}]


def key(row: dict) -> str:
    return "|".join(str(row.get(k) or "") for k in ("rule", "scope_code", "indicator", "period_type"))
