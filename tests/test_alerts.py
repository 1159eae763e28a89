"""Alerts end to end: a real refresh, a real SMTP server (aiosmtpd) and an HTTP receiver on
loopback, and the exact messages each person got."""

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from inbox_builder import dossier, write_month, write_reference
from pipelines.alert.run import evaluate, send
from pipelines.alert.state import acknowledge, open_state
from pipelines.refresh import refresh

T0 = dt.datetime(2025, 11, 3, 8, 0, tzinfo=dt.timezone.utc)
LATE = {"ngay_ket_thuc": "25/10/2025 10:00:00", "ngay_tra": "25/10/2025 11:00:00"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append({"to": envelope.rcpt_tos, "subject": mail["Subject"],
                              "text": mail.get_body(("plain",)).get_content(),
                              "html": mail.get_body(("html",)).get_content()})
        return "250 OK"

    def take(self):
        taken, self.messages = self.messages, []
        return taken


class Server:
    """A real SMTP server on loopback that can be taken down and brought back on its port."""

    def __init__(self, box: Mailbox, port: int):
        self.box, self.port, self.controller = box, port, None

    def start(self):
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(cchc_home):
    port = free_port()
    box = Mailbox()
    controller = Server(box, port)
    controller.start()
    cchc_home.mkdir(parents=True, exist_ok=True)
    (cchc_home / "config.toml").write_text(
        f'[alerts]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\nreminder_days = 7\nretry_minutes = 1\n'
        'dashboard_url = "http://127.0.0.1:8501"\n', encoding="utf-8")
    yield box, controller
    controller.stop()


@pytest.fixture
def hook():
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


@pytest.fixture
def slipping(inbox, cchc_home, hook):
    """October 2025: Sở Xây dựng resolves 96 of 99 dossiers on time (96,97%, target > 99%); its
    late dossier has no apology letter. The commune's 10 dossiers are all on time."""
    write_reference(inbox)
    rows = [dossier(f"HS-{i:02}") for i in range(96)] + [dossier(f"HS-L{i}", **LATE) for i in range(3)]
    rows += [dossier(f"HS-X{i}", ma_don_vi="05977", ma_tthc="1.002") for i in range(10)]
    write_month(inbox, "2025-10", rows)
    refresh(inbox)
    (cchc_home / "contacts.csv").write_text(
        "ma_don_vi,ho_ten,vai_tro,email,webhook\n"
        f"SXD,Giám đốc Sở Xây dựng,lanh_dao,gd@sxd.example,{hook[0]}\n"
        "05977,Chủ tịch phường Đông Kinh,lanh_dao,ct@dongkinh.example,\n"
        "province,Chủ tịch UBND tỉnh,lanh_dao,ct@langson.example,\n"
        "province,Sở Nội vụ,quan_tri_du_lieu,snv@langson.example,\n", encoding="utf-8")
    return inbox


def test_who_gets_what_without_duplicates_then_a_reminder(slipping, smtp, hook):
    box, _ = smtp
    evaluate(now=T0)
    mails = {m["to"][0]: m for m in box.take()}
    assert set(mails) == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}  # no data issue: no steward
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" not in mails["ct@dongkinh.example"]["text"]  # all 10 on time
    sxd = mails["gd@sxd.example"]
    assert sxd["subject"].startswith("[CCHC] Cảnh báo · Sở Xây dựng: ")
    line = next(x for x in sxd["text"].splitlines() if "Tỷ lệ hồ sơ giải quyết đúng hạn (tháng 2025-10)" in x)
    assert line == ("- [Mới] Sở Xây dựng · Tỷ lệ hồ sơ giải quyết đúng hạn (tháng 2025-10): 96,97%, chỉ tiêu > 99% "
                    f"({line.split('(')[2].split(')')[0]}). Thủ tục kéo giảm: Cấp giấy phép xây dựng (3). "
                    "Hồ sơ trễ hạn chưa có phiếu xin lỗi: 3")
    assert "http://127.0.0.1:8501/unit?unit=SXD&amp;period=2025-10" in sxd["html"]
    digest = mails["ct@langson.example"]
    assert digest["subject"].startswith("[CCHC] Tổng hợp cảnh báo · Toàn tỉnh: ")
    assert "- Sở Xây dựng: " in digest["text"]  # one line per unit, not one per indicator
    url, received = hook
    assert len(received) == 1 and received[0]["unit"] == "SXD"
    assert {e["indicator"] for e in received[0]["events"] if e["period_type"] == "month"} >= {"on_time_rate"}

    evaluate(now=T0 + dt.timedelta(hours=1))  # the same refresh again: nothing new to say
    assert box.take() == [] and len(received) == 1

    evaluate(now=T0 + dt.timedelta(days=8))  # still below target after the interval: a reminder
    reminders = box.take()
    assert {m["to"][0] for m in reminders} == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}
    assert all("nhắc lại" in m["subject"] for m in reminders)


