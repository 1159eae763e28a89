"""Send what the outbox holds: e-mail through SMTP (plain text and HTML), or a JSON POST to a
webhook (Slack, Teams, Google Chat, a relay to a Zalo bot). A failure leaves the message pending,
to be tried again after a wait that doubles; it is never lost and never sent twice.

Never twice, even across a crash: a message is marked handing_over (committed) before the server
is contacted. A sender killed after the server took it leaves it so; the next send cannot know
whether it went, and marks it sent_unconfirmed rather than risk a second delivery."""

from __future__ import annotations

import datetime as dt
import os
import re
import smtplib
import sqlite3
import unicodedata
import urllib.request
from email.message import EmailMessage

from pipelines.alert.state import crash_point, stamp

UNCONFIRMED = ("Không rõ đã gửi được chưa: tiến trình gửi đã dừng giữa chừng; coi như đã gửi, không gửi lại / "
               "outcome unknown: the sender stopped mid-send; counted as sent, not sent again")
NO_STARTTLS = ("Máy chủ thư không hỗ trợ STARTTLS nên tên đăng nhập và mật khẩu không được gửi đi khi chưa mã hóa "
               "(xem [alerts] smtp_starttls) / the mail server does not offer STARTTLS, so the user name and "
               "password are not sent in clear (see [alerts] smtp_starttls)")


def header_value(text: str) -> str:
    """One clean line for a mail header: a CR or LF would end the header (the mail library refuses
    it, so that message failed on every attempt), other control characters garble it; format
    characters (zero-width, bidi overrides) are dropped, the rest become one space."""
    cleaned = "".join("" if unicodedata.category(c) == "Cf" else " " if unicodedata.category(c) in ("Cc", "Zl", "Zp")
                      else c for c in text or "")
    return re.sub(r"\s+", " ", cleaned).strip()


def send_pending(con: sqlite3.Connection, settings: dict, now: dt.datetime) -> dict:
    """Try every pending message that is due; returns counts by outcome, and how many still wait."""
    outcome = {"sent": 0, "retry": 0, "failed": 0}
    # Left handing_over by a sender that died (or, rarely, one still at work: its own outcome, sent
    # or failed, overwrites this mark when it ends).
    outcome["unconfirmed"] = con.execute("UPDATE outbox SET status = 'sent_unconfirmed', last_error = ? "
                                         "WHERE status = 'handing_over'", [UNCONFIRMED]).rowcount
    due = con.execute("SELECT * FROM outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR "
                      "next_attempt_at <= ?) ORDER BY message_id", [stamp(now)]).fetchall()
    for message in due:
        attempts = message["attempts"] + 1
        taken = con.execute("UPDATE outbox SET status = 'handing_over', attempts = ?, sent_at = ? "
                            "WHERE message_id = ? AND status = 'pending'",
                            [attempts, stamp(now), message["message_id"]]).rowcount
        if not taken:  # another sender has it
            continue
        try:
            (send_mail if message["channel"] == "email" else post_webhook)(message, settings)
        except Exception as e:  # not delivered: the outbox keeps it; the next send tries again
            wait = dt.timedelta(minutes=settings["retry_minutes"] * 2 ** (attempts - 1))
            failed = attempts >= settings["max_attempts"]
            con.execute("UPDATE outbox SET last_error = ?, next_attempt_at = ?, status = ?, sent_at = NULL "
                        "WHERE message_id = ?", [f"{type(e).__name__}: {e}"[:500], stamp(now + wait),
                                                 "failed" if failed else "pending", message["message_id"]])
            outcome["failed" if failed else "retry"] += 1
        else:
            crash_point("accepted")
            con.execute("UPDATE outbox SET status = 'sent', last_error = NULL WHERE message_id = ?",
                        [message["message_id"]])
            outcome["sent"] += 1
    outcome["waiting"] = con.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    return outcome


def send_mail(message: sqlite3.Row, settings: dict) -> None:
    """Raises only if the server did not take the message: once it has, a failure to say goodbye
    must not make it pending again (it would be delivered twice)."""
    mail = EmailMessage()
    mail["Subject"], mail["From"] = header_value(message["subject"]), header_value(settings["mail_from"])
    mail["To"] = header_value(message["address"])
    mail["Message-ID"] = f"<cchc-{message['dedupe_key'][:32]}@{settings['smtp_host']}>"  # the same id if re-sent
    mail.set_content(message["body_text"])
    mail.add_alternative(message["body_html"], subtype="html")
    smtp = smtplib.SMTP(settings["smtp_host"], settings["smtp_port"], timeout=20)
    try:
        if settings["smtp_starttls"] == "yes" or (settings["smtp_starttls"] == "auto" and settings["smtp_user"]):
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError(NO_STARTTLS)
            smtp.starttls()
        if settings["smtp_user"]:
            smtp.login(settings["smtp_user"], os.environ.get("CCHC_SMTP_PASSWORD", ""))
        smtp.send_message(mail)
    except BaseException:
        smtp.close()
        raise
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def post_webhook(message: sqlite3.Row, settings: dict) -> None:
    request = urllib.request.Request(message["address"], data=message["payload"].encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "Idempotency-Key": message["dedupe_key"]})
    with urllib.request.urlopen(request, timeout=20) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")
