"""Alerts end to end: a real refresh, a real SMTP server (aiosmtpd) and an HTTP receiver on
loopback, and the exact messages each person got."""

import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from inbox_builder import dossier, query, write_month, write_reference

from pipelines.alert.run import evaluate, send
from pipelines.alert.state import acknowledge, open_state
from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import home

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
                              "html": mail.get_body(("html",)).get_content(),
                              "message_id": mail["Message-ID"], "tls": session.ssl is not None})
        return "250 OK"

    def take(self):
        taken, self.messages = self.messages, []
        return taken


class Server:
    """A real SMTP server on loopback that can be taken down and brought back on its port;
    `options` go to aiosmtpd (tls_context, authenticator, ...)."""

    def __init__(self, box: Mailbox, port: int, **options):
        self.box, self.port, self.controller, self.options = box, port, None, options

    def start(self):
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port, **self.options)
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


CONTACTS = ("ma_don_vi,ho_ten,vai_tro,email,webhook\n"
            "SXD,Giám đốc Sở Xây dựng,lanh_dao,gd@sxd.example,{hook}\n"
            "05977,Chủ tịch phường Đông Kinh,lanh_dao,ct@dongkinh.example,\n"
            "province,Chủ tịch UBND tỉnh,lanh_dao,ct@langson.example,\n"
            "province,Sở Nội vụ,quan_tri_du_lieu,snv@langson.example,\n")


def evaluated_before(days: float = 1) -> None:
    """The alerts have run before (an evaluation with nothing published, `days` ago): the next one is
    not the baseline, and tells each new alert (tests/test_alerts_baseline.py tests the baseline)."""
    from pipelines.alert.state import record_evaluation, transaction

    con = open_state()
    with transaction(con):
        record_evaluation(con, {"publication_id": None, "failure_id": None}, "earlier",
                          now() - dt.timedelta(days=days), {"firing": 0, "events": 0, "messages": 0})
    con.close()


@pytest.fixture
def people(cchc_home, smtp, hook):
    """The contacts, before the first refresh of a system that has run before: its alerts go out
    as it publishes."""
    (cchc_home / "contacts.csv").write_text(CONTACTS.format(hook=hook[0]), encoding="utf-8")
    evaluated_before()
    return smtp[0], hook[1]


@pytest.fixture
def slipping(inbox, people):
    """October 2025: Sở Xây dựng resolves 96 of 99 dossiers on time (96,97%, target > 99%); its
    late dossier has no apology letter. The commune's 10 dossiers are all on time."""
    write_reference(inbox)
    rows = [dossier(f"HS-{i:02}") for i in range(96)] + [dossier(f"HS-L{i}", **LATE) for i in range(3)]
    rows += [dossier(f"HS-X{i}", ma_don_vi="05977", ma_tthc="1.002") for i in range(10)]
    write_month(inbox, "2025-10", rows)
    return inbox


def serving(sql):
    return query(home().serving_db, sql)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_the_refresh_alerts_who_gets_what_without_duplicates_then_a_reminder(slipping, people):
    box, received = people
    outcome = refresh(slipping)  # the alerts asset runs after the publish
    assert (outcome.alerts["messages"], outcome.alerts["sent"], outcome.alerts["waiting"]) == (4, 4, 0)
    t0 = now()
    mails = {m["to"][0]: m for m in box.take()}
    assert set(mails) == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}  # no data issue: no steward
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" not in mails["ct@dongkinh.example"]["text"]  # all 10 on time
    sxd = mails["gd@sxd.example"]
    assert sxd["subject"].startswith("[CCHC] Cảnh báo · Sở Xây dựng: ")
    [line] = [x for x in sxd["text"].splitlines() if "Tỷ lệ hồ sơ giải quyết đúng hạn" in x]  # once, not per period
    assert line == ("- [Mới] Sở Xây dựng · Tỷ lệ hồ sơ giải quyết đúng hạn — dưới chỉ tiêu: Tháng 10/2025, Quý IV/2025, "
                    f"10 tháng đầu năm 2025: 96,97%; chỉ tiêu > 99% ({line.split('(')[1].split(')')[0]}). Thủ tục kéo "
                    "giảm (Tháng 10/2025): Cấp giấy phép xây dựng (3). Hồ sơ trễ hạn chưa có phiếu xin lỗi: 3")
    assert "http://127.0.0.1:8501/unit?unit=SXD&amp;period=2025-10" in sxd["html"]
    digest = mails["ct@langson.example"]
    assert digest["subject"].startswith("[CCHC] Tổng hợp cảnh báo · Toàn tỉnh: ")
    assert "- Sở Xây dựng: " in digest["text"]  # one line per unit, not one per indicator
    assert len(received) == 1 and received[0]["unit"] == "SXD"
    on_time = next(e for e in received[0]["events"] if e["indicator"] == "on_time_rate")
    assert [p["period"] for p in on_time["periods"]] == ["2025-10", "2025-Q4", "2025-YTD-10"]  # one event, 3 periods

    assert refresh(slipping).run_id is None  # the same files again: no run, nothing sent
    evaluate(now=t0 + dt.timedelta(hours=1))  # the rules again over the same numbers: nothing new to say
    assert box.take() == [] and len(received) == 1

    evaluate(now=t0 + dt.timedelta(days=8))  # still below target after the interval: a reminder
    reminders = box.take()
    assert {m["to"][0] for m in reminders} == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}
    assert all("nhắc lại" in m["subject"] for m in reminders)


