"""The dashboard shell: Streamlit's AppTest for the page logic, and a real headless Chromium
against a running server for what a leader actually sees (screenshots in test-artifacts/)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from inbox_builder import dossier, write_month, write_reference
from pipelines.refresh import refresh

APP = str(Path(__file__).parent.parent / "dashboards" / "app.py")
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"


@pytest.fixture
def published(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(1234)])
    write_month(inbox, "2025-11", [dossier("HS-X", month="2025-11", ma_don_vi="05977", ma_tthc="1.002", kenh="1")])
    refresh(inbox)


def loaded_page():
    return AppTest.from_file(APP, default_timeout=30).run().switch_page("pages/loaded.py").run()


def test_shell_shows_what_was_loaded(published):
    at = loaded_page()
    assert not at.exception and not at.error
    assert at.title[0].value == "Kho chỉ số CCHC tỉnh Lạng Sơn"
    assert [m.value for m in at.metric] == ["2", "1.235", "5"]  # periods, dossiers (vi-VN), units
    assert "2025-10 … 2025-11" in at.caption[0].value


def test_english_switch(published):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio[0].set_value("English").run()
    assert at.title[0].value == "Overview"
    assert at.selectbox(key="period_type.1").value == "Month"
    assert at.selectbox(key="period.month.1").value == "2025-11"
    assert tile(at, "on_time_rate", "Dossiers on time")[0] == "100.00%"  # the commune's one dossier, on time


def test_without_a_published_warehouse_it_says_so():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "cchc refresh" in at.info[0].value


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
    assert at.selectbox(key="period.month.0").value == "2025-11"  # the latest month
    at.selectbox(key="period.month.0").set_value("2025-10").run()
    # 1,234 on time in SXD; the commune's one dossier is in November
    value, delta, status = tile(at, "on_time_rate", "Tỷ lệ hồ sơ giải quyết đúng hạn")
    assert main(["kpis", "--period", "2025-10", "--scope", "province", "--format", "json"]) == 0
    line = next(r for r in json.loads(capsys.readouterr().out) if r["indicator"] == "on_time_rate")
    assert value == f"{line['value']:.2f}%".replace(".", ",") == "100,00%"  # the same number as `cchc kpis`
    assert not delta  # no earlier month: missing, not +0
    assert status.startswith(":green-badge[✔ Đạt]")
    at.selectbox(key="scope.0").set_value("Phường Đông Kinh (05977)").run()
    at.selectbox(key="period.month.0").set_value("2025-11").run()
    value, delta, status = tile(at, "online_dossier_rate_all", "Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ")
    assert value == "0,00%" and not at.exception  # its one dossier came in person
    at.selectbox(key="period_type.0").set_value("Quý").run()
    assert at.selectbox(key="period.quarter.0").value == "2025-Q4"


def test_overview_opens_on_the_unit_and_period_of_a_link(published):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["unit"] = "SXD"
    at.query_params["period"] = "2025-Q4"
    at.run()
    assert at.selectbox(key="scope.0").value == "Sở Xây dựng (SXD)" and at.selectbox(key="period.quarter.0").value == "2025-Q4"
    assert at.selectbox(key="period_type.0").value == "Quý"


def test_ranking_by_composite_and_by_an_indicator(published):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("pages/ranking.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Xếp hạng"
    at.selectbox(key="period.month.0").set_value("2025-10").run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["Hạng", "Đơn vị", "Giá trị", "So với kỳ trước"]
    assert table.iloc[0]["Đơn vị"] == "Sở Xây dựng (SXD)" and table.iloc[0]["Hạng"] == 1  # the only department with dossiers
    at.selectbox(key="rank_by.0").set_value("Tỷ lệ hồ sơ giải quyết đúng hạn").run()
    row = at.dataframe[0].value.iloc[0]
    assert (row["Giá trị"], row["Đánh giá"], row["So với kỳ trước"]) == ("100,00%", "✔ Đạt", "—")
    at.selectbox(key="level.0").set_value("Xã, phường").run()
    at.selectbox(key="period.month.0").set_value("2025-11").run()
    assert list(at.dataframe[0].value["Đơn vị"]) == ["Phường Đông Kinh (05977)"]


def test_targets_page_lists_what_applies_with_quotes(published):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("pages/targets.py").run()
    assert not at.exception and not at.error
    at.selectbox(key="scope.0").set_value("Sở Xây dựng (SXD)").run()
    targets = at.dataframe[0].value
    own = targets[targets["Áp dụng cho"] == "Sở Xây dựng"]  # its own plan, found by name
    assert len(own) == 17 and set(own["Năm"]) == {2025}
    row = own[own["Chỉ số"] == "Tỷ lệ hồ sơ trực tuyến toàn trình"].iloc[0]
    assert row["Chỉ tiêu"] == "> 80" and "55/KH-SXD" in row["Kế hoạch"] and "80%" in row["Trích dẫn"]
    assert "cchc template" in at.info[0].value  # no reported values yet


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is installed by ./test")
def test_shell_in_a_real_browser(published, cchc_home):
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)],
                              env={**os.environ, "CCHC_HOME": str(cchc_home)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            deadline = time.monotonic() + 60
            while True:
                try:
                    page.goto(f"http://localhost:{port}", timeout=5000)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            page.wait_for_selector("text=Tỷ lệ hồ sơ giải quyết đúng hạn", timeout=30000)  # the overview
            page.wait_for_selector("text=Chỉ tiêu > 99%", timeout=30000)
            page.wait_for_timeout(1500)
            assert page.locator('[data-testid="stException"]').count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
            page.goto(f"http://localhost:{port}/ranking", timeout=10000)
            page.wait_for_selector("text=Xếp theo", timeout=30000)
            page.wait_for_timeout(1500)
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / "ranking.png"), full_page=True)
            page.goto(f"http://localhost:{port}/loaded", timeout=10000)
            page.wait_for_selector("text=Kho chỉ số CCHC tỉnh Lạng Sơn", timeout=30000)
            page.wait_for_selector("text=1.235", timeout=30000)
            page.wait_for_selector("text=Số hồ sơ theo tháng tiếp nhận và cấp", timeout=30000)
            page.wait_for_selector("text=Tệp đã nạp theo kỳ", timeout=30000)
            page.wait_for_selector("text=ho_so_2025-10.csv", state="attached", timeout=30000)  # grid cells are canvas-drawn
            page.wait_for_timeout(1500)  # let the chart draw before the screenshot
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "loaded.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
