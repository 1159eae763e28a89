"""Send what the outbox holds: e-mail through SMTP (plain text and HTML), or a JSON POST to a
webhook (Slack, Teams, Google Chat, a relay to a Zalo bot). A failure leaves the message pending,
to be tried again after a wait that doubles; it is never lost and never sent twice."""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import sqlite3
import urllib.request
from email.message import EmailMessage

from pipelines.alert.state import stamp


def send_pending(con: sqlite3.Connection, settings: dict, now: dt.datetime) -> dict:
    """Try every pending message that is due; returns counts by outcome, and how many still wait."""
    outcome = {"sent": 0, "retry": 0, "failed": 0}
    due = con.execute("SELECT * FROM outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR "
                      "next_attempt_at <= ?) ORDER BY message_id", [stamp(now)]).fetchall()
    for message in due:
        try:
            (send_mail if message["channel"] == "email" else post_webhook)(message, settings)
        except Exception as e:  # the outbox keeps it; the next send tries again
            attempts = message["attempts"] + 1
            wait = dt.timedelta(minutes=settings["retry_minutes"] * 2 ** (attempts - 1))
            failed = attempts >= settings["max_attempts"]
            con.execute("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ? "
                        "WHERE message_id = ?", [attempts, f"{type(e).__name__}: {e}"[:500], stamp(now + wait),
                                                 "failed" if failed else "pending", message["message_id"]])
            outcome["failed" if failed else "retry"] += 1
        else:
            con.execute("UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, last_error = NULL "
                        "WHERE message_id = ?", [stamp(now), message["message_id"]])
            outcome["sent"] += 1
    outcome["waiting"] = con.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    return outcome


def send_mail(message: sqlite3.Row, settings: dict) -> None:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = message["subject"], settings["mail_from"], message["address"]
    mail["Message-ID"] = f"<cchc-{message['dedupe_key'][:32]}@{settings['smtp_host']}>"  # the same id if re-sent
    mail.set_content(message["body_text"])
    mail.add_alternative(message["body_html"], subtype="html")
    with smtplib.SMTP(settings["smtp_host"], settings["smtp_port"], timeout=20) as smtp:
        if settings["smtp_starttls"] == "yes" or (settings["smtp_starttls"] == "auto" and settings["smtp_user"]):
            smtp.starttls()
        if settings["smtp_user"]:
            smtp.login(settings["smtp_user"], os.environ.get("CCHC_SMTP_PASSWORD", ""))
        smtp.send_message(mail)


def post_webhook(message: sqlite3.Row, settings: dict) -> None:
    request = urllib.request.Request(message["address"], data=message["payload"].encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "Idempotency-Key": message["dedupe_key"]})
    with urllib.request.urlopen(request, timeout=20) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")