def test_snooze_then_recovery_when_a_later_month_recovers(slipping, people):
    box, _ = people
    refresh(slipping)
    t0 = now()
    box.take()
    con = open_state()
    episode = con.execute("SELECT episode_id FROM episodes "
                          "WHERE key = 'below_target|SXD|result_digitization_rate'").fetchone()[0]
    con.close()
    acknowledge(episode, by="gd@sxd.example", until=(t0 + dt.timedelta(days=60)).date())
    evaluate(now=t0 + dt.timedelta(days=8))
    texts = [m["text"] for m in box.take()]
    assert any("[Nhắc lại] Sở Xây dựng" in t for t in texts)  # its other episodes are reminded
    assert not any("Sở Xây dựng · Tỷ lệ số hóa kết quả" in t for t in texts)  # not the snoozed one

    # November: 300 on time (far fewer than October would be held back as cut short), enough to
    # lift the quarter and the year to date too (396/399 = 99,25%): none of its periods fires now
    write_month(slipping, "2025-11", [dossier(f"HS-N{i}", month="2025-11") for i in range(300)])
    refresh(slipping)
    mails = {m["to"][0]: m for m in box.take()}
    assert "đã khắc phục" in mails["gd@sxd.example"]["subject"]
    lines = mails["gd@sxd.example"]["text"].splitlines()
    recovered = next(x for x in lines if x.startswith("- [Đã khắc phục] Sở Xây dựng · Tỷ lệ hồ sơ giải quyết đúng hạn"))
    assert recovered == ("- [Đã khắc phục] Sở Xây dựng · Tỷ lệ hồ sơ giải quyết đúng hạn: Tháng 11/2025 100,00%, Quý "
                         "IV/2025 99,25%, 11 tháng đầu năm 2025 99,25%; chỉ tiêu > 99% "
                         f"({recovered.split('(')[1].split(')')[0]}); trước đó Tháng 10/2025, Quý IV/2025, 10 tháng "
                         "đầu năm 2025: 96,97%")
    assert not any("Tỷ lệ số hóa kết quả" in x for x in lines)  # snoozed: not even its recovery
    con = open_state()
    kinds = [r[0] for r in con.execute("SELECT kind FROM events WHERE episode_id = ? ORDER BY event_id", [episode])]
    con.close()
    assert kinds[:2] == ["opened", "snoozed"]


def test_delivery_is_retried_after_the_server_was_down(slipping, people, smtp):
    box, controller = smtp
    controller.stop()
    outcome = refresh(slipping)
    assert (outcome.alerts["sent"], outcome.alerts["waiting"]) == (1, 3)  # the webhook got through; three mails wait
    t0 = now()
    controller.start()
    assert send(now=t0)["sent"] == 0  # not yet due: it waits retry_minutes
    assert send(now=t0 + dt.timedelta(minutes=2))["sent"] == 3
    assert {m["to"][0] for m in box.take()} == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}
    assert send(now=t0 + dt.timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0, "unconfirmed": 0,
                                                    "waiting": 0}  # never twice


