"""The dashboard shell: Streamlit's AppTest for the page logic, and a real headless Chromium
against a running server for what a leader actually sees (screenshots in test-artifacts/)."""

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from inbox_builder import dossier, publish_tiny_copy, write_month, write_reference
from streamlit.testing.v1 import AppTest

from pipelines.labels import period_label
from pipelines.refresh import refresh

APP = str(Path(__file__).parent.parent / "dashboards" / "app.py")
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"


@pytest.fixture
def published(inbox):
    """1,234 dossiers in October and 1 in November: a quiet month the steward lets through
    (min_rows_share = 0), which the door would otherwise hold back as cut short."""
    from pipelines.config import config_path

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("[validation]\nmin_rows_share = 0\n", encoding="utf-8")
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(1234)])
    write_month(inbox, "2025-11", [dossier("HS-X", month="2025-11", ma_don_vi="05977", ma_tthc="1.002", kenh="1")])
    refresh(inbox)


def rendered(markdown: str) -> str:
    """What Markdown shows of text the dashboard escaped (dashboards.i18n.plain): the text as written."""
    return re.sub(r"\\(.)", r"\1", markdown)


def loaded_page():
    return AppTest.from_file(APP, default_timeout=30).run().switch_page("views/loaded.py").run()


def test_shell_shows_what_was_loaded(published):
    at = loaded_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Kho chỉ số CCHC tỉnh Lạng Sơn"
    assert [m.value for m in at.metric] == ["2", "1.235", "5"]  # periods, dossiers (vi-VN), units
    assert "Tháng 10/2025 … Tháng 11/2025" in at.caption[0].value  # months as reports name them


def test_english_switch(published):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio[0].set_value("English").run()
    assert at.title[0].value == "Overview"
    assert at.selectbox(key="period_type.1").value == "Month"
    assert at.selectbox(key="period.month.1").value == "November 2025"
    assert tile(at, "on_time_rate", "Dossiers on time")[0] == "100.00%"  # the commune's one dossier, on time


def test_every_page_in_english(slipping):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio[0].set_value("English").run()
    titles = {}
    for page in ["overview", "ranking", "unit", "targets", "alerts", "quality", "loaded"]:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception and not at.error, page
        titles[page] = at.title[0].value
    assert titles == {"overview": "Overview", "ranking": "Ranking", "unit": "Unit", "targets": "Targets",
                      "alerts": "Alerts", "quality": "Data quality", "loaded": "Lạng Sơn CCHC KPI warehouse"}
    assert "Rows by rule broken" in [h.value for h in at.switch_page("views/quality.py").run().subheader]


def test_the_copy_a_refresh_publishes_is_read_at_once(cchc_home):
    """The dashboards keep the published copy open between queries; a publish renames a new file
    over it, and the next query reads the new one while a query on the old one still finishes."""
    from dashboards.data import _published_copy, query
    from pipelines.settings import home

    serving = home().serving_db
    serving.parent.mkdir(parents=True, exist_ok=True)

    def publish(n: int) -> None:
        publish_tiny_copy(serving, n)

    publish(1)
    assert query("SELECT n FROM meta.t")["n"].tolist() == [1]
    running = _published_copy()
    publish(2)
    assert query("SELECT n FROM meta.t")["n"].tolist() == [2]
    running.execute("USE pub")
    assert running.execute("SELECT n FROM meta.t").fetchall() == [(1,)]
    running.close()


def test_without_a_published_warehouse_it_says_so():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "cchc refresh" in at.info[0].value


def test_a_copy_built_by_other_code_is_said(published, cchc_home):
    """After an upgrade, before the refresh that rebuilds: the pages say so, and what to run."""
    import shutil

    from pipelines.db import connect

    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.warning  # built by this code
    serving = cchc_home / "warehouse" / "serving.duckdb"
    older = shutil.copy(serving, serving.with_name("older.duckdb"))
    con = connect(older)
    con.execute("UPDATE meta.model SET version = 'an-earlier-one'")
    con.close()
    os.replace(older, serving)  # as a publish puts a copy in place
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.warning[0].value.startswith("Số liệu đang hiển thị được dựng bởi phiên bản phần mềm trước")
    assert "`cchc refresh`" in at.warning[0].value and not at.exception


