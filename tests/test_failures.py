"""Failures are recorded and said plainly, a full disk included (the build, the publish, Dagster's
own storage, the failure note itself); temp files of a killed run are removed by the next one; a
dashboard page reads one published copy from its first query to its last.

No room is made for real: a process whose file size limit is lowered (RLIMIT_FSIZE, so writing
past it fails with EFBIG; works anywhere), and, when the tests may mount one (root, as CI runs
them), a small tmpfs filled up (ENOSPC)."""

import errno
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from inbox_builder import dossier, publish_tiny_copy, write_month, write_reference
from streamlit.testing.v1 import AppTest

from pipelines.db import connect, remove_stale_temp_files, transaction
from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import PROJECT_ROOT, home, prepare_dagster_home

APP = str(PROJECT_ROOT / "dashboards" / "app.py")
MB = 1 << 20


def cchc(*args: str, file_size_limit: int | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """`cchc ARGS` as a steward runs it, in this test's CCHC_HOME; with a file size limit if given."""
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limited if file_size_limit else None)


def temp_files() -> list[str]:
    """What the product leaves in the warehouse directory besides its files: temp files, spill."""
    warehouse = home().build_db.parent
    spill = home().build_db.with_name("build.duckdb.tmp")
    return sorted([p.name for p in warehouse.glob(".*.tmp*")] + [p.name for p in spill.glob("*")])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def said_plainly(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "LÀM MỚI THẤT BẠI" in stderr and "REFRESH FAILED" in stderr, stderr
    assert stderr.index("LÀM MỚI THẤT BẠI") < stderr.index("REFRESH FAILED")


# --- A file size limit (EFBIG): the build step, the publish step -------------------------------

def test_a_build_that_runs_out_of_room_fails_plainly_and_is_recorded(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(5000)])
    run = cchc("refresh", "--inbox", str(inbox), file_size_limit=1 * MB)  # Dagster's files stay under 0.3 MB
    assert run.returncode == 1
    said_plainly(run.stderr)
    build = home().build_db
    assert f"Hết chỗ ghi: {build}" in run.stderr and f"No room to write: {build}" in run.stderr  # the build itself
    assert "còn trống" in run.stderr and " free on filesystem " in run.stderr
    note = json.loads(home().last_failure.read_text(encoding="utf-8"))
    assert f"No room to write: {build}" in note["message"]
    assert not home().serving_db.exists() and temp_files() == []


def test_a_publish_that_runs_out_of_room_fails_plainly_and_leaves_nothing_behind(inbox):
    """A small inbox stays in the build's log (under 1 MB) until the run ends; the new copy is
    made whole (8 MB or more): its writing is what fails."""
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(50)])
    run = cchc("refresh", "--inbox", str(inbox), file_size_limit=2 * MB)
    assert run.returncode == 1
    said_plainly(run.stderr)
    assert f"Hết chỗ ghi: {home().build_db.parent}/.serving.duckdb." in run.stderr  # the new copy being written
    assert "No room to write" in run.stderr
    assert "No room to write" in json.loads(home().last_failure.read_text(encoding="utf-8"))["message"]
    assert not home().serving_db.exists() and temp_files() == []
    refresh(inbox)  # without the limit, the next refresh publishes
    assert connect(home().serving_db, read_only=True).execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (50,)


# --- A disk that is really full (ENOSPC): a tmpfs, when this machine lets the tests mount one ----

@pytest.fixture
def small_disk(tmp_path):
    """Mounts a tmpfs of `size` at `path`: a filesystem of its own to fill up."""
    mounted: list[Path] = []

    def mount(path: Path, size: str) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                  capture_output=True, text=True)
        except FileNotFoundError:
            pytest.skip("no `mount` command here: a full disk needs a filesystem of its own")
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}): a full disk needs a filesystem of its "
                        "own (the tests run as root in CI)")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path, leave: int = 0) -> None:
    """Writes a file until `leave` bytes are free on `disk` (0: until the disk refuses)."""
    with open(disk / "filler", "ab") as f:
        while (free := shutil.disk_usage(disk).free) > leave:
            try:
                f.write(b"\0" * min(max(free - leave, 4096), 4 * MB))
                f.flush()
            except OSError as e:
                assert e.errno == errno.ENOSPC
                break


def test_dagster_storage_full_is_said_plainly_and_recorded(inbox, cchc_home, small_disk):
    """Dagster keeps its runs in SQLite under $CCHC_HOME/dagster; full, it raised SQLAlchemy's
    traceback and no failure was noted."""
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    dagster = small_disk(cchc_home / "dagster", "256k")
    prepare_dagster_home()  # its settings written: what fills up is its storage
    fill(dagster)
    run = cchc("refresh", "--inbox", str(inbox))
    assert run.returncode == 1
    said_plainly(run.stderr)
    assert f"Đĩa đã đầy: không ghi được một tệp trong {dagster} (hệ thống tệp {dagster}, còn trống" in run.stderr
    assert f"The disk is full: could not write a file in {dagster}" in run.stderr
    assert "The disk is full" in json.loads(home().last_failure.read_text(encoding="utf-8"))["message"]


