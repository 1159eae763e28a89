"""One alert run after a refresh: evaluate the rules, advance the episodes, put the messages in the
outbox, send what is due. Also `cchc alerts send` on its own, to retry.

The episodes, their events, the messages and the record that the evaluation finished are one
SQLite transaction: a crash anywhere before its commit leaves the state as it was, and the next
evaluation (a refresh that finds it incomplete, or `cchc alerts evaluate`) makes them all."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import closing
from urllib.parse import urlsplit

from pipelines import config
from pipelines.alert.contacts import read_contacts
from pipelines.alert.deliver import send_pending
from pipelines.alert.messages import compose, summarise, untold
from pipelines.alert.rules import firing, periods_of, source
from pipelines.alert.state import advance, crash_point, is_baseline, last_evaluated, open_state, record_evaluation, stamp, transaction


def evaluate(now: dt.datetime | None = None, refresh_id: str | None = None) -> dict:
    crash_point("evaluate")
    now = now or dt.datetime.now(dt.UTC)
    settings = config.load()["alerts"]
    contacts = read_contacts()
    rows, seen = firing()
    with closing(open_state()) as con:
        with transaction(con):
            baseline = is_baseline(con, now, settings["baseline_after_days"])
            new = advance(con, rows, now, settings["reminder_days"], refresh_id)
            events = events_to_tell(con, new)
            crash_point("outbox")
            if baseline:  # the state as it is, one summary per recipient, not one line per episode
                messages = summarise(open_details(con), contacts, settings["dashboard_url"], new, stamp(now))
            else:
                messages = compose(events, contacts, settings["dashboard_url"])
            for m in messages:
                con.execute("INSERT OR IGNORE INTO outbox (dedupe_key, channel, address, recipient, subject, "
                            "body_text, body_html, payload, created_at) VALUES (:dedupe_key, :channel, :address, "
                            ":recipient, :subject, :body_text, :body_html, :payload, :created_at)",
                            {**m, "created_at": stamp(now)})
            counts = {"firing": len(rows), "events": len(new), "messages": len(messages)}
            record_evaluation(con, seen, refresh_id, now, counts, baseline)
        told = open_details(con)  # who has no one to hear of what is open: said every time, not once
        sent = send_pending(con, settings, now)
    return {**counts, **sent, "baseline": baseline, **untold(told, contacts)}


def open_details(con) -> list[dict]:
    """Every open episode's detail (the latest firing row)."""
    return [json.loads(r[0]) for r in con.execute("SELECT detail FROM episodes WHERE closed_at IS NULL "
                                                  "ORDER BY episode_id")]


def incomplete() -> bool:
    """Whether what is there to evaluate (the published copy, a failure noted since) differs from
    what the last complete evaluation read: a crash came between a publish and its alerts."""
    seen = source()
    if seen == {"publication_id": None, "failure_id": None}:
        return False  # nothing published, nothing failed: nothing to evaluate
    return last_evaluated() != seen


def evaluate_if_incomplete() -> dict:
    """For a refresh that finds nothing new: the evaluation a crash cut short, run again, or {}.
    Like the refresh's own alerts step, an error is returned to be said, not raised."""
    try:
        if not incomplete():
            return {}
        return {**evaluate(), "resumed": True}
    except Exception as e:
        return {"error": str(e), "resumed": True}


def send(now: dt.datetime | None = None) -> dict:
    with closing(open_state()) as con:
        return send_pending(con, config.load()["alerts"], now or dt.datetime.now(dt.UTC))


def events_to_tell(con, ids: list[int]) -> list[dict]:
    """The new events with their episode's detail, less those of episodes snoozed at the time."""
    if not ids:
        return []
    rows = con.execute(
        f"SELECT e.event_id, e.kind, e.at, p.detail, p.snoozed_until FROM events e JOIN episodes p USING (episode_id) "
        f"WHERE e.event_id IN ({','.join('?' * len(ids))}) ORDER BY e.event_id", ids).fetchall()
    return [{"event_id": r["event_id"], "kind": r["kind"], "at": r["at"], "detail": json.loads(r["detail"])}
            for r in rows if not (r["snoozed_until"] and r["snoozed_until"] > r["at"])]


def open_episodes() -> list[tuple[str, ...]]:
    """For `cchc alerts list`: number, rule, unit, indicator, the periods it fires in (as the
    administration names them), since, acknowledged, snoozed until."""
    from pipelines.labels import period_label

    with closing(open_state()) as con:
        rows = con.execute("SELECT episode_id, rule, scope_code, indicator, detail, opened_at, acknowledged_at, "
                           "snoozed_until FROM episodes WHERE closed_at IS NULL ORDER BY episode_id").fetchall()
    return [(str(r["episode_id"]), r["rule"], r["scope_code"], r["indicator"] or "",
             ", ".join(period_label(p["period"]) for p in periods_of(json.loads(r["detail"])) if p.get("period")),
             r["opened_at"], r["acknowledged_at"] or "", r["snoozed_until"] or "") for r in rows]


STATUS = {"pending": "chờ gửi / waiting", "handing_over": "đang gửi / handing over",
          "sent_unconfirmed": "đã gửi, chưa xác nhận / sent, unconfirmed", "failed": "hết lượt thử / out of attempts"}


def messages_to_check() -> list[tuple[str, ...]]:
    """For `cchc alerts list`: every message not known to be delivered, with why (a webhook as its
    host only: its address may hold a token)."""
    with closing(open_state()) as con:
        rows = con.execute("SELECT message_id, status, channel, address, subject, last_error FROM outbox "
                           "WHERE status <> 'sent' ORDER BY message_id").fetchall()
    return [(f"tin nhắn {r['message_id']} / message {r['message_id']}", STATUS.get(r["status"], r["status"]),
             r["channel"], r["address"] if r["channel"] == "email" else urlsplit(r["address"]).hostname or "",
             r["subject"], r["last_error"] or "") for r in rows]