def test_a_fault_in_a_page_is_said_in_a_sentence(published, monkeypatch, caplog):
    """As `cchc serve` runs it (no error details): a fault in a page's code reaches the leader as a
    sentence with a reference, and the traceback reaches the server's log under that reference."""
    from streamlit import config

    import dashboards.widgets

    def broken(*args, **kwargs):
        raise ValueError("None is not in list")

    monkeypatch.setattr(dashboards.widgets, "period_label", broken)
    shown = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "none")
    try:
        at = AppTest.from_file(APP, default_timeout=30).run()
    finally:
        config.set_option("client.showErrorDetails", shown)
    assert not at.exception
    said = at.error[0].value
    reference = said.split("mã ")[1].split(":")[0]
    assert said.startswith("Trang này chưa hiển thị được") and len(reference) == len("20261204-150000")
    logged = [r for r in caplog.records if r.name == "cchc.dashboards"]
    assert reference in logged[0].getMessage() and "None is not in list" in logged[0].exc_text

    at = AppTest.from_file(APP, default_timeout=30).run()  # a developer's run shows the error itself
    assert "None is not in list" in at.exception[0].message


def tile(at, code, name):
    """The value, delta and status line of the overview tile of indicator `code`, headed `name`."""
    metric = next(m for m in at.metric if m.label == code)
    lines = [m.value for m in at.markdown]
    return metric.value, metric.delta, lines[lines.index(f"**{name}**") + 1]


def test_overview_for_the_province_and_a_unit(published, capsys):
    import json

    from pipelines.cli import main

    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Tổng quan"
    assert at.selectbox(key="period.month.0").value == "Tháng 11/2025"  # the latest month
    at.selectbox(key="period.month.0").set_value("Tháng 10/2025").run()
    # 1,234 on time in SXD; the commune's one dossier is in November
    value, delta, status = tile(at, "on_time_rate", "Tỷ lệ hồ sơ giải quyết đúng hạn")
    assert main(["kpis", "--period", "2025-10", "--scope", "province", "--format", "json"]) == 0
    line = next(r for r in json.loads(capsys.readouterr().out) if r["indicator"] == "on_time_rate")
    assert value == f"{line['value']:.2f}%".replace(".", ",") == "100,00%"  # the same number as `cchc kpis`
    assert not delta  # no earlier month: missing, not +0
    assert status.startswith(":green-badge[✔ Đạt]")
    at.selectbox(key="scope.0").set_value("Phường Đông Kinh (05977)").run()
    at.selectbox(key="period.month.0").set_value("Tháng 11/2025").run()
    # its one dossier came in person: 0%, listed (compact) among the indicators without a target
    assert any("- Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ: **0,00%** · ○ Không có chỉ tiêu" in m.value for m in at.markdown)
    assert not at.exception
    at.selectbox(key="period_type.0").set_value("Quý").run()
    # no quarter is complete yet: the running one, said to be running
    assert at.selectbox(key="period.quarter.0").value == "Quý IV/2025 (đang diễn ra, số liệu đến hết tháng 11/2025)"


def test_overview_opens_on_the_unit_and_period_of_a_link(published):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["unit"] = "SXD"
    at.query_params["period"] = "2025-Q4"
    at.run()
    assert at.selectbox(key="scope.0").value == "Sở Xây dựng (SXD)" and at.selectbox(key="period.quarter.0").value.startswith("Quý IV/2025")
    assert at.selectbox(key="period_type.0").value == "Quý"


@pytest.mark.parametrize("page", ["views/overview.py", "views/targets.py"])  # a period's units; every unit
def test_a_link_to_an_unknown_unit_says_so(published, page):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["unit"] = "SXDD"
    at.switch_page(page).run()  # the page the link opens, first in the session
    assert not at.exception and at.selectbox(key="scope.0").value == "Toàn tỉnh"
    assert at.warning[0].value.startswith("Đường liên kết hỏi đơn vị mã SXDD") and "Toàn tỉnh" in at.warning[0].value
    at.selectbox(key="scope.0").select("Sở Xây dựng (SXD)").run()  # said once: the leader has chosen
    assert not at.warning


