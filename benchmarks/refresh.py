"""`cchc bench --dossiers N`: the refresh at scale, against the baselines a user would reach for.

In a work folder (default /tmp/cchc-bench-N), once: N dossiers with payments and digitized
documents from the sample generator, as plain contract CSVs. Then, each step a separate process
so its peak resident memory is its own:

1. a full refresh into an empty CCHC_HOME (load, validate, model, all indicators, publish, alerts);
2. the same refresh with nothing changed;
3. a re-export of the latest month (1% of its dossiers corrected) on top of the whole history;
4. the limit: on_time_rate for every unit and month in one DuckDB query over the CSV files
   (benchmarks/on_time_rate.sql);
5. what a user would write: the same with pandas (benchmarks/on_time_pandas.py);
6. the dashboard pages leaders open most (overview, ranking, unit), p50 / p95 (benchmarks/dashboards.py).

The two baselines' numbers are compared with the warehouse's cell by cell (unit × month:
numerator and denominator). Prints the figures and writes them to benchmarks/results/.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OURS = """SELECT v.period, v.scope_code AS unit, CAST(v.numerator AS BIGINT) AS numerator,
    CAST(v.denominator AS BIGINT) AS denominator
FROM kpi.values v JOIN kpi.periods p USING (period)
WHERE p.period_type = 'month' AND v.scope = 'unit' AND v.indicator = 'on_time_rate' AND v.denominator > 0"""


def measured(name: str, argv: list[str], env: dict | None = None) -> dict:
    """Runs a step as its own process; its wall time and peak resident memory (ru_maxrss)."""
    print(f"… {name}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{name} failed ({process.returncode}):\n{output[-3000:]}")
    step = {"step": name, "seconds": round(seconds, 1), "peak_gb": round(usage.ru_maxrss / 2**20, 2)}
    print(f"  {step['seconds']:>8.1f} s  {step['peak_gb']:>6.2f} GB", flush=True)
    return step


def prepare(work: Path, dossiers: int) -> Path:
    """The CSVs, generated once per size and kept (10M dossiers take a while to write)."""
    inbox = work / "inbox"
    done = work / "generated.json"
    if done.exists() and json.loads(done.read_text())["dossiers"] == dossiers:
        return inbox
    shutil.rmtree(inbox, ignore_errors=True)
    print(f"… generating {dossiers:,} dossiers into {inbox}", flush=True)
    subprocess.run([sys.executable, "-m", "pipelines.cli", "sample", "--out", str(inbox), "--dossiers", str(dossiers),
                    "--plain"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    done.write_text(json.dumps({"dossiers": dossiers}))
    return inbox


def reexport(inbox: Path) -> str:
    """The latest month exported again with corrections: every 100th dossier updated a minute later,
    its apology letter and channel (online or not) turned over, so every run changes what the
    counts see, however often the kept CSVs were re-exported before."""
    path = max(inbox.glob("ho_so_*.csv"))
    frame = pl.read_csv(path, infer_schema=False)
    stamp = pl.col("Ngày cập nhật").str.to_datetime("%d/%m/%Y %H:%M:%S")
    corrected = pl.int_range(pl.len()) % 100 == 0
    frame = frame.with_columns(
        pl.when(corrected).then((stamp + pl.duration(minutes=1)).dt.strftime("%d/%m/%Y %H:%M:%S"))
        .otherwise(pl.col("Ngày cập nhật")).alias("Ngày cập nhật"),
        pl.when(corrected).then(pl.when(pl.col("Phiếu xin lỗi") == "1").then(pl.lit("0")).otherwise(pl.lit("1")))
        .otherwise(pl.col("Phiếu xin lỗi")).alias("Phiếu xin lỗi"),
        pl.when(corrected).then(pl.when(pl.col("Kênh thực hiện") == "2").then(pl.lit("1")).otherwise(pl.lit("2")))
        .otherwise(pl.col("Kênh thực hiện")).alias("Kênh thực hiện"))
    frame.write_csv(path)
    return path.name


def counted(home: Path) -> dict:
    """What the last refresh's indicators counted (kpi.counting)."""
    con = duckdb.connect(str(home / "warehouse" / "build.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT whole, periods_counted_whole, dossiers_changed, payments_changed "
                          "FROM kpi.counting").fetchone()
    finally:
        con.close()
    return dict(zip(["whole", "periods_counted_whole", "dossiers_changed", "payments_changed"], row))


def agreement(serving: Path, baselines: dict[str, Path]) -> dict:
    """Cell by cell: each baseline's (unit, month) numerator and denominator against ours."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{serving}' AS ours (READ_ONLY)")
    con.execute(f"CREATE TABLE ours AS {OURS.replace('kpi.', 'ours.kpi.')}")
    found = {"cells": con.execute("SELECT count(*) FROM ours").fetchone()[0]}
    for name, path in baselines.items():
        found[name] = dict(zip(("cells", "differ", "only_ours", "only_theirs"), con.execute(
            "SELECT count(*) FILTER (o.unit IS NOT NULL AND t.unit IS NOT NULL), "
            "count(*) FILTER (o.numerator <> t.numerator OR o.denominator <> t.denominator), "
            "count(*) FILTER (t.unit IS NULL), count(*) FILTER (o.unit IS NULL) "
            "FROM ours o FULL JOIN read_csv(?) t USING (period, unit)", [str(path)]).fetchone()))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cchc bench", description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=None, help="work folder (default /tmp/cchc-bench-N)")
    parser.add_argument("--runs", type=int, default=20, help="renders of each dashboard page (p95 of 5 is their slowest)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the figures are written")
    args = parser.parse_args(argv)
    work = (args.work or Path(f"/tmp/cchc-bench-{args.dossiers}")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    inbox = prepare(work, args.dossiers)
    home = work / "home"
    shutil.rmtree(home, ignore_errors=True)
    env = {"CCHC_HOME": str(home)}
    refresh = [sys.executable, "-m", "pipelines.cli", "refresh", "--inbox", str(inbox)]

    steps = [measured("full refresh", refresh, env), measured("nothing changed", refresh, env)]
    steps.append(measured(f"re-export of {reexport(inbox)}", refresh, env))
    steps[-1]["counted"] = counted(home)
    duck_out, pandas_out = work / "limit_duckdb.csv", work / "user_pandas.csv"
    steps.append(measured("limit: one DuckDB query", [sys.executable, "-c", (
        "import duckdb, sys; con = duckdb.connect(); con.execute('SET VARIABLE inbox = ?', [sys.argv[1]]); "
        "con.execute(open('benchmarks/on_time_rate.sql').read()).pl().write_csv(sys.argv[2])"),
        str(inbox), str(duck_out)]))
    steps.append(measured("user: pandas script", [sys.executable, "-m", "benchmarks.on_time_pandas", str(inbox),
                                                   str(pandas_out)]))
    agree = agreement(home / "warehouse" / "serving.duckdb", {"duckdb": duck_out, "pandas": pandas_out})
    pages = subprocess.run([sys.executable, "-m", "benchmarks.dashboards", "--home", str(home), "--runs",
                            str(args.runs), "--pages", "overview", "ranking", "unit"],
                           cwd=ROOT, check=True, capture_output=True, text=True).stdout

    full, limit, user = steps[0]["seconds"], steps[3]["seconds"], steps[4]["seconds"]
    result = {
        "date": dt.date.today().isoformat(), "dossiers": args.dossiers,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, {platform.python_version()}",
        "steps": steps, "ratio_to_limit": round(full / limit, 1), "ratio_to_pandas": round(full / user, 2),
        "agreement": agree, "dashboards": pages,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"refresh-{args.dossiers}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    (args.results / f"refresh-{args.dossiers}.md").write_text(render(result), encoding="utf-8")
    print(render(result))
    return 0


def render(r: dict) -> str:
    lines = [f"## {r['dossiers']:,} dossiers, {r['date']} ({r['machine']})", "",
             "| step | seconds | peak memory |", "|---|---:|---:|"]
    lines += [f"| {s['step']} | {s['seconds']:.1f} | {s['peak_gb']:.2f} GB |" for s in r["steps"]]
    a = r["agreement"]
    lines += [f"\n{s['step']}: {c['dossiers_changed']:,} dossiers and {c['payments_changed']:,} payments changed; "
              f"periods counted whole: {', '.join(c['periods_counted_whole']) or 'none'}."
              for s in r["steps"] if (c := s.get("counted"))]
    lines += ["", f"Full refresh = **{r['ratio_to_limit']}×** the one-query limit and **{r['ratio_to_pandas']}×** "
              "the pandas script (each of which computes one indicator; the refresh computes all of them).", "",
              f"on_time_rate, unit × month, {a['cells']:,} cells: DuckDB limit {a['duckdb']['differ']} differ, "
              f"{a['duckdb']['only_ours'] + a['duckdb']['only_theirs']} missing on one side; pandas "
              f"{a['pandas']['differ']} differ, {a['pandas']['only_ours'] + a['pandas']['only_theirs']} missing.", "",
              "Dashboard pages (AppTest render, ms):", "", "```", r["dashboards"].rstrip(), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
