"""Benchmark: how long each dashboard page takes to render on a published warehouse.

    .venv/bin/python -m benchmarks.dashboards [--home DIR] [--runs 7]

Renders every page with Streamlit's AppTest (the page's whole script: its queries, shaping and
elements, without a browser) for the province and for the unit with the most dossiers, in the
latest month and the latest year, `--runs` times each after one warm-up, and prints p50 and p95.
Figures, not a test. `--home` is a CCHC_HOME that `cchc refresh` has published (default: the
current one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

APP = str(Path(__file__).resolve().parent.parent / "dashboards" / "app.py")
PAGES = ["overview", "ranking", "unit", "targets", "quality", "loaded"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", nargs="+", default=PAGES, choices=PAGES)
    args = parser.parse_args(argv)
    if args.home:
        os.environ["CCHC_HOME"] = str(args.home.resolve())

    from streamlit.testing.v1 import AppTest

    from dashboards.data import query

    dossiers = query("SELECT count(*) AS n FROM core.fct_ho_so")["n"].iloc[0]
    month, year = query("SELECT max(period) FILTER (period_type = 'month') AS m, "
                        "max(period) FILTER (period_type = 'year') AS y FROM kpi.periods").iloc[0]
    busiest = query("SELECT ma_don_vi FROM core.fct_ho_so GROUP BY ALL ORDER BY count(*) DESC LIMIT 1")["ma_don_vi"].iloc[0]
    print(f"{dossiers:,} dossiers; unit {busiest}; periods {month} and {year}; {args.runs} runs each after a warm-up")
    print(f"{'page':<10} {'scope':<10} {'period':<8} {'p50 ms':>8} {'p95 ms':>8}")
    for page in args.pages:
        for scope in ("province", busiest):
            for period in (month, year):
                times = []
                for run in range(args.runs + 1):
                    at = AppTest.from_file(APP, default_timeout=120)
                    kind = "month" if period == month else "year"
                    at.session_state["scope"], at.session_state["period_type"] = scope, kind  # as widgets.choose keeps them
                    at.session_state[f"period.{kind}"] = period
                    at.run()
                    started = time.perf_counter()
                    at.switch_page(f"views/{page}.py").run()
                    if at.exception:
                        raise SystemExit(f"{page}: {at.exception[0].message}")
                    if run:
                        times.append((time.perf_counter() - started) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(f"{page:<10} {scope:<10} {period:<8} {statistics.median(times):>8.0f} {p95:>8.0f}")


if __name__ == "__main__":
    main()