def test_ranking_by_composite_and_by_an_indicator(published):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/ranking.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Xếp hạng"
    at.selectbox(key="period.month.0").set_value("Tháng 10/2025").run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["Hạng", "Đơn vị", "Điểm", "So với kỳ trước"]
    assert table.iloc[0]["Đơn vị"] == "Sở Xây dựng (SXD)" and table.iloc[0]["Hạng"] == 1  # the only department with dossiers
    at.selectbox(key="rank_by.0").set_value("Tỷ lệ hồ sơ giải quyết đúng hạn").run()
    row = at.dataframe[0].value.iloc[0]  # numbers stay numbers (they sort so); the Styler shows 100,00%
    assert (row["Giá trị"], row["Đạt"], row["Tổng"], row["Đánh giá"]) == (100.0, 1234, 1234, "✔ Đạt")
    assert row["So với kỳ trước"] != row["So với kỳ trước"]  # no period before: missing, shown "—"
    at.selectbox(key="level.0").set_value("Xã, phường").run()
    at.selectbox(key="period.month.0").set_value("Tháng 11/2025").run()
    assert list(at.dataframe[0].value["Đơn vị"]) == ["Phường Đông Kinh (05977)"]


def test_targets_page_lists_what_applies_with_quotes(published):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/targets.py").run()
    assert not at.exception and not at.error
    at.selectbox(key="scope.0").set_value("Sở Xây dựng (SXD)").run()
    targets = at.dataframe[0].value
    own = targets[targets["Áp dụng cho"] == "Sở Xây dựng"]  # its own plan, found by name
    assert len(own) == 17 and set(own["Năm"]) == {2025}
    row = own[own["Chỉ số"] == "Tỷ lệ hồ sơ trực tuyến toàn trình"].iloc[0]
    assert row["Chỉ tiêu"] == "> 80" and "80%" in row["Trích dẫn"]
    assert row["Kế hoạch"] == "Kế hoạch số 55/KH-SXD ngày 11/06/2025 của Sở Xây dựng"  # as the scorecard cites it
    assert "cchc template" in at.info[0].value  # no reported values yet


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is installed by ./test")
def test_every_page_in_a_real_browser(slipping, cchc_home):
    import zipfile

    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)],
                              env={**os.environ, "CCHC_HOME": str(cchc_home)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1400, "height": 2200}, accept_downloads=True)  # the whole page
            deadline = time.monotonic() + 60
            while True:
                try:
                    page.goto(f"http://localhost:{port}", timeout=5000)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)

            def shows(name: str, *texts: str) -> None:
                """Every text on the page (grid cells are drawn on a canvas: present, not visible), no
                error box, and a screenshot."""
                try:
                    for text in texts:
                        page.wait_for_selector(f"text={text}", state="attached", timeout=30000)
                    page.wait_for_timeout(1500)  # let charts draw
                finally:
                    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                assert page.locator('[data-testid="stException"]').count() == 0
                assert page.locator('[data-testid="stAlertContentError"]').count() == 0

            shows("overview", "Tỷ lệ hồ sơ giải quyết đúng hạn", "96,97%", "Chỉ tiêu > 99%")
            with page.expect_download() as brief:
                page.get_by_text("Bản tin một trang").click()
            html = Path(brief.value.path()).read_text(encoding="utf-8")
            assert "Bản tin cải cách hành chính" in html and "96,97%" in html and "3 hồ sơ trễ hạn" in html
            with page.expect_download() as report:  # the periodic report table, the province by unit
                page.get_by_text("Biểu 06 (XLSX)").click()
            import io

            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(Path(report.value.path()).read_bytes()))
            cells = list(book.active.iter_rows(values_only=True))
            total = next(row for row in cells if row[1] == "Tổng cộng")
            assert total[2] > 0 and total[2] == total[6] + total[10] + total[13] + total[14]  # 3 = 7 + 11 + 14 + 15

            page.goto(f"http://localhost:{port}/ranking?period=2025-10", timeout=10000)
            shows("ranking", "Xếp theo", "Sở Xây dựng (SXD)")
            page.goto(f"http://localhost:{port}/unit?unit=SXD&period=2025-10", timeout=10000)
            shows("unit", "Các chỉ số theo thời gian", "96,97% ✘", "HS-LATE", "Giải quyết quá hạn")
            page.goto(f"http://localhost:{port}/targets?unit=SXD", timeout=10000)
            shows("targets", "Chỉ tiêu áp dụng cho Sở Xây dựng (SXD)", "Tỷ lệ cấp kết quả điện tử")
            page.goto(f"http://localhost:{port}/alerts?unit=SXD", timeout=10000)
            shows("alerts", "Cảnh báo đang mở", "Dưới chỉ tiêu", "Lịch sử cảnh báo")
            page.get_by_text("Chọn tất cả", exact=False).first.click()
            page.get_by_label("Người xác nhận (họ tên hoặc e-mail)").fill("Giám đốc Sở Xây dựng")
            page.get_by_role("button", name="Xác nhận đã biết (dừng nhắc lại)").click()
            shows("alerts_acknowledged", "Đã ghi nhận cảnh báo số 7, 6, 5", "Đã xác nhận")
            page.goto(f"http://localhost:{port}/quality", timeout=10000)
            shows("quality", "Lịch sử làm mới", "ho_so_2025-10.csv", "=1+2")
            with page.expect_download() as quarantined:
                page.get_by_role("button", name="XLSX").last.click()
            with zipfile.ZipFile(quarantined.value.path()) as book:
                assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()
                strings = book.read("xl/sharedStrings.xml").decode()
                assert "=1+2" in strings  # text, not a formula
                assert "Giá trị như trong tệp" in strings  # made on click, away from the page, still in Vietnamese
            page.goto(f"http://localhost:{port}/loaded", timeout=10000)
            shows("loaded", "Kho chỉ số CCHC tỉnh Lạng Sơn", "Số hồ sơ theo tháng tiếp nhận và cấp", "ho_so_2025-10.csv")
            page.goto(f"http://localhost:{port}/unit?unit=SXD&period=2025-10", timeout=10000)
            page.locator('[data-testid="stRadio"] label').filter(has_text="English").click()
            shows("unit_english", "Indicators over time", "96.97% ✘")
            page.get_by_role("link", name="Data quality").click()  # the language stays across pages
            shows("quality_english", "Refresh history", "Rows that broke a rule")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

