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

from pipelines.alert.rules import PERIOD_ORDER, key, periods_of
from pipelines.errors import InputError
from pipelines.settings import WAREHOUSE_SQL, home


def open_state() -> sqlite3.Connection:
    path = home().alerts_db
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute("PRAGMA journal_mode = WAL")
    con.executescript((WAREHOUSE_SQL / "alerts" / "00_state.sql").read_text(encoding="utf-8"))
    if con.execute("PRAGMA user_version").fetchone()[0] < VERSION:
        migrate(con)
    return con


VERSION = 1  # PRAGMA user_version of a state file this code wrote or migrated


def migrate(con: sqlite3.Connection) -> None:
    """A state file from before version 1 (episodes keyed rule|unit|indicator|period type; no
    baseline mark): one transaction, so a file is either old or new. The open episodes of one
    rule, unit and indicator become one, the oldest, with every period of the others; the others
    close with a `merged` event naming it (closed without a recovery message: nothing recovered)."""
    now = stamp(dt.datetime.now(dt.UTC))
    with transaction(con):
        if con.execute("PRAGMA user_version").fetchone()[0] >= VERSION:
            return  # another process migrated it while this one waited for the lock
        if "baseline" not in {r["name"] for r in con.execute("PRAGMA table_info(evaluations)")}:
            con.execute("ALTER TABLE evaluations ADD COLUMN baseline INTEGER NOT NULL DEFAULT 0")
        groups: dict[str, list[sqlite3.Row]] = {}
        for row in con.execute("SELECT * FROM episodes WHERE closed_at IS NULL ORDER BY episode_id"):
            groups.setdefault(key(json.loads(row["detail"])), []).append(row)
        for new_key, rows in groups.items():
            kept, merged = rows[0], rows[1:]
            for row in merged:
                con.execute("UPDATE episodes SET closed_at = ? WHERE episode_id = ?", [now, row["episode_id"]])
                _event(con, row["episode_id"], "merged", dt.datetime.fromisoformat(now),
                       note=f"gộp vào cảnh báo số {kept['episode_id']} / merged into alert {kept['episode_id']}")
            details = [json.loads(r["detail"]) for r in rows]
            periods = sorted((p for d in details for p in periods_of(d)),
                             key=lambda p: (PERIOD_ORDER.get(p.get("period_type"), 9), str(p.get("period"))))
            detail = {**details[0], **(periods[0] if periods else {}), "periods": [
                {k: p.get(k) for k in PERIOD_FIELDS} for p in periods]}
            con.execute("UPDATE episodes SET key = ?, period_type = ?, detail = ? WHERE episode_id = ?",
                        [new_key, period_types(detail), json.dumps(detail, ensure_ascii=False, default=str),
                         kept["episode_id"]])
        con.execute(f"PRAGMA user_version = {VERSION}")


PERIOD_FIELDS = ("period_type", "period", "value", "target", "comparator", "target_source", "numerator",
                 "denominator", "previous_value", "projected_value")


def period_types(detail: dict) -> str | None:
    """The episodes table's period_type: every period type it fires in now, e.g. month,quarter,ytd."""
    return ",".join(dict.fromkeys(p["period_type"] for p in periods_of(detail) if p.get("period_type"))) or None


def stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds")


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
                [k, row["rule"], row["scope"], row["scope_code"], row["indicator"], period_types(row),
                 stamp(now), stamp(now), detail])
            events.append(_event(con, cur.lastrowid, "opened", now, refresh_id))
            continue
        con.execute("UPDATE episodes SET detail = ?, period_type = ? WHERE episode_id = ?",
                    [detail, period_types(row), episode["episode_id"]])
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
                      counts: dict, baseline: bool = False) -> None:
    """The evaluation of `seen` (rules.firing's source) is complete: written inside its
    transaction, so the record and the events and messages exist together or not at all."""
    con.execute("INSERT INTO evaluations (publication_id, failure_id, refresh_id, at, firing, events, messages, "
                "baseline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [seen["publication_id"], seen["failure_id"], refresh_id, stamp(now), counts["firing"],
                 counts["events"], counts["messages"], int(baseline)])


def is_baseline(con: sqlite3.Connection, now: dt.datetime, after_days: int) -> bool:
    """Whether this evaluation only records the state: the first one (after installation), or the
    first after more than `after_days` without one (0: only the first). Telling each of its
    episodes one by one would bury the news in what has long been so."""
    last = con.execute("SELECT at FROM evaluations ORDER BY evaluation_id DESC LIMIT 1").fetchone()
    if last is None:
        return True
    return after_days > 0 and now - dt.datetime.fromisoformat(last["at"]) > dt.timedelta(days=after_days)


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
    acknowledge_many([episode_id], by, until, note)


def acknowledge_many(episode_ids: list[int], by: str, until: dt.date | None = None, note: str | None = None) -> int:
    """Acknowledge (or snooze until a date) several open episodes: each change and its history
    event in one transaction, all of them or none (a wrong number changes nothing). Returns how many."""
    now = dt.datetime.now(dt.UTC)
    wanted = list(dict.fromkeys(int(e) for e in episode_ids))
    with closing(open_state()) as con, transaction(con):
        found = {r[0] for r in con.execute(f"SELECT episode_id FROM episodes WHERE closed_at IS NULL AND episode_id "
                                           f"IN ({','.join('?' * len(wanted))})", wanted)} if wanted else set()
        if missing := [str(e) for e in wanted if e not in found] or ([] if wanted else ["—"]):
            raise InputError(f"Không có cảnh báo đang mở số {', '.join(missing)}.",
                             f"No open alert number {', '.join(missing)}.")
        for episode_id in wanted:
            if until:
                con.execute("UPDATE episodes SET snoozed_until = ? WHERE episode_id = ?",
                            [until.isoformat(), episode_id])
            else:
                con.execute("UPDATE episodes SET acknowledged_at = ?, acknowledged_by = ? WHERE episode_id = ?",
                            [stamp(now), by, episode_id])
            _event(con, episode_id, "snoozed" if until else "acknowledged", now, by=by,
                   note=note or (until.isoformat() if until else None))
    return len(wanted)