def test_a_failed_refresh_alerts_the_steward_alone_until_one_succeeds(slipping, people):
    box, received = people
    refresh(slipping)
    box.take()
    (slipping / "ho_so_2025-11.csv").write_bytes(b"")
    with pytest.raises(RefreshFailed):
        refresh(slipping)
    [mail] = box.take()
    assert mail["to"] == ["snv@langson.example"] and mail["subject"] == "[CCHC] Cảnh báo · Toàn tỉnh: 1 mới"
    body = mail["text"].splitlines()
    assert body[0] == "Kính gửi Sở Nội vụ,"
    assert body[2].startswith("- [Mới] Lần làm mới lúc ") and "thất bại; số liệu đã xuất bản được giữ nguyên. " \
        "Lỗi: [ho_so_2025-11.csv] Tệp rỗng" in body[2]
    assert body[-3] == "  Xem: http://127.0.0.1:8501/quality?unit=province"
    assert len(received) == 1  # the leaders' webhook heard nothing

    with pytest.raises(RefreshFailed):  # the same failure again: the same episode, no second mail
        refresh(slipping)
    assert box.take() == []

    write_month(slipping, "2025-11", [dossier(f"HS-N{i}", month="2025-11") for i in range(100)])
    refresh(slipping)
    steward = [m for m in box.take() if m["to"] == ["snv@langson.example"]]
    assert len(steward) == 1 and steward[0]["subject"] == "[CCHC] Cảnh báo · Toàn tỉnh: 1 đã khắc phục"


def test_a_broken_contacts_file_does_not_fail_the_refresh_nor_lose_an_alert(slipping, people, cchc_home):
    box, _ = people
    good = (cchc_home / "contacts.csv").read_text(encoding="utf-8")
    (cchc_home / "contacts.csv").write_text("ma_don_vi,ho_ten,email\nSXD,Giám đốc,gd@sxd.example\n", encoding="utf-8")
    outcome = refresh(slipping)
    assert outcome.run_id and "Tệp danh bạ thiếu cột: vai_tro, webhook" in outcome.alerts["error"]
    assert box.take() == []
    (cchc_home / "contacts.csv").write_text(good, encoding="utf-8")
    assert evaluate()["sent"] == 4  # what the refresh could not say, said now
    assert {m["to"][0] for m in box.take()} == {"gd@sxd.example", "ct@dongkinh.example", "ct@langson.example"}


def test_projected_to_miss_the_year(inbox, people):
    """Sở Xây dựng, 100 dossiers a month: 100, 100, 100 then 98 on time (January–April 2025).
    Year to date 398/400 = 99,50%, above the target of 99%. The line through (1, 100), (2, 100),
    (3, 100), (4, 98): slope −0,6, intercept 101; May–December at 98; 97,4; … 93,8, which sum
    to 767,2 points, i.e. 767,2 dossiers of the 800 expected. The year: (398 + 767,2) / 1 200
    = 97,10%, below 99%: an alert now, while the year can still be saved."""
    box, _ = people
    write_reference(inbox)
    for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
        late = 2 if month == "2025-04" else 0
        write_month(inbox, month, [dossier(f"HS-{month}-{i}", month=month) for i in range(100 - late)]
                    + [dossier(f"HS-{month}-L{i}", month=month, ngay_ket_thuc=f"25/{month[5:]}/2025 10:00:00",
                               ngay_tra=f"25/{month[5:]}/2025 11:00:00") for i in range(late)])
    refresh(inbox)
    assert serving("SELECT value, round(projected_value, 6), projected_meets FROM marts.year_projection "
                   "WHERE period = '2025-YTD-04' AND scope_code = 'SXD' AND indicator = 'on_time_rate'") \
        == [(99.5, 97.1, False)]
    text = {m["to"][0]: m["text"] for m in box.take()}["gd@sxd.example"]
    line = next(x for x in text.splitlines() if "dự báo cả năm không đạt" in x and "đúng hạn" in x)
    assert line == ("- [Mới] Sở Xây dựng · Tỷ lệ hồ sơ giải quyết đúng hạn — dự báo cả năm không đạt: 4 tháng đầu năm "
                    "2025 99,50%, dự báo cuối năm 97,10% < chỉ tiêu > 99% "
                    f"({line.split('(')[1].split(')')[0]}). Thủ tục kéo giảm (4 tháng đầu năm 2025): Cấp giấy phép "
                    "xây dựng (2). Hồ sơ trễ hạn chưa có phiếu xin lỗi: 2")  # the projected value beside the target


def test_command_line_lists_acknowledges_and_refuses_a_wrong_number(slipping, people, capsys):
    from pipelines.cli import main

    refresh(slipping)
    assert main(["alerts", "evaluate"]) == 0  # after the refresh's own evaluation: nothing new
    assert capsys.readouterr().out.startswith("Cảnh báo / alerts: ")
    assert main(["alerts", "send"]) == 0
    assert "0 đã gửi / sent, 0 chờ gửi lại / waiting to retry" in capsys.readouterr().out
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