LATE = {"ngay_ket_thuc": "25/10/2025 10:00:00", "ngay_tra": "25/10/2025 11:00:00"}  # due 22/10: 3 days late
OPEN = {"trang_thai": "4", "ngay_ket_thuc": None, "ngay_tra": None, "co_phieu_xin_loi": "1", "danh_gia": None}
TWICE = {"so_lan_bo_sung": "2", "ngay_yeu_cau_bo_sung": "05/10/2025 10:00:00",
         "ngay_hoan_thanh_bo_sung": "06/10/2025 10:00:00", "gio_bo_sung": "24"}


@pytest.fixture
def slipping(inbox):
    """October 2025 in Sở Xây dựng, worked by hand: 96 dossiers on time and 3 late (one finished 3
    days after its due date 22/10 without an apology letter; one still open at the month's end, 9
    days past it, with a letter; one on time but asked twice for supplements, without a letter).
    on_time_rate 96/99 = 96,97%; late_apology_rate 1/3. One row names a unit `=1+2`: quarantined,
    and a spreadsheet must show it as text. February has one dossier of the transport department."""
    write_reference(inbox)
    rows = [dossier(f"HS-{i:02}") for i in range(96)]
    rows += [dossier("HS-LATE", **LATE), dossier("HS-OPEN", **OPEN), dossier("HS-TWICE", **TWICE),
             dossier("HS-BAD", ma_don_vi="=1+2")]
    write_month(inbox, "2025-10", rows)
    write_month(inbox, "2025-02", [dossier("HS-GT", month="2025-02", ma_don_vi="SGTVT")])  # merged into SXD on 1/3
    refresh(inbox)
    return inbox


