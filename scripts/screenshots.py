"""Full-page screenshots of every dashboard page, wide and on a phone, in Vietnamese and English.

    .venv/bin/python scripts/screenshots.py [--home "$CCHC_HOME"] [--out test-artifacts/screenshots]

Starts `cchc serve` on a loopback port against a published CCHC_HOME and saves, with headless
Chromium, `page-width-lang.png` for every page at 1440 px and 390 px (a touch phone), in `vi` and
`en`: what to look at before a leader does.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.browser import CHROMIUM, PAGES, free_port, ready, serve, url  # noqa: E402

WIDTHS = {1440: {"viewport": {"width": 1440, "height": 900}},
          390: {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}}


def whole_page(tab, viewport: dict) -> None:
    """Streamlit scrolls inside its own container, so a "full page" screenshot is the window: make
    the window as tall as the page's content first (charts are drawn at the new size)."""
    height = tab.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
                          "[data-testid=\"stAppViewContainer\"], section.main')].map(e => e.scrollHeight))")
    tab.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], min(int(height) + 50, 16000))})
    tab.wait_for_timeout(800)


def shoot(home: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server, _ = serve(home, port)
    saved = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for width, device in WIDTHS.items():
                for lang in ("vi", "en"):
                    tab = browser.new_context(**device).new_page()
                    for page in PAGES:
                        tab.goto(url(port, page) + ("?lang=en" if lang == "en" else ""))
                        ready(tab, page)
                        tab.wait_for_timeout(1500)  # charts draw after the run
                        saved.append(out / f"{page}-{width}-{lang}.png")
                        whole_page(tab, device["viewport"])
                        tab.screenshot(path=str(saved[-1]), full_page=True)
                        tab.set_viewport_size(device["viewport"])
                    tab.context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return saved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ.get("CCHC_HOME") or ROOT / "data"))
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "screenshots")
    args = parser.parse_args(argv)
    for path in shoot(args.home.resolve(), args.out):
        print(path)


if __name__ == "__main__":
    main()
