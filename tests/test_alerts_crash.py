"""Alerts survive a crash: a real `cchc` process, killed (SIGKILL) at each step of the alerts by
the one fault-injection point (pipelines.alert.state.crash_point, CCHC_ALERTS_CRASH_AT), a real
SMTP server and webhook receiver on loopback, the real state file. After each kill: no event
lost, no message missing, no Message-ID delivered twice."""

import os
import signal
import subprocess
import sys

import pytest
from test_alerts import hook, people, slipping, smtp  # noqa: F401  (fixtures)

from pipelines.alert.state import open_state
from pipelines.cli import main
from pipelines.refresh import refresh
from pipelines.settings import PROJECT_ROOT, home

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL: POSIX only")

LEADERS = {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}


def killed_at(point: str, *args: str) -> None:
    """`cchc <args>` in its own process, which kills itself at `point`."""
    env = {**os.environ, "CCHC_ALERTS_CRASH_AT": point, "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]


def state(sql: str) -> list:
    con = open_state()
    try:
        return [tuple(r) for r in con.execute(sql)]
    finally:
        con.close()


def every_firing_episode_told_once() -> None:
    """No event lost: each open episode has exactly one 'opened' event, and every message made
    was delivered once."""
    assert state("SELECT count(*) FROM episodes e WHERE (SELECT count(*) FROM events v WHERE v.episode_id = "
                 "e.episode_id AND v.kind = 'opened') <> 1") == [(0,)]
    assert state("SELECT count(*) FROM episodes") == state("SELECT count(*) FROM events") != [(0,)]
    assert state("SELECT firing, events FROM evaluations WHERE refresh_id IS NOT 'earlier'") \
        == state("SELECT count(*), count(*) FROM episodes")  # one episode per rule, unit and indicator


def test_killed_as_the_alerts_step_starts_the_next_refresh_evaluates(slipping, people, capsys):
    """The copy is published, then the process dies before any alert is evaluated. The next
    refresh finds nothing new in the inbox, but sees that copy was never evaluated: it evaluates
    it and says so (before: "nothing new", and the month's alerts were never said)."""
    box, received = people
    killed_at("evaluate", "refresh", "--inbox", str(slipping))
    assert home().serving_db.exists() and state("SELECT count(*) FROM events") == [(0,)]
    assert box.take() == [] and received == []

    assert main(["refresh", "--inbox", str(slipping)]) == 0
    out = capsys.readouterr().out
    assert "Nothing new or changed" in out and "The last alert evaluation had not finished; evaluated again." in out
    assert "4 tin nhắn / messages: 4 đã gửi / sent" in out
    mails = box.take()
    assert sorted(m["to"][0] for m in mails) == sorted(LEADERS) and len(received) == 1
    every_firing_episode_told_once()

    assert refresh(slipping).alerts == {}  # evaluated to the end now: nothing to do again
    assert box.take() == [] and len(received) == 1


def test_killed_between_the_events_and_the_outbox_evaluate_makes_the_messages(slipping, people, capsys):
    """Killed after the episodes and events were written, before the messages: they were one
    transaction, so nothing of it stays, and `cchc alerts evaluate` makes it all (before: the
    events stayed, and no evaluation ever made their messages)."""
    box, received = people
    killed_at("outbox", "refresh", "--inbox", str(slipping))
    assert main(["alerts", "evaluate"]) == 0
    assert "4 tin nhắn / messages: 4 đã gửi / sent" in capsys.readouterr().out
    assert sorted(m["to"][0] for m in box.take()) == sorted(LEADERS) and len(received) == 1
    every_firing_episode_told_once()
    assert state("SELECT refresh_id FROM evaluations") == [("earlier",), (None,)]  # the killed one left nothing


def test_send_killed_after_the_server_accepted_is_not_delivered_twice(slipping, people, capsys):
    """The server took the first mail, then the sender died before noting it. The next send cannot
    know; it counts the mail as sent, unconfirmed, and shows it so (before: delivered again, with
    the same Message-ID, though the README promises never twice)."""
    box, received = people
    killed_at("accepted", "refresh", "--inbox", str(slipping))
    first = box.take()
    assert [m["to"] for m in first] == [["gd@sxd.example"]]

    assert main(["alerts", "send"]) == 0
    out = capsys.readouterr().out
    delivered = first + box.take()
    ids = [m["message_id"] for m in delivered]
    assert len(ids) == len(set(ids)) == 3  # every Message-ID once
    assert sorted(m["to"][0] for m in delivered) == sorted(LEADERS) and len(received) == 1
    assert "3 đã gửi / sent" in out and "1 đã gửi, chưa xác nhận (không gửi lại) / sent, unconfirmed" in out
    assert state("SELECT address, status FROM outbox WHERE channel = 'email' ORDER BY message_id")[0] \
        == ("gd@sxd.example", "sent_unconfirmed")
    assert state("SELECT status, count(*) FROM outbox GROUP BY 1 ORDER BY 1") == [("sent", 3), ("sent_unconfirmed", 1)]
    every_firing_episode_told_once()

    assert main(["alerts", "list"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("tin nhắn")]
    assert len(listed) == 1 and "đã gửi, chưa xác nhận / sent, unconfirmed" in listed[0] \
        and "gd@sxd.example" in listed[0] and "not sent again" in listed[0]
    assert main(["alerts", "send"]) == 0 and box.take() == []  # and never later either