def unit_page(unit="Sở Xây dựng (SXD)", period="2025-10"):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/unit.py").run()
    at.selectbox(key="scope.0").set_value(unit).run()
    at.selectbox(key="period.month.0").set_value(period_label(period)).run()
    return at


def test_unit_page_over_time_drags_and_late_dossiers(slipping):
    at = unit_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Đơn vị"
    history = at.dataframe[0].value.set_index("Chỉ số")
    assert history.loc["Tỷ lệ hồ sơ giải quyết đúng hạn", "Tháng 10/2025"] == "96,97% ✘"
    assert history.loc["Tỷ lệ hồ sơ giải quyết đúng hạn", "Chỉ tiêu"] == "> 99%"
    assert history.loc["Tỷ lệ hồ sơ trễ hạn có phiếu xin lỗi", "Tháng 10/2025"] == "33,33% ✘"
    # March to September have no export file at all: missing, not the catalogue's 0% (SXD's one
    # online service, 1.001, had its February dossier online: 1/1)
    uptake = history.loc["Tỷ lệ DVCTT có phát sinh hồ sơ trực tuyến"]
    assert list(uptake[["Tháng 3/2025", "Tháng 9/2025", "Tháng 10/2025"]]) == ["—", "—", "100,00% ✔"]
    procedure = at.dataframe[1].value.iloc[0]
    assert (procedure["Mã"], procedure["Chưa đạt"]) == ("1.001", 3)
    assert procedure["Điểm bị kéo giảm"] == pytest.approx(300 / 99)  # a number, shown 3,03 (formats=)
    assert "**3** hồ sơ trễ hạn trong kỳ, **2** chưa có phiếu xin lỗi" in [m.value for m in at.markdown][-1]
    late = at.dataframe[3].value  # those without a letter first, then the most days late
    assert list(late["Mã hồ sơ"]) == ["HS-LATE", "HS-TWICE", "HS-OPEN"]
    assert list(late["Số ngày trễ"]) == [3, -3, 9]  # HS-TWICE: 20/10 less 24 h of supplements; HS-OPEN at 31/10
    assert list(late["Lý do"]) == ["Giải quyết quá hạn", "Yêu cầu bổ sung từ 2 lần", "Chưa giải quyết, đã quá hạn"]
    assert list(late["Phiếu xin lỗi"]) == ["✘ Không", "✘ Không", "✔ Có"]


def test_a_month_without_exports_is_no_data_not_zero(slipping, capsys):
    import json

    from pipelines.cli import main

    assert main(["kpis", "--period", "2025-05", "--scope", "unit", "--format", "json"]) == 0
    may = [r for r in json.loads(capsys.readouterr().out) if r["scope_code"] == "SXD"]
    assert {r["status"] for r in may} == {"no_data"} and {r["value"] for r in may} == {None}
    assert main(["kpis", "--period", "2025-Q1", "--scope", "unit", "--format", "json"]) == 0
    q1 = {r["indicator"]: r for r in json.loads(capsys.readouterr().out) if r["scope_code"] == "SXD"}
    assert q1["online_service_uptake_rate"]["status"] == "met"  # February is in Q1: counted, 1/1


