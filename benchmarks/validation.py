"""Benchmark: validate one month of N dossiers (default 1 million) through a real refresh.

    .venv/bin/python -m benchmarks.validation [--dossiers 1000000] [--work DIR]

Generates plain contract CSVs for a single month (2026-10) with the sample generator, refreshes
them in a throw-away CCHC_HOME, and reports what the refresh itself recorded in meta.validations
(seconds per file, rows, expectations) with the total time and peak memory. Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=None, help="working directory (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    os.environ["CCHC_HOME"] = str(work / "home")

    from pipelines.db import read_published
    from pipelines.refresh import refresh
    from sample_data.generator import generate

    inbox = work / "inbox"
    started = time.perf_counter()
    generate(inbox, dossiers=args.dossiers, plain=True, first="2026-10")
    generated = time.perf_counter()
    refresh(inbox)
    refreshed = time.perf_counter()
    with read_published() as con:
        files = con.execute(
            "SELECT file_name, rows_validated, rows_quarantined, rows_with_warnings, expectations_run, seconds "
            "FROM meta.validations ORDER BY seconds DESC").fetchall()
    print(f"generate {args.dossiers:,} dossiers: {generated - started:.1f} s; refresh: {refreshed - generated:.1f} s; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"{'file':<26}{'rows':>11}{'quarantined':>13}{'warnings':>10}{'expectations':>14}{'seconds':>12}")
    for name, rows, bad, warned, expectations, seconds in files:
        print(f"{name:<26}{rows:>11,}{bad:>13,}{warned:>10,}{expectations:>14}{seconds:>12.2f}")


if __name__ == "__main__":
    main()
