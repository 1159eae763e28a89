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


def test_shell_shows_what_was_loaded(published):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Kho chỉ số CCHC tỉnh Lạng Sơn"
    assert [m.value for m in at.metric] == ["2", "1.235", "5"]  # periods, dossiers (vi-VN), units
    assert "2025-10 … 2025-11" in at.caption[0].value


def test_english_switch(published):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio[0].set_value("English").run()
    assert at.title[0].value == "Lạng Sơn CCHC KPI warehouse"
    assert [m.value for m in at.metric] == ["2", "1,235", "5"]


def test_without_a_published_warehouse_it_says_so():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "cchc refresh" in at.info[0].value


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