def test_unit_page_explains_a_dossier_and_a_number(slipping, capsys):
    from pipelines.cli import main

    at = unit_page()
    at.text_input(key="dossier_code").input("HS-OPEN").run()
    why = [m.value for m in at.markdown if m.value.startswith("Đến hết kỳ")]
    assert why == ["Đến hết kỳ (31/10/2025) chưa giải quyết, đã quá hạn 22/10/2025: trễ **9** ngày. Đã có phiếu xin lỗi."]
    at.text_input(key="dossier_code").input("HS-02").run()
    assert at.success[0].value == "Hồ sơ này không bị tính trễ hạn trong kỳ Tháng 10/2025."
    at.toggle(key="show_counted").set_value(True).run()
    assert any("Tử số 96, mẫu số 99" in c.value for c in at.caption)
    assert main(["explain", "--period", "2025-10", "--unit", "SXD", "--indicator", "on_time_rate"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(at.dataframe[-1].value) == len(printed) - 1 == 99  # the same rows as `cchc explain`


def test_unit_page_selectors_period_types_and_a_merged_unit(slipping):
    at = unit_page()
    at.selectbox(key="period_type.0").set_value("Quý").run()
    # no quarter is complete (no file for January): the running one, marked
    assert at.selectbox(key="period.quarter.0").value == "Quý IV/2025 (đang diễn ra, số liệu đến hết tháng 10/2025)"
    assert not at.exception
    # the target first, then the newest period: what a leader compares
    assert list(at.dataframe[0].value.columns) == ["Chỉ số", "Chỉ tiêu", "Quý IV/2025", "Quý III/2025", "Quý II/2025",
                                                   "Quý I/2025"]
    assert "Sở Giao thông vận tải (SGTVT)" not in at.selectbox(key="scope.0").options  # merged by then
    at.selectbox(key="period_type.0").set_value("Tháng").run()
    at.selectbox(key="period.month.0").set_value("Tháng 2/2025").run()
    at.selectbox(key="scope.0").set_value("Sở Giao thông vận tải (SGTVT)").run()
    at.selectbox(key="period_type.0").set_value("Quý").run()
    at.selectbox(key="period.quarter.0").set_value("Quý I/2025").run()  # it ended on 28/02: merged by 31/03
    assert not at.exception
    assert rendered(at.info[0].value).startswith("Sở Giao thông vận tải hoạt động đến 28/02/2025, sau đó sáp nhập vào "
                                       "Sở Xây dựng (SXD)")


def test_data_quality_page_shows_runs_files_rules_and_rows(slipping):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/quality.py").run()
    assert not at.exception and not at.error
    runs = at.dataframe[0].value
    assert list(runs["Kết quả"]) == ["✔ Thành công"] and runs["Dòng bị cách ly"].iloc[0] == 1
    files = at.dataframe[1].value.set_index("Tệp")
    assert files.loc["ho_so_2025-10.csv", "Dòng được nhận"] == 99
    assert files.loc["ho_so_2025-10.csv", "Xử lý"] == "✔ Đã nạp"
    rules = at.dataframe[3].value
    assert rules.iloc[0]["Mức"] == "✘ Lỗi (cách ly)" and rules.iloc[0]["Số dòng"] == 1
    rows = at.dataframe[4].value
    bad = rows[rows["Giá trị như trong tệp"] == "=1+2"].iloc[0]
    assert (bad["Tệp"], bad["Dòng"], bad["Cột"]) == ("ho_so_2025-10.csv", 101, "ma_don_vi")  # the header is line 1
    at.selectbox(key="q_severity.0").set_value("⚠ Cảnh báo (vẫn nạp)").run()
    assert "=1+2" not in list(at.dataframe[4].value["Giá trị như trong tệp"])


def test_a_failed_refresh_is_said_at_once_and_the_numbers_stay(slipping):
    from pipelines.refresh import RefreshFailed

    (slipping / "ho_so_2025-11.csv").write_bytes(b"")
    with pytest.raises(RefreshFailed):
        refresh(slipping)
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/quality.py").run()
    assert "thất bại" in at.error[0].value and "ho_so_2025-11.csv" in rendered(at.error[0].value)
    assert "vẫn là của lần thành công" in at.error[0].value
    assert list(at.dataframe[0].value["Kết quả"]) == ["✔ Thành công"]  # the last good refresh, still published
    assert at.dataframe[2].value.set_index("Tệp").loc["ho_so_2025-10.csv", "Dòng được nhận"] == 99


def alerts_page(unit="Sở Xây dựng (SXD)"):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/alerts.py").run()
    return at.selectbox(key="scope.0").set_value(unit).run()


def test_alerts_page_lists_acknowledges_and_snoozes(slipping):
    """The refresh opened the alerts (the first evaluation, a baseline; nobody is in the contacts
    file, and the page says so and how to fix it); the unit's alerts, one per indicator naming
    every period; counts by rule and level; acknowledging several at once here is what `cchc
    alerts` records, each with its history event."""
    from pipelines.alert.state import open_state

    at = alerts_page()
    assert not at.exception and not at.error
    assert "Không ai được báo" in at.warning[0].value and "contacts.csv" in at.warning[0].value
    counts, opened = at.dataframe[0].value.set_index("Quy tắc"), at.dataframe[1].value
    assert set(opened["Đơn vị"]) == {"Sở Xây dựng (SXD)"}
    assert str(counts.loc["Dưới chỉ tiêu", "Sở, ngành"]) == str((opened["Quy tắc"] == "Dưới chỉ tiêu").sum())
    on_time = opened[(opened["Nội dung"] == "Tỷ lệ hồ sơ giải quyết đúng hạn") & (opened["Quy tắc"] == "Dưới chỉ tiêu")]
    assert list(on_time[["Kỳ", "Giá trị", "Chỉ tiêu", "Trạng thái"]].itertuples(index=False, name=None)) == [
        ("Tháng 10/2025, Quý IV/2025, 10 tháng đầu năm 2025", "96,97% · 96,97% · 97,00%", "> 99%", "Đang mở")]
    # one alert, 3 periods (the year to date counts February's dossier of the transport department merged into SXD)
    number = int(on_time["Số"].iloc[0])
    other = int(opened.loc[opened["Số"].astype(int) != number, "Số"].iloc[-1])
    choice = next(m for m in at.multiselect if m.label == "Cảnh báo")
    choice.set_value([number, other])
    at.button[0].click().run()  # acknowledge, without a name
    assert at.error[0].value == "Hãy ghi tên người xác nhận."
    at.text_input[0].input("Giám đốc Sở Xây dựng")
    at.button[0].click().run()
    assert at.success[0].value == f"Đã ghi nhận cảnh báo số {number}, {other}."
    rows = at.dataframe[1].value.set_index(at.dataframe[1].value["Số"].astype(int))
    assert list(rows.loc[[number, other], "Trạng thái"]) == ["Đã xác nhận: Giám đốc Sở Xây dựng"] * 2
    history = at.dataframe[2].value
    assert list(history.loc[history["Số"].astype(int) == number, "Sự kiện"]) == ["Đã xác nhận", "Mở"]

    next(m for m in at.multiselect if m.label == "Trạng thái").set_value(["open"]).run()  # filter: not yet acknowledged
    still = set(at.dataframe[1].value["Số"].astype(int))
    assert still and not still & {number, other}
    at.checkbox[0].check()  # every alert shown, snoozed at once
    at.text_input[0].input("Giám đốc Sở Xây dựng")
    at.button[1].click().run()  # snooze, without a date
    assert at.error[0].value == "Hãy chọn ngày tạm hoãn đến."
    at.date_input[0].set_value(dt.date.today() + dt.timedelta(days=30))
    at.button[1].click().run()
    assert at.success[0].value.startswith("Đã tạm hoãn cảnh báo số ")
    con = open_state()
    assert {r[0] for r in con.execute("SELECT episode_id FROM episodes WHERE snoozed_until = ?",
                                      [(dt.date.today() + dt.timedelta(days=30)).isoformat()])} == still
    con.close()

    province = alerts_page("Toàn tỉnh")
    assert not province.exception
    own = province.dataframe[1].value  # the province and its levels before any unit
    assert set(own["Đơn vị"]) >= {"Toàn tỉnh"} and "Sở Xây dựng (SXD)" not in set(own["Đơn vị"])
    sections = [e.label.replace("\\", "") for e in province.expander]  # labels are Markdown, escaped
    assert sections[0].startswith("Sở Xây dựng (SXD) · ")  # the unit with most alerts first
    assert province.subheader[-1].value == "Tin nhắn đã gửi và đang chờ"  # none: nobody is in the contacts file
    assert province.info[-1].value == "Chưa có tin nhắn nào."


def test_exports_keep_formulas_as_text():
    import io
    import zipfile

    import pandas as pd

    from dashboards.export import csv_bytes, xlsx_bytes

    frame = pd.DataFrame({"text": ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "Hồ sơ"], "n": [1, -5, 2, 3, 4]})
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(frame, "bang"))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert all(s in strings for s in ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "Hồ sơ"])  # written as text
    assert "<v>-5</v>" in sheet  # numbers stay numbers
    lines = csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert lines[1:5] == ["'=1+2,1", "'+SUM(A1),-5", "'-2+3,2", "'@cmd,3"] and lines[5] == "Hồ sơ,4"


