"""What makes alerts actionable (issue 23): the first evaluation is a baseline (one summary per
recipient, not a message line per alert); one alert per rule, unit and indicator across the
month, quarter and year to date; the projected year-end value beside the target; nobody told
said plainly; an alerts.sqlite from before migrated. A real refresh, the real SMTP server."""

import json
import sqlite3

from inbox_builder import dossier, write_month, write_reference
from test_alerts import CONTACTS, LATE, hook, smtp  # noqa: F401  (fixtures)

from pipelines.alert.state import open_state
from pipelines.cli import main
from pipelines.refresh import refresh
from pipelines.settings import home
from sample_data.generator import generate
from sample_data.reference import units


def state(sql: str, params=()) -> list:
    con = open_state()
    try:
        return [tuple(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def test_the_first_refresh_of_the_sample_sends_one_summary_per_recipient(inbox, cchc_home, smtp):
    """The bundled sample: its first refresh opens hundreds of alerts. Each recipient gets one
    summary (counts by rule and level, the province's own, the units with most), not a line per
    alert; the episodes are open all the same (the page lists them, reminders follow)."""
    box, _ = smtp
    generate(inbox, dossiers=3000, seed=11, plain=True, first="2026-07")
    department = max((u for u in units() if u.cap == "tinh" and u.hieu_luc_den is None), key=lambda u: u.weight).ma_don_vi
    (cchc_home / "contacts.csv").write_text(
        "ma_don_vi,ho_ten,vai_tro,email,webhook\n"
        f"{department},Giám đốc sở,lanh_dao,gd@so.example,\n"
        "province,Chủ tịch UBND tỉnh,lanh_dao,ct@langson.example,\n"
        "province,Sở Nội vụ,quan_tri_du_lieu,snv@langson.example,\n", encoding="utf-8")
    outcome = refresh(inbox)
    opened = state("SELECT count(*) FROM episodes WHERE closed_at IS NULL")[0][0]
    assert outcome.alerts["baseline"] and opened > 100 and outcome.alerts["events"] == opened
    mails = box.take()
    recipients = [m["to"][0] for m in mails]
    assert len(recipients) == len(set(recipients)) == outcome.alerts["messages"]  # one each
    assert {"ct@langson.example", "gd@so.example"} <= set(recipients)
    digest = next(m for m in mails if m["to"] == ["ct@langson.example"])
    assert digest["subject"].startswith("[CCHC] Tổng hợp cảnh báo đang mở · Toàn tỉnh: ")
    lines = digest["text"].splitlines()
    assert any(x.startswith("- dưới chỉ tiêu: ") and "xã, phường" in x for x in lines)  # counts by rule and level
    assert any(x.startswith("- [Đang mở] Toàn tỉnh · ") for x in lines)  # the province's own alerts
    assert "/alerts?unit=" in digest["text"] and len(lines) < 120  # the link, not 1 000 lines
    assert not any("[Mới]" in m["text"] for m in mails)
    assert state("SELECT baseline FROM evaluations") == [(1,)]


def test_after_the_baseline_a_new_miss_is_told_on_its_own(inbox, cchc_home, smtp, hook, capsys):
    """October: the baseline (one summary each). November: the commune's dossiers are half late,
    a new alert: told as before ("[Mới]"), naming the month and the quarter in one line."""
    box, received = smtp
    (cchc_home / "contacts.csv").write_text(CONTACTS.format(hook=hook[0]), encoding="utf-8")
    write_reference(inbox)
    rows = [dossier(f"HS-{i:02}") for i in range(96)] + [dossier(f"HS-L{i}", **LATE) for i in range(3)]
    rows += [dossier(f"HS-X{i}", ma_don_vi="05977", ma_tthc="1.002") for i in range(10)]
    write_month(inbox, "2025-10", rows)
    assert main(["refresh", "--inbox", str(inbox)]) == 0
    assert "Lần đánh giá cảnh báo đầu tiên" in capsys.readouterr().out
    first = box.take()
    assert sorted(m["to"][0] for m in first) == ["ct@dongkinh.example", "ct@langson.example", "gd@sxd.example"]
    assert all("Tổng hợp cảnh báo đang mở" in m["subject"] for m in first) and len(hook[1]) == 1
    assert hook[1][0]["baseline"] is True

    late = {"ngay_hen_tra": "22/11/2025 17:00:00", "ngay_ket_thuc": "25/11/2025 10:00:00",
            "ngay_tra": "25/11/2025 11:00:00"}
    november = [dossier(f"HS-N{i}", month="2025-11") for i in range(300)]
    november += [dossier(f"HS-XN{i}", month="2025-11", ma_don_vi="05977", ma_tthc="1.002", **(late if i < 5 else {}))
                 for i in range(10)]
    write_month(inbox, "2025-11", november)
    outcome = refresh(inbox)
    assert not outcome.alerts["baseline"]
    commune = {m["to"][0]: m for m in box.take()}["ct@dongkinh.example"]
    assert commune["subject"].startswith("[CCHC] Cảnh báo · Phường Đông Kinh: ")
    [line] = [x for x in commune["text"].splitlines() if "đúng hạn — dưới chỉ tiêu" in x]
    assert line.startswith("- [Mới] Phường Đông Kinh · Tỷ lệ hồ sơ giải quyết đúng hạn — dưới chỉ tiêu: Tháng 11/2025 "
                           "50,00%, Quý IV/2025 75,00%, 11 tháng đầu năm 2025 75,00%; chỉ tiêu ")


def test_one_alert_across_period_types_stays_while_any_fires(inbox, cchc_home, smtp):
    """Sở Xây dựng's on-time rate, below target in October's month, quarter and year to date:
    one episode. November all on time (100 of 100): the month recovers, the quarter (196/199) and
    the year to date do not: the same episode, still open, now naming those two; nothing sent
    about it. (Its recovery when none fires: test_alerts.test_snooze_then_recovery_…)"""
    box, _ = smtp
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i:02}") for i in range(96)]
                + [dossier(f"HS-L{i}", **LATE) for i in range(3)])
    refresh(inbox)
    key = "below_target|SXD|on_time_rate"
    [(episode, detail)] = state("SELECT episode_id, detail FROM episodes WHERE key = ?", [key])
    assert [p["period"] for p in json.loads(detail)["periods"]] == ["2025-10", "2025-Q4", "2025-YTD-10"]
    box.take()

    write_month(inbox, "2025-11", [dossier(f"HS-N{i}", month="2025-11") for i in range(100)])
    refresh(inbox)
    [(same, detail, closed, types)] = state("SELECT episode_id, detail, closed_at, period_type FROM episodes "
                                            "WHERE key = ?", [key])
    assert (same, closed, types) == (episode, None, "quarter,ytd")
    assert [p["period"] for p in json.loads(detail)["periods"]] == ["2025-Q4", "2025-YTD-11"]
    assert state("SELECT kind FROM events WHERE episode_id = ?", [episode]) == [("opened",)]
    assert not any("đúng hạn" in m["text"] for m in box.take())


