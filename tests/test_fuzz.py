"""Fuzz at the door: 51 mutated files of every kind, each checked as a refresh would stage it,
in worker processes (a reader that aborts the process cannot hide behind pytest), then a few
mutated inboxes through real refreshes. Nothing may crash, abort or print a traceback, and every
row of every file read must be accounted for.

Bounded: about 150-dossier files, two workers; the mutations are seeded, so a failure names a
mutant that can be made again (tests/fuzz_mutations.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz_mutations import mutants, read_rows, to_csv
from inbox_builder import query

PER_KIND = 51
MONTHLY = {"ho_so": "ho_so_2026-09", "thanh_toan": "thanh_toan_2026-09", "so_hoa": "so_hoa_2026-09"}
REFERENCE = {"don_vi": "don_vi", "danh_muc_tthc": "danh_muc_tthc", "chi_so_bao_cao": "chi_so_bao_cao"}
NAMES = MONTHLY | REFERENCE
CRASH = ("Traceback", "panicked", "RUST_BACKTRACE", "Segmentation fault", "core dumped")

# One worker: checks each mutant with the good files it would be staged with, one report per line.
WORKER = """
import json, sys
from pathlib import Path
from pipelines.validate.check import check_files
for line in sys.stdin:
    job = json.loads(line)
    print(json.dumps({"start": job["id"]}), flush=True)
    reports = check_files([Path(p) for p in job["context"] + [job["path"]]])
    [report] = [r for r in reports if r["file"] == job["path"]]
    print(json.dumps({"id": job["id"], "report": report}, ensure_ascii=False), flush=True)
"""


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A small sample of the bundled generator (plain CSVs) and a filled reported-indicators form."""
    out = tmp_path_factory.mktemp("good")
    subprocess.run([sys.executable, "-m", "pipelines.cli", "sample", "--out", str(out), "--dossiers", "150",
                    "--from", "2026-08", "--plain"], check=True, capture_output=True)
    rows = [["Kỳ", "Mã đơn vị", "Mã chỉ số", "Giá trị", "Ghi chú"]] + [
        [period, "H37", code, value, "tự nhập"] for period in ("2025", "2026")
        for code, value in (("par_index_rank", "12"), ("sipas_rank", "20"))]
    (out / "chi_so_bao_cao.csv").write_bytes(to_csv(rows, _plain())[0])
    return out


def _plain():
    """A random source whose first choices write plain UTF-8 with commas (see to_csv)."""
    import random

    class First(random.Random):
        def choice(self, seq):
            return seq[0]
    return First(0)


def _jobs(good: Path, root: Path) -> tuple[list[dict], dict]:
    jobs, known = [], {}
    reference = [str(good / "don_vi.csv"), str(good / "danh_muc_tthc.csv")]
    for seed, (kind, stem) in enumerate(NAMES.items()):
        rows = read_rows(good / f"{stem}.csv")
        context = [] if kind == "don_vi" else reference if kind != "so_hoa" else reference + [
            str(good / "ho_so_2026-09.csv")]
        context = [p for p in context if Path(p).name != f"{stem}.csv"]
        for n, m in enumerate(mutants(rows, PER_KIND, seed=1000 + seed)):
            path = root / kind / f"{n:02d}" / f"{stem}{m.suffix}"
            path.parent.mkdir(parents=True)
            path.write_bytes(m.data)
            job_id = f"{kind}/{n:02d} {m.name}"
            jobs.append({"id": job_id, "path": str(path), "context": context})
            known[job_id] = m.data_rows
    return jobs, known


def _run_workers(jobs: list[dict], env: dict, workers: int = 2) -> list[tuple[dict, str]]:
    procs = []
    for w in range(workers):
        share = "".join(json.dumps(j) + "\n" for j in jobs[w::workers])
        procs.append((subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True, env=env), share))
    results = []
    for proc, share in procs:
        out, err = proc.communicate(share, timeout=1200)
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        started = [x["start"] for x in lines if "start" in x]
        assert proc.returncode == 0, f"worker died (rc {proc.returncode}) on {started[-1] if started else '?'}:\n{err[-3000:]}"
        assert not any(c in err for c in CRASH), err[-3000:]
        results += [(x["report"], x["id"]) for x in lines if "report" in x]
    return results


def test_mutated_files_never_crash_and_every_row_is_counted(good, tmp_path, cchc_home):
    jobs, known = _jobs(good, tmp_path / "mutants")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    results = _run_workers(jobs, env)
    assert len(results) == len(jobs) == PER_KIND * len(NAMES)
    statuses = {}
    for report, job_id in results:
        statuses.setdefault(report["status"], []).append(job_id)
        if report["status"] == "rejected":  # refused whole: a message in both languages, nothing counted
            assert report["error_vi"] and report["error_en"], job_id
            assert report["error_vi"] != report["error_en"], job_id
            continue
        read = report["rows_read"]
        if report["status"] == "held_back":  # every row held back with the file; none reaches the warehouse
            assert report["error_vi"] and report["rows_accepted"] == 0, job_id
        else:
            assert read == report["rows_accepted"] + report["rows_quarantined"] + report["rows_skipped"], job_id
        if known[job_id]:
            with_content, in_all = known[job_id]
            assert with_content <= read <= in_all, (job_id, report)
    # The mutations reach past the door's first refusal: some files load, some lose rows, some are refused.
    assert {"rejected", "quarantined"} <= statuses.keys(), {k: len(v) for k, v in statuses.items()}
    assert len(statuses.get("rejected", [])) < len(results) / 2, statuses["rejected"]


def test_mutated_inboxes_through_a_real_refresh(good, tmp_path, cchc_home):
    """Three rounds, each replacing one file of every kind with a mutant: the refresh publishes or
    fails with a message, never a traceback; what it published reconciles file by file, and a
    failed round leaves the last published copy as it was."""
    import shutil

    inbox = tmp_path / "inbox"
    shutil.copytree(good, inbox)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    first = subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh", "--inbox", str(inbox)], env=env,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    serving = cchc_home / "warehouse" / "serving.duckdb"
    for round_ in range(3):
        before = query(serving, "SELECT count(*) FROM core.fct_ho_so")
        for seed, (_kind, stem) in enumerate(NAMES.items()):
            m = mutants(read_rows(good / f"{stem}.csv"), 3, seed=7000 + 10 * round_ + seed)[round_]
            for old in inbox.glob(f"{stem}.*"):
                old.unlink()
            (inbox / f"{stem}{m.suffix}").write_bytes(m.data)
        run = subprocess.run([sys.executable, "-m", "pipelines.cli", "refresh", "--inbox", str(inbox)], env=env,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode in (0, 1), (run.returncode, run.stderr[-3000:])
        assert not any(c in run.stdout + run.stderr for c in CRASH), run.stderr[-3000:]
        if run.returncode == 1:
            assert "LÀM MỚI THẤT BẠI" in run.stderr and "REFRESH FAILED" in run.stderr
            assert query(serving, "SELECT count(*) FROM core.fct_ho_so") == before
        unbalanced = query(serving, "SELECT file_name FROM meta.validations WHERE rows_accepted IS NOT NULL "
                                    "AND rows_validated <> rows_accepted + rows_quarantined")
        assert unbalanced == [], unbalanced