HOSTILE = "[x](http://127.0.0.1:9/x) ![](http://127.0.0.1:9/p.png) :red[*y*]"


def test_names_from_the_data_are_never_markdown(inbox):
    """A unit named like a link, an image (a tracking pixel the browser would fetch) and a Streamlit
    colour directive is shown as written, never rendered (issue 22)."""
    from inbox_builder import CATALOG, UNITS, write_csv

    write_csv(inbox / "don_vi.csv", "don_vi", [(u[0], HOSTILE, *u[2:]) if u[0] == "SXD" else u for u in UNITS])
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    refresh(inbox)
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.selectbox(key="scope.0").set_value(f"{HOSTILE} (SXD)").run()
    for page in ["overview", "unit", "targets"]:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception and not at.error, page
        shown = [e.value for kind in ("markdown", "caption", "subheader", "info", "warning") for e in getattr(at, kind)]
        assert not any("](http" in text for text in shown), page  # no link or image syntax left to render
        assert any(r"\[x\]\(http\://127\.0\.0\.1\:9/x\)" in text for text in shown), page  # the name, escaped


def test_webhook_tokens_are_never_shown():
    from dashboards.i18n import without_secrets

    assert without_secrets("https://u:pw@hooks.example.org:8443/services/T0/B0/XYZ?token=abc") == \
        "https://hooks.example.org:8443/…"
    assert without_secrets("POST http://127.0.0.1:5000/hook/s3cret failed: HTTP 500") == \
        "POST http://127.0.0.1:5000/… failed: HTTP 500"
    assert without_secrets("quan_tri@example.org") == "quan_tri@example.org" and without_secrets(None) is None