def test_nobody_told_is_said_by_the_refresh_and_the_alerts_command(inbox, cchc_home, capsys):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i:02}") for i in range(96)]
                + [dossier(f"HS-L{i}", **LATE) for i in range(3)])
    assert main(["refresh", "--inbox", str(inbox)]) == 0
    out = capsys.readouterr().out
    assert f"Không ai được báo: chưa có tệp danh bạ (hoặc tệp trống) {cchc_home / 'contacts.csv'}" in out
    assert "ma_don_vi, ho_ten, vai_tro, email, webhook" in out and "Nobody was told" in out
    (cchc_home / "contacts.csv").write_text("ma_don_vi,ho_ten,vai_tro,email,webhook\n"
                                            "province,Chủ tịch UBND tỉnh,lanh_dao,,\n"  # no address: not a contact
                                            "05977,Chủ tịch phường,lanh_dao,ct@dongkinh.example,\n", encoding="utf-8")
    assert main(["alerts", "evaluate"]) == 0
    out = capsys.readouterr().out
    assert "Không ai được báo" not in out
    assert "1 đơn vị có cảnh báo nhưng chưa có lãnh đạo (lanh_dao) trong danh bạ" in out  # Sở Xây dựng
    assert "Chưa có lãnh đạo tỉnh (ma_don_vi = province)" in out


