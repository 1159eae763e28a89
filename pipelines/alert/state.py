"""Episodes, their events and the outbox, in $CCHC_HOME/alerts.sqlite (schema:
warehouse/alerts/00_state.sql).

An episode opens when a rule starts firing for a scope and indicator, is reminded of every
`reminder_days` while it fires (unless acknowledged, or snoozed until a date), and closes with a
recovery when it stops. Each of these is an event; messages are made from events.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
from contextlib import closing, contextmanager

from pipelines.alert.rules import key
from pipelines.errors import InputError
from pipelines.settings import WAREHOUSE_SQL, home


def open_state() -> sqlite3.Connection:
    path = home().alerts_db
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA journal_mode = WAL")
    con.executescript((WAREHOUSE_SQL / "alerts" / "00_state.sql").read_text(encoding="utf-8"))
    return con


def stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@contextmanager
def transaction(con: sqlite3.Connection):
    """One write transaction (the write lock taken at once): everything in it is kept, or none."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        if con.in_transaction:  # SQLite may have rolled back already (a full disk): keep the first error
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def crash_point(name: str) -> None:
    """Fault injection, for tests/test_alerts_crash.py only: with CCHC_ALERTS_CRASH_AT=<name> the
    process kills itself here (SIGKILL, as a power cut or `kill -9` would), to prove that a crash
    at that point loses no event and sends nothing twice. The only place that reads the variable.
    Points: "evaluate" (the alerts step starts), "outbox" (events recorded, messages not yet
    made), "accepted" (the server took a message, the outbox not yet told)."""
    if os.environ.get("CCHC_ALERTS_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def advance(con: sqlite3.Connection, rows: list[dict], now: dt.datetime, reminder_days: int,
            refresh_id: str | None) -> list[int]:
    """Open, remind and close episodes for what fires now; returns the new events' ids. Inside the
    caller's transaction: the events count only once their messages are in the outbox too."""
    firing = {key(r): r for r in rows}
    events = []
    current = {r["key"]: r for r in con.execute("SELECT * FROM episodes WHERE closed_at IS NULL")}
    for k, row in firing.items():
        detail = json.dumps(row, ensure_ascii=False, default=str)
        episode = current.get(k)
        if episode is None:
            cur = con.execute(
                "INSERT INTO episodes (key, rule, scope, scope_code, indicator, period_type, opened_at, "
                "last_notified_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [k, row["rule"], row["scope"], row["scope_code"], row["indicator"], row["period_type"],
                 stamp(now), stamp(now), detail])
            events.append(_event(con, cur.lastrowid, "opened", now, refresh_id))
            continue
        con.execute("UPDATE episodes SET detail = ? WHERE episode_id = ?", [detail, episode["episode_id"]])
        quiet = episode["acknowledged_at"] or (episode["snoozed_until"] and episode["snoozed_until"] > stamp(now))
        due = reminder_days and episode["last_notified_at"] and (
            now - dt.datetime.fromisoformat(episode["last_notified_at"]) >= dt.timedelta(days=reminder_days))
        if due and not quiet:
            con.execute("UPDATE episodes SET last_notified_at = ? WHERE episode_id = ?",
                        [stamp(now), episode["episode_id"]])
            events.append(_event(con, episode["episode_id"], "reminder", now, refresh_id))
    for k, episode in current.items():
        if k not in firing:
            con.execute("UPDATE episodes SET closed_at = ? WHERE episode_id = ?", [stamp(now), episode["episode_id"]])
            events.append(_event(con, episode["episode_id"], "recovered", now, refresh_id))
    return events


def record_evaluation(con: sqlite3.Connection, seen: dict, refresh_id: str | None, now: dt.datetime,
                      counts: dict) -> None:
    """The evaluation of `seen` (rules.firing's source) is complete: written inside its
    transaction, so the record and the events and messages exist together or not at all."""
    con.execute("INSERT INTO evaluations (publication_id, failure_id, refresh_id, at, firing, events, messages) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", [seen["publication_id"], seen["failure_id"], refresh_id, stamp(now),
                                                 counts["firing"], counts["events"], counts["messages"]])


def last_evaluated() -> dict | None:
    """What the last complete evaluation read (publication_id, failure_id), or None if none is
    recorded."""
    with closing(open_state()) as con:
        row = con.execute("SELECT publication_id, failure_id FROM evaluations "
                          "ORDER BY evaluation_id DESC LIMIT 1").fetchone()
    return dict(row) if row else None


def _event(con, episode_id: int, kind: str, at: dt.datetime, refresh_id=None, by=None, note=None) -> int:
    return con.execute("INSERT INTO events (episode_id, kind, at, refresh_id, by_whom, note) VALUES (?, ?, ?, ?, ?, ?)",
                       [episode_id, kind, stamp(at), refresh_id, by, note]).lastrowid


def acknowledge(episode_id: int, by: str, until: dt.date | None = None, note: str | None = None) -> None:
    """Acknowledge an open episode (no reminders while it lasts), or snooze it until a date."""
    now = dt.datetime.now(dt.timezone.utc)
    with closing(open_state()) as con:
        found = con.execute("SELECT 1 FROM episodes WHERE episode_id = ? AND closed_at IS NULL", [episode_id]).fetchone()
        if not found:
            raise InputError(f"Không có cảnh báo đang mở số {episode_id}.", f"No open alert number {episode_id}.")
        if until:
            con.execute("UPDATE episodes SET snoozed_until = ? WHERE episode_id = ?", [until.isoformat(), episode_id])
        else:
            con.execute("UPDATE episodes SET acknowledged_at = ?, acknowledged_by = ? WHERE episode_id = ?",
                        [stamp(now), by, episode_id])
        _event(con, episode_id, "snoozed" if until else "acknowledged", now, by=by,
               note=note or (until.isoformat() if until else None))