def test_a_unit_gone_quiet_is_an_alert_the_page_shows(inbox):
    """Phường Đông Kinh received dossiers in July, August and September 2025 and none in October,
    while the exports of October came: `data_missing` for the unit (no indicator of its own: NULL),
    listed among the indicator alerts and offered in the filter without breaking either."""
    from pipelines.alert.state import open_state

    write_reference(inbox)
    for month in ("2025-07", "2025-08", "2025-09", "2025-10"):
        ward = [] if month == "2025-10" else [dossier(f"HS-{month}-P", month=month, ma_don_vi="05977", ma_tthc="1.002")]
        write_month(inbox, month, [dossier(f"HS-{month}-{i}", month=month) for i in range(30)] + ward)
    refresh(inbox)
    with open_state() as con:
        quiet = con.execute("SELECT scope, scope_code, indicator FROM episodes WHERE rule = 'data_missing' "
                            "AND closed_at IS NULL").fetchall()
    assert [tuple(r) for r in quiet] == [("unit", "05977", None)]
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/alerts.py").run()
    assert not at.exception and not at.error
    ward = next(m for m in at.multiselect if m.label == "Chỉ số")
    assert "Không có hồ sơ nào trong tháng, dù 3 tháng trước đều có" in ward.options
    ward.set_value(["Không có hồ sơ nào trong tháng, dù 3 tháng trước đều có"]).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Nội dung" in d.value.columns)
    assert list(table["Nội dung"]) == ["Không có hồ sơ nào trong tháng, dù 3 tháng trước đều có"]
    assert list(table["Kỳ"]) == ["Tháng 10/2025"]
