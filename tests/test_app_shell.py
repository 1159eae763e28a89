"""The app shell in a real browser: the menu on a phone, and the language kept in the link. A real
`cchc serve` on a loopback port and headless Chromium, against a small published warehouse."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_dashboards import ARTIFACTS, published  # noqa: F401  the fixture: 1,235 dossiers, published

pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is installed by ./test")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def server(published, cchc_home):  # noqa: F811
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)],
                               env={**os.environ, "CCHC_HOME": str(cchc_home)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        yield browser
        browser.close()


def opened(tab, address: str, page: str = "overview"):
    """The page, once its run is over (app.py marks it last)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            tab.goto(address, timeout=5000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return shows(tab, page)


def shows(tab, page: str, title: str | None = None):
    """The page's run is over: app.py's mark, said last; a page that stops early (st.stop) cannot
    say it, so its title, with Streamlit's running sign gone, stands in when given."""
    try:
        tab.wait_for_function("""([page, title]) => document.querySelector(`[data-cchc-ready="${page}"]`) || (title
            && document.querySelector('h1')?.innerText === title && !document.querySelector('[data-testid="stStatusWidget"]'))""",
                              arg=[page, title], timeout=60000)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"shell-{page}-not-shown.png"), full_page=True)
        raise
    return tab


COVERED = """([selector, want]) => { const e = document.querySelector(selector), r = e.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !(top && (e.contains(top) || top.contains(e))) === want; }"""


def covered(tab, selector: str, want: bool) -> bool:
    """Whether what the leader sees at the element's centre comes to be something else (the menu
    over it), once the menu's slide is over (within 10 s)."""
    try:
        tab.wait_for_function(COVERED, arg=[selector, want], timeout=10000)
        return want
    except Exception:
        return not want


def test_phone_menu_closes_after_a_page_is_chosen(server, chromium):
    tab = opened(chromium.new_context(**PHONE).new_page(), server)
    assert covered(tab, "h1", False) is False  # the menu starts closed on a phone
    tab.locator('[data-testid="stExpandSidebarButton"]').tap()
    ranking = tab.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Xếp hạng")
    ranking.wait_for(state="visible")
    assert covered(tab, "h1", True) is True  # open, over the page
    tab.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]').filter(has_text="English").wait_for()
    ranking.tap()
    shows(tab, "ranking")
    assert tab.locator("h1").first.inner_text() == "Xếp hạng"
    assert covered(tab, "h1", False) is False  # the page, not the menu


def test_the_language_stays_in_the_link(server, chromium):
    tab = opened(chromium.new_context(viewport={"width": 1440, "height": 900}).new_page(), server)
    assert "lang=" not in tab.url and tab.locator("h1").first.inner_text() == "Tổng quan"  # Vietnamese by default
    tab.locator('[data-testid="stRadioOption"]').filter(has_text="English").click()
    tab.wait_for_url("**lang=en**", timeout=10000)  # said early in the run: the title follows
    expect(tab.locator("h1").first).to_have_text("Overview", timeout=10000)

    tab.reload()
    shows(tab, "overview")
    assert tab.locator("h1").first.inner_text() == "Overview" and "lang=en" in tab.url

    tab.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Data quality").click()
    shows(tab, "quality", "Data quality")
    tab.wait_for_url("**/quality?lang=en", timeout=10000)  # the switch drops the link's parameters; put back
    assert tab.locator("h1").first.inner_text() == "Data quality"

    tab.locator('[data-testid="stRadioOption"]').filter(has_text="Tiếng Việt").click()
    tab.wait_for_function("() => !location.search.includes('lang=')", timeout=10000)
    expect(tab.locator("h1").first).to_have_text("Chất lượng dữ liệu", timeout=10000)


def test_a_link_opens_in_its_language(server, chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    english = opened(context.new_page(), f"{server}/unit?unit=SXD&period=2025-10&lang=en", "unit")
    assert english.locator("h1").first.inner_text() == "Unit"
    alert_link = opened(context.new_page(), f"{server}/unit?unit=SXD&period=2025-10", "unit")  # as the alerts write it
    assert alert_link.locator("h1").first.inner_text() == "Đơn vị" and "lang=" not in alert_link.url