def queue(subject: str, address: str, key: str = "k1") -> None:
    """A message put in the outbox as an older version made it (its subject not cleaned)."""
    con = open_state()
    con.execute("INSERT INTO outbox (dedupe_key, channel, address, recipient, subject, body_text, body_html, payload, "
                "created_at) VALUES (?, 'email', ?, 'Giám đốc', ?, 'Nội dung', '<p>Nội dung</p>', '{}', ?)",
                [key, address, subject, now().isoformat()])
    con.close()


def outbox_rows() -> list:
    con = open_state()
    rows = [dict(r) for r in con.execute("SELECT * FROM outbox ORDER BY message_id")]
    con.close()
    return rows


def test_a_line_break_or_control_character_in_a_name_does_not_stop_the_mail(slipping, people, cchc_home):
    """A unit named with a CR, an LF, a NUL and a bidi override: the subject is one clean line and
    the mail goes (before: the mail library refused the header on every attempt)."""
    from pipelines.db import connect

    box, _ = people
    refresh(slipping)
    t0 = now()
    box.take()
    con = connect(home().serving_db)
    con.execute("UPDATE core.dim_don_vi SET ten_don_vi = ? WHERE ma_don_vi = 'SXD'", ["Sở Xây\r\ndựng\x00\u202e"])
    con.close()
    assert evaluate(now=t0 + dt.timedelta(days=8))["retry"] == 0  # the reminders
    sxd = next(m for m in box.take() if m["to"] == ["gd@sxd.example"])
    assert sxd["subject"].startswith("[CCHC] Cảnh báo · Sở Xây dựng: ") and sxd["subject"].endswith(" nhắc lại")

    queue("[CCHC] Cảnh báo · Sở\r\nXây dựng\t: 1 mới", "gd@sxd.example\n")  # made before the cleaning
    assert send(now=t0 + dt.timedelta(days=8))["sent"] == 1
    [mail] = box.take()
    assert (mail["subject"], mail["to"]) == ("[CCHC] Cảnh báo · Sở Xây dựng : 1 mới", ["gd@sxd.example"])


def self_signed(folder):
    """A server-side TLS context with a certificate made here, for 127.0.0.1."""
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now() - dt.timedelta(days=1))
            .not_valid_after(now() + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.fixture
def with_login(cchc_home, monkeypatch):
    """Settings for a server that wants a user name; what each AUTH the server got carried."""
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, session.ssl is not None))
        return AuthResult(success=True)

    def configure(port):
        cchc_home.mkdir(parents=True, exist_ok=True)
        (cchc_home / "config.toml").write_text(f'[alerts]\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
                                               'smtp_user = "cchc"\nretry_minutes = 1\n', encoding="utf-8")

    monkeypatch.setenv("CCHC_SMTP_PASSWORD", "s3cret-mat-khau")
    return authenticator, configure, logins


def test_credentials_go_only_after_starttls(with_login, tmp_path):
    """A user name set, no smtp_starttls setting ("auto"): STARTTLS first, then the login."""
    authenticator, configure, logins = with_login
    box, port = Mailbox(), free_port()
    server = Server(box, port, tls_context=self_signed(tmp_path), authenticator=authenticator,
                    auth_require_tls=True)
    server.start()
    try:
        configure(port)
        queue("[CCHC] Cảnh báo · Sở Xây dựng: 1 mới", "gd@sxd.example")
        assert send()["sent"] == 1
    finally:
        server.stop()
    assert logins == [(b"cchc", b"s3cret-mat-khau", True)]  # the password only inside TLS
    [mail] = box.take()
    assert mail["tls"] and mail["to"] == ["gd@sxd.example"]


def test_no_starttls_offered_nothing_goes_in_clear_and_the_outbox_says_why(with_login):
    """A server that would take a password in clear (AUTH without TLS) but offers no STARTTLS:
    no login, no message; the message waits, and its error says why."""
    authenticator, configure, logins = with_login
    box, port = Mailbox(), free_port()
    server = Server(box, port, authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        configure(port)
        queue("[CCHC] Cảnh báo · Sở Xây dựng: 1 mới", "gd@sxd.example")
        assert send() == {"sent": 0, "retry": 1, "failed": 0, "unconfirmed": 0, "waiting": 1}
    finally:
        server.stop()
    assert logins == [] and box.take() == []
    [row] = outbox_rows()
    assert row["status"] == "pending" and "không hỗ trợ STARTTLS" in row["last_error"] \
        and "not sent in clear" in row["last_error"]


def test_every_outbox_status_has_a_label_on_the_alerts_page():
    """The page names each message's status; one without a label would stop the page."""
    from dashboards.i18n import TEXT
    from pipelines.alert.run import STATUS

    assert {f"outbox_{s}" for s in [*STATUS, "sent"]} <= TEXT.keys()
