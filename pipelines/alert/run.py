"""One alert run after a refresh: evaluate the rules, advance the episodes, put the messages in the
outbox, send what is due. Also `cchc alerts send` on its own, to retry."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import closing

from pipelines import config
from pipelines.alert.contacts import read_contacts
from pipelines.alert.deliver import send_pending
from pipelines.alert.messages import compose
from pipelines.alert.rules import firing
from pipelines.alert.state import advance, open_state, stamp


def evaluate(now: dt.datetime | None = None, refresh_id: str | None = None) -> dict:
    now = now or dt.datetime.now(dt.timezone.utc)
    settings = config.load()["alerts"]
    contacts = read_contacts()
    rows = firing()
    with closing(open_state()) as con:
        new = advance(con, rows, now, settings["reminder_days"], refresh_id)
        events = events_to_tell(con, new)
        messages = compose(events, contacts, settings["dashboard_url"])
        for m in messages:
            con.execute("INSERT OR IGNORE INTO outbox (dedupe_key, channel, address, recipient, subject, body_text, "
                        "body_html, payload, created_at) VALUES (:dedupe_key, :channel, :address, :recipient, "
                        ":subject, :body_text, :body_html, :payload, :created_at)", {**m, "created_at": stamp(now)})
        sent = send_pending(con, settings, now)
    return {"firing": len(rows), "events": len(new), "messages": len(messages), **sent}


def send(now: dt.datetime | None = None) -> dict:
    with closing(open_state()) as con:
        return send_pending(con, config.load()["alerts"], now or dt.datetime.now(dt.timezone.utc))


def events_to_tell(con, ids: list[int]) -> list[dict]:
    """The new events with their episode's detail, less those of episodes snoozed at the time."""
    if not ids:
        return []
    rows = con.execute(
        f"SELECT e.event_id, e.kind, e.at, p.detail, p.snoozed_until FROM events e JOIN episodes p USING (episode_id) "
        f"WHERE e.event_id IN ({','.join('?' * len(ids))}) ORDER BY e.event_id", ids).fetchall()
    return [{"event_id": r["event_id"], "kind": r["kind"], "at": r["at"], "detail": json.loads(r["detail"])}
            for r in rows if not (r["snoozed_until"] and r["snoozed_until"] > r["at"])]


def open_episodes() -> list:
    with closing(open_state()) as con:
        return con.execute("SELECT episode_id, rule, scope_code, indicator, period_type, opened_at, acknowledged_at, "
                           "snoozed_until FROM episodes WHERE closed_at IS NULL ORDER BY episode_id").fetchall()