def test_snooze_then_recovery(slipping, smtp):
    box, _ = smtp
    evaluate(now=T0)
    box.take()
    con = open_state()
    episode = con.execute("SELECT episode_id FROM episodes "
                          "WHERE key = 'below_target|SXD|result_digitization_rate|month'").fetchone()[0]
    con.close()
    acknowledge(episode, by="gd@sxd.example", until=dt.date(2026, 1, 1))
    evaluate(now=T0 + dt.timedelta(days=8))
    texts = [m["text"] for m in box.take()]
    assert any("[Nhắc lại] Sở Xây dựng" in t for t in texts)  # its other episodes are reminded
    assert not any("Sở Xây dựng · Tỷ lệ số hóa kết quả (tháng" in t for t in texts)  # not the snoozed one

    write_month(slipping, "2025-11", [dossier(f"HS-N{i}", month="2025-11") for i in range(20)])  # all on time
    refresh(slipping)
    evaluate(now=T0 + dt.timedelta(days=30))
    mails = {m["to"][0]: m for m in box.take()}
    assert "đã khắc phục" in mails["gd@sxd.example"]["subject"]
    recovered = [x for x in mails["gd@sxd.example"]["text"].splitlines() if x.startswith("- [Đã khắc phục]")]
    assert any("Sở Xây dựng · Tỷ lệ hồ sơ giải quyết đúng hạn (tháng 2025-10)" in x for x in recovered)
    assert not any("Tỷ lệ số hóa kết quả (tháng" in x for x in mails["gd@sxd.example"]["text"].splitlines())  # snoozed
    con = open_state()
    kinds = [r[0] for r in con.execute("SELECT kind FROM events WHERE episode_id = ? ORDER BY event_id", [episode])]
    con.close()
    assert kinds[:2] == ["opened", "snoozed"]


def test_delivery_is_retried_after_the_server_was_down(slipping, smtp):
    box, controller = smtp
    controller.stop()
    result = evaluate(now=T0)
    assert (result["sent"], result["retry"]) == (1, 3)  # the webhook got through; three mails wait
    controller.start()
    assert send(now=T0)["sent"] == 0  # not yet due: it waits retry_minutes
    assert send(now=T0 + dt.timedelta(minutes=2))["sent"] == 3
    assert {m["to"][0] for m in box.take()} == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}
    assert send(now=T0 + dt.timedelta(days=1))["sent"] == 0  # never twice



def test_command_line_lists_acknowledges_and_refuses_a_wrong_number(slipping, smtp, capsys):
    from pipelines.cli import main

    assert main(["alerts", "evaluate"]) == 0
    assert capsys.readouterr().out.startswith("firing: ")
    assert main(["alerts", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    first = listed[0].split("\t")[0]
    assert main(["alerts", "ack", first, "--by", "gd@sxd.example"]) == 0
    assert main(["alerts", "ack", "99999"]) == 2
    assert "Không có cảnh báo đang mở số 99999" in capsys.readouterr().err
    con = open_state()
    assert con.execute("SELECT acknowledged_by FROM episodes WHERE episode_id = ?", [int(first)]).fetchone()[0] \
        == "gd@sxd.example"
    con.close()


def test_nothing_published_yet_says_so(capsys):
    from pipelines.cli import main

    assert main(["alerts", "evaluate"]) == 2
    assert "cchc refresh" in capsys.readouterr().err