OLD_SCHEMA = """
CREATE TABLE episodes (episode_id INTEGER PRIMARY KEY, key TEXT NOT NULL, rule TEXT NOT NULL, scope TEXT NOT NULL,
    scope_code TEXT NOT NULL, indicator TEXT, period_type TEXT, opened_at TEXT NOT NULL, closed_at TEXT,
    last_notified_at TEXT, acknowledged_at TEXT, acknowledged_by TEXT, snoozed_until TEXT, detail TEXT NOT NULL);
CREATE UNIQUE INDEX one_open_episode ON episodes (key) WHERE closed_at IS NULL;
CREATE TABLE events (event_id INTEGER PRIMARY KEY, episode_id INTEGER NOT NULL REFERENCES episodes,
    kind TEXT NOT NULL, at TEXT NOT NULL, refresh_id TEXT, by_whom TEXT, note TEXT);
CREATE TABLE outbox (message_id INTEGER PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, channel TEXT NOT NULL,
    address TEXT NOT NULL, recipient TEXT, subject TEXT NOT NULL, body_text TEXT NOT NULL, body_html TEXT,
    payload TEXT NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT, last_error TEXT, sent_at TEXT);
CREATE TABLE evaluations (evaluation_id INTEGER PRIMARY KEY, publication_id TEXT, failure_id TEXT, refresh_id TEXT,
    at TEXT NOT NULL, firing INTEGER NOT NULL, events INTEGER NOT NULL, messages INTEGER NOT NULL);
"""


def old_episode(con, period_type: str, period: str, value: float, closed: str | None = None, by: str | None = None):
    """An episode as the code before issue 23 wrote it: one per period type."""
    detail = {"rule": "below_target", "scope": "unit", "scope_code": "SXD", "indicator": "on_time_rate",
              "period_type": period_type, "period": period, "value": value, "target": 99.0, "comparator": ">",
              "target_source": "Kế hoạch", "numerator": 96, "denominator": 99, "previous_value": None,
              "projected_value": None}
    cur = con.execute("INSERT INTO episodes (key, rule, scope, scope_code, indicator, period_type, opened_at, closed_at, "
                      "last_notified_at, acknowledged_at, acknowledged_by, detail) VALUES (?, 'below_target', 'unit', "
                      "'SXD', 'on_time_rate', ?, '2025-11-01T00:00:00+00:00', ?, '2025-11-01T00:00:00+00:00', ?, ?, ?)",
                      [f"below_target|SXD|on_time_rate|{period_type}", period_type, closed,
                       "2025-11-02T00:00:00+00:00" if by else None, by, json.dumps(detail)])
    con.execute("INSERT INTO events (episode_id, kind, at) VALUES (?, 'opened', '2025-11-01T00:00:00+00:00')",
                [cur.lastrowid])
    return cur.lastrowid


def test_an_alerts_file_from_before_is_migrated_once(cchc_home):
    """Three open episodes of one rule, unit and indicator (month, quarter, year to date) and a
    closed one become one open alert, the oldest, naming the three periods (its acknowledgement
    kept); the two others close with a `merged` event; the evaluations get the baseline mark."""
    path = home().alerts_db
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(OLD_SCHEMA)
    old_episode(con, "month", "2025-09", 95.0, closed="2025-10-05T00:00:00+00:00")
    month = old_episode(con, "month", "2025-10", 96.97, by="Giám đốc")
    quarter = old_episode(con, "quarter", "2025-Q4", 96.97)
    ytd = old_episode(con, "ytd", "2025-YTD-10", 97.0)
    con.execute("INSERT INTO evaluations (publication_id, at, firing, events, messages) VALUES "
                "('p1', '2025-11-01T00:00:00+00:00', 3, 3, 1)")
    con.commit()
    con.close()

    rows = state("SELECT episode_id, key, period_type, acknowledged_by, detail FROM episodes WHERE closed_at IS NULL")
    [(kept, key, types, by, detail)] = rows
    assert (kept, key, types, by) == (month, "below_target|SXD|on_time_rate", "month,quarter,ytd", "Giám đốc")
    assert [(p["period"], p["value"]) for p in json.loads(detail)["periods"]] == [
        ("2025-10", 96.97), ("2025-Q4", 96.97), ("2025-YTD-10", 97.0)]
    assert state("SELECT episode_id, kind, note FROM events WHERE kind = 'merged' ORDER BY episode_id") == [
        (quarter, "merged", f"gộp vào cảnh báo số {month} / merged into alert {month}"),
        (ytd, "merged", f"gộp vào cảnh báo số {month} / merged into alert {month}")]
    assert state("SELECT baseline FROM evaluations") == [(0,)] and state("PRAGMA user_version") == [(1,)]
    assert state("SELECT count(*) FROM events") == [(6,)]  # opened again: nothing more (migrated once)

    from pipelines.alert.run import open_episodes
    assert open_episodes()[0][4] == "Tháng 10/2025, Quý IV/2025, 10 tháng đầu năm 2025"  # `cchc alerts list`
    assert main(["alerts", "ack", str(kept), str(quarter), "--by", "x"]) == 2  # a closed one: nothing changes
    assert state("SELECT count(*) FROM events") == [(6,)]