def published_then_a_new_month(inbox):
    """October published (50 dossiers), November's 50 waiting in the inbox: the published copy
    and its digest, to compare after a refresh that must not replace it."""
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(50)])
    refresh(inbox)
    serving = home().serving_db
    before = digest(serving)
    write_month(inbox, "2025-11", [dossier(f"HS-N{i}", month="2025-11") for i in range(50)])
    return serving, before


def test_a_full_disk_keeps_the_published_copy_and_the_next_refresh_recovers(tmp_path, inbox, monkeypatch, small_disk):
    disk = small_disk(tmp_path / "disk", "64m")
    monkeypatch.setenv("CCHC_HOME", str(disk / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(disk / "home" / "dagster"))
    serving, before = published_then_a_new_month(inbox)

    fill(disk, leave=serving.stat().st_size // 2)  # room for the build's log, not for a new copy
    run = cchc("refresh", "--inbox", str(inbox))
    assert run.returncode == 1
    said_plainly(run.stderr)
    assert "Đĩa đã đầy: không ghi được" in run.stderr and "The disk is full: could not write" in run.stderr, run.stderr
    assert f"(filesystem {disk}, " in run.stderr
    assert digest(serving) == before and temp_files() == []
    assert "The disk is full" in json.loads(home().last_failure.read_text(encoding="utf-8"))["message"]

    fill(disk)  # not a byte left: not even the failure can be noted, and that is said too
    run = cchc("refresh", "--inbox", str(inbox))
    assert run.returncode == 1
    said_plainly(run.stderr)
    assert f"(filesystem {disk}, 0 B free)" in run.stderr
    assert "this failure could not be recorded either" in run.stderr
    assert digest(serving) == before

    (disk / "filler").unlink()
    refresh(inbox)
    assert connect(serving, read_only=True).execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (100,)
    assert temp_files() == []


def test_a_failure_note_that_cannot_be_written_is_said(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    (inbox / "ho_so_2025-11.csv").write_bytes(b"")  # fails the refresh
    home().last_failure.mkdir(parents=True)  # and the note cannot take its place
    with pytest.raises(RefreshFailed) as failed:
        refresh(inbox)
    assert "rỗng" in str(failed.value)  # why the refresh failed, as ever
    assert "this failure could not be recorded either" in str(failed.value)
    assert str(home().last_failure) in str(failed.value)


def test_a_failed_commit_says_why_it_failed():
    """A commit that fails has rolled back already: the rollback's own error ("no transaction is
    active") used to hide why, a full disk included."""
    db = duckdb.connect(":memory:")
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    other = db.cursor()
    other.begin()
    other.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(duckdb.TransactionException, match="Failed to commit: PRIMARY KEY"):
        with transaction(db):
            db.execute("INSERT INTO t VALUES (1)")
            other.commit()  # first: this transaction's commit finds the key taken


# --- Temp files of a killed run --------------------------------------------------------------

PAUSED_PUBLISH = """
import os, sys, time
from pathlib import Path

import pipelines.publish as publish

copy = publish._attach_last_copy

def paused(con, serving_db, tmp):
    patching = copy(con, serving_db, tmp)
    Path(os.environ["PUBLISHING"]).write_text(str(tmp))
    time.sleep(600)
    return patching

publish._attach_last_copy = paused
from pipelines.cli import main
sys.exit(main(["refresh", "--inbox", sys.argv[1]]))
"""


def test_a_killed_publish_leaves_a_copy_the_next_refresh_removes(inbox, tmp_path):
    serving, before = published_then_a_new_month(inbox)

    signal_file = tmp_path / "publishing"
    with open(tmp_path / "stderr", "w") as stderr:  # what it said, should it never get there
        killed = subprocess.Popen([sys.executable, "-c", PAUSED_PUBLISH, str(inbox)], cwd=PROJECT_ROOT,
                                  env={**os.environ, "PUBLISHING": str(signal_file)},
                                  stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 600
    while not signal_file.exists() and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert signal_file.exists(), (tmp_path / "stderr").read_text()[-3000:]
    copy = Path(signal_file.read_text())
    assert copy == serving.with_name(f".serving.duckdb.{killed.pid}.tmp")
    assert copy.stat().st_size == serving.stat().st_size  # the last copy, copied whole to be patched
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert copy.exists() and digest(serving) == before

    # What else a killed process leaves: the build's spill files, a dashboard's spill directory.
    spill = home().build_db.with_name("build.duckdb.tmp")
    spill.mkdir(exist_ok=True)
    (spill / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"\0" * 4096)
    reader = serving.with_name(f".serving.duckdb-reader-0a1b2c3d.{killed.pid}.tmp")
    reader.mkdir()
    (reader / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"\0" * 4096)
    alive = subprocess.Popen(["sleep", "600"])
    try:
        live = serving.with_name(f".serving.duckdb.{alive.pid}.tmp")  # a publish still running: left alone
        live.write_bytes(b"\0")
        outcome = refresh(inbox)
        assert outcome.changed_periods == ["2025-11"]
        assert temp_files() == [live.name]
    finally:
        alive.kill()
        alive.wait()
    assert connect(serving, read_only=True).execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (100,)


def test_temp_files_are_removed_only_when_their_process_is_gone(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    alive = subprocess.Popen(["sleep", "600"])
    try:
        time.sleep(0.1)
        names = {
            "dead": f".serving.duckdb.{dead.pid}.tmp",
            "dead_wal": f".serving.duckdb.{dead.pid}.tmp.wal",
            "dead_note": f".last_failure.json.{dead.pid}.tmp",
            "alive": f".serving.duckdb.{alive.pid}.tmp",
            "mine": f".serving.duckdb.{os.getpid()}.tmp",
            "reused": f".last_failure.json.{alive.pid}.tmp",  # written before that process started
            "not_ours": "serving.duckdb",
        }
        for name in names.values():
            (tmp_path / name).write_bytes(b"\0")
        long_ago = time.time() - 3600
        os.utime(tmp_path / names["reused"], (long_ago, long_ago))
        removed = remove_stale_temp_files(tmp_path)
        assert sorted(p.name for p in removed) == sorted(names[k] for k in ("dead", "dead_wal", "dead_note", "reused"))
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[k] for k in ("alive", "mine", "not_ours"))
    finally:
        alive.kill()
        alive.wait()


# --- One page, one published copy ------------------------------------------------------------

def test_a_page_run_reads_one_published_copy(cchc_home):
    from dashboards.data import one_copy, query

    serving = home().serving_db
    serving.parent.mkdir(parents=True, exist_ok=True)

    def publish(n: int) -> None:
        publish_tiny_copy(serving, n)

    publish(1)
    with one_copy():
        assert query("SELECT n FROM meta.t")["n"].tolist() == [1]
        publish(2)  # lands between two queries of one page run
        assert query("SELECT n FROM meta.t")["n"].tolist() == [1]
    with one_copy():  # the next run
        assert query("SELECT n FROM meta.t")["n"].tolist() == [2]
    assert query("SELECT n FROM meta.t")["n"].tolist() == [2]  # outside a run: the newest, as before


def test_a_publish_during_a_page_does_not_mix_two_copies_on_it(inbox, monkeypatch):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(30)])
    refresh(inbox)
    serving = home().serving_db
    smaller = serving.with_name("next.duckdb")
    shutil.copyfile(serving, smaller)
    con = duckdb.connect(str(smaller))
    con.execute("DELETE FROM core.fct_ho_so WHERE ma_ho_so <> 'HS-0'")
    con.close()

    at = AppTest.from_file(APP, default_timeout=60).run()
    from dashboards import data

    unpatched = data.query

    def publishing(sql, params=None):
        frame = unpatched(sql, params)
        if smaller.exists():  # a refresh publishes right after the page's first query
            os.replace(smaller, serving)
        return frame

    monkeypatch.setattr(data, "query", publishing)
    at.switch_page("views/loaded.py").run()
    assert not at.exception
    assert not smaller.exists()  # published during the run
    assert [m.value for m in at.metric][1] == "30"  # the copy the page began with, to its end
    at.run()
    assert [m.value for m in at.metric][1] == "1"  # the next run reads the new one


def test_a_dashboard_spills_next_to_the_copy_in_a_directory_the_next_refresh_can_remove(cchc_home):
    """An in-memory database spills into ./.tmp of wherever the server was started, shared by
    every instance there and never removed after a kill; the dashboards' goes next to the copy,
    one directory per instance, named with the process id."""
    from pipelines.db import attach_read_only

    serving = home().serving_db
    serving.parent.mkdir(parents=True)
    duckdb.connect(str(serving)).close()
    first, second = attach_read_only(serving), attach_read_only(serving)
    spills = [Path(c.execute("SELECT current_setting('temp_directory')").fetchone()[0]) for c in (first, second)]
    assert spills[0] != spills[1]
    for spill in spills:
        assert spill.parent == serving.parent
        assert spill.name.startswith(".serving.duckdb-reader-") and spill.name.endswith(f".{os.getpid()}.tmp")
