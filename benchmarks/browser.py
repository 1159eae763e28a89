"""Benchmark: how long a leader waits for each dashboard page in a real browser.

    .venv/bin/python -m benchmarks.browser --dossiers 200000 [--runs 5]
    .venv/bin/python -m benchmarks.browser --home "$CCHC_HOME"

Starts `cchc serve` on a loopback port against a published CCHC_HOME (with `--dossiers N`, one
built once in `--work`, default /tmp/cchc-browser-N: the sample generator's plain CSVs, as
`cchc bench` makes them, and a refresh), and in headless Chromium measures per page, until the
page's run is over and its elements are on screen (app.py says so last: `data-cchc-ready`):

- first visit: a new browser profile (nothing cached), the link typed in;
- return visit: a new tab and session in a browser that has loaded the app before (its bundle cached);
- page switch: a tap in the menu from another page.

Prints p50 / p95 in seconds, the server's own share (the page script's time) and where a first
visit's time goes, and writes them to benchmarks/results/browser-N.{md,json}. Figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
PAGES = ["overview", "ranking", "unit", "targets", "alerts", "quality", "loaded"]
READY_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def built_home(dossiers: int, work: Path) -> Path:
    """A published home of N dossiers, built once and kept (the CSVs as `cchc bench` makes them)."""
    from benchmarks.refresh import prepare

    home = work / "home"
    if (home / "warehouse" / "serving.duckdb").exists():
        return home
    inbox = prepare(work, dossiers)
    print(f"… refreshing {dossiers:,} dossiers into {home}", flush=True)
    subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh", "--inbox", str(inbox)], cwd=ROOT, check=True,
                   env={**os.environ, "CCHC_HOME": str(home)}, stdout=subprocess.DEVNULL)
    return home


def serve(home: Path, port: int) -> tuple[subprocess.Popen, float]:
    """`cchc serve` as a leader's machine runs it; returns it once it answers, and how long that took."""
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)], cwd=ROOT,
                              env={**os.environ, "CCHC_HOME": str(home)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2):
                return server, time.perf_counter() - started
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("the dashboard server did not start") from None
            time.sleep(0.1)


def url(port: int, page: str) -> str:
    return f"http://localhost:{port}/{'' if page == 'overview' else page}"


def ready(tab, page: str) -> int:
    """Waits until the page's run is over and on screen; the server's share of it, in ms. Checked
    every frame: wait_for_selector polls at 0, 20, 70, 170, 270 ms, then only every 500 ms, which
    reported a page up to half a second late."""
    marker = tab.wait_for_function("(p) => document.querySelector(`[data-cchc-ready='${p}']`)", arg=page,
                                   polling="raf", timeout=READY_TIMEOUT_MS).as_element()
    return int(marker.get_attribute("data-ms"))


def first_visit(browser, port: int, page: str) -> dict:
    """A new profile: the bundle, the websocket, a new session and the page's first run."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = context.new_page()
    opened = {}
    tab.on("websocket", lambda ws: opened.setdefault("ws", time.perf_counter()))
    started = time.perf_counter()
    tab.goto(url(port, page), wait_until="commit")
    server_ms = ready(tab, page)
    seconds = time.perf_counter() - started
    timing = tab.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        const js = performance.getEntriesByType('resource').filter(r => r.initiatorType === 'script' || r.name.endsWith('.js'));
        return {html: n.responseEnd, loaded: n.loadEventEnd, js_files: js.length,
                js_kb: js.reduce((s, r) => s + (r.transferSize || 0), 0) / 1024}; }""")
    context.close()
    return {"seconds": seconds, "server_ms": server_ms, "html_ms": timing["html"], "loaded_ms": timing["loaded"],
            "websocket_ms": (opened.get("ws", started) - started) * 1000, "js_files": timing["js_files"],
            "js_kb": timing["js_kb"]}


def return_visit(context, port: int, page: str) -> dict:
    """A new tab and session in a browser that has the bundle cached."""
    tab = context.new_page()
    started = time.perf_counter()
    tab.goto(url(port, page), wait_until="commit")
    server_ms = ready(tab, page)
    seconds = time.perf_counter() - started
    tab.close()
    return {"seconds": seconds, "server_ms": server_ms}


def switch(tab, page: str) -> dict:
    """A tap on the page in the menu (the tab is on another page): from the tap as the page sees it
    (not Playwright's checks before it) to the frame that shows the page's run over."""
    link = tab.locator('[data-testid="stSidebarNavLink"]').nth(PAGES.index(page))
    tab.evaluate("() => document.addEventListener('click', () => { window.cchcTap = performance.now(); },"
                 " {capture: true, once: true})")
    link.click()
    server_ms = ready(tab, page)
    return {"seconds": tab.evaluate("() => (performance.now() - window.cchcTap) / 1000"), "server_ms": server_ms}


def summary(samples: list[dict]) -> dict:
    seconds = sorted(s["seconds"] for s in samples)
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    found = {"p50": round(statistics.median(seconds), 2), "p95": round(p95, 2),
             "server_ms_p50": round(statistics.median(s["server_ms"] for s in samples))}
    for key in ("html_ms", "loaded_ms", "websocket_ms", "js_kb"):
        if key in samples[0]:
            found[f"{key}_p50"] = round(statistics.median(s[key] for s in samples))
    return found


def measure(home: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server, start_seconds = serve(home, port)
    figures = {"server_start_s": round(start_seconds, 2), "pages": {}}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            figures["very_first_visit"] = first_visit(browser, port, "overview")  # the server's first session
            print(f"server up in {start_seconds:.2f} s; very first visit (overview) "
                  f"{figures['very_first_visit']['seconds']:.2f} s", flush=True)
            cached = browser.new_context(viewport={"width": 1440, "height": 900})
            return_visit(cached, port, "overview")  # caches the bundle
            tab = cached.new_page()
            tab.goto(url(port, "ranking"))
            ready(tab, "ranking")
            print(f"{'page':<10} {'first visit':>16} {'return visit':>16} {'page switch':>16}   (p50 / p95 s; server ms)")
            for page in PAGES:
                first = [first_visit(browser, port, page) for _ in range(runs)]
                again = [return_visit(cached, port, page) for _ in range(runs)]
                switched = []
                for _ in range(runs):
                    other = "ranking" if page == "overview" else "overview"
                    switch(tab, other)
                    switched.append(switch(tab, page))
                figures["pages"][page] = {"first_visit": summary(first), "return_visit": summary(again),
                                          "page_switch": summary(switched)}
                row = figures["pages"][page]
                print(f"{page:<10} " + " ".join(f"{r['p50']:>6.2f} / {r['p95']:>4.2f} {r['server_ms_p50']:>4}"
                                                for r in row.values()), flush=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return figures


def dossier_count(home: Path) -> int:
    import duckdb

    with duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True) as con:
        return con.execute("SELECT count(*) FROM core.fct_ho_so").fetchone()[0]


def write(figures: dict, dossiers: int) -> Path:
    RESULTS.mkdir(exist_ok=True)
    base = RESULTS / f"browser-{dossiers}"
    base.with_suffix(".json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    lines = [f"# Dashboards in a real browser, {dossiers:,} dossiers", "",
             f"{figures['measured_at']}, {figures['machine']}; {figures['runs']} runs each; headless Chromium at "
             "1440 px on loopback. Seconds p50 / p95, until the page's run is over and on screen; in brackets "
             "the page script's own time on the server (p50, ms).", "",
             f"Server up in {figures['server_start_s']} s; the very first visit after it (overview): "
             f"{figures['very_first_visit']['seconds']:.2f} s (script {figures['very_first_visit']['server_ms']} ms).",
             "", "| page | first visit | return visit | page switch |", "|---|---:|---:|---:|"]
    for page, row in figures["pages"].items():
        lines.append(f"| {page} | " + " | ".join(f"{r['p50']:.2f} / {r['p95']:.2f} ({r['server_ms_p50']})"
                                                 for r in row.values()) + " |")
    first = figures["pages"]["overview"]["first_visit"]
    lines += ["", f"A first visit of the overview, p50: the HTML at {first['html_ms_p50']} ms, the bundle "
              f"({first['js_kb_p50']} KB of JavaScript) loaded at {first['loaded_ms_p50']} ms, the websocket opened at "
              f"{first['websocket_ms_p50']} ms."]
    base.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return base


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a published CCHC_HOME (default: build one of --dossiers)")
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--work", type=Path, help="where to build it (default /tmp/cchc-browser-N)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"needs Chromium at {CHROMIUM}")
    home = args.home.resolve() if args.home else built_home(args.dossiers, args.work or Path(f"/tmp/cchc-browser-{args.dossiers}"))
    dossiers = dossier_count(home)
    print(f"{dossiers:,} dossiers in {home}", flush=True)
    figures = {"dossiers": dossiers, "runs": args.runs, "measured_at": dt.datetime.now().isoformat(timespec="minutes"),
               "machine": f"{os.cpu_count()} cores, {platform.machine()}"} | measure(home, args.runs)
    print(f"written to {write(figures, dossiers)}.{{md,json}}")


if __name__ == "__main__":
    main()
