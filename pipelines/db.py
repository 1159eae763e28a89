"""DuckDB connections and the warehouse's SQL files: the only place a connection is made."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.model import incremental
from pipelines.settings import WAREHOUSE_SQL, home

PUBLISHED_SCHEMAS = ("core", "kpi", "marts", "meta")
# Fact tables read by no page, alert or `cchc explain` (kpi.dossiers carries the documents' flags,
# kpi.payments the successful payments): copying core.fct_so_hoa was a fifth of the publish.
NOT_PUBLISHED = ("core.fct_so_hoa", "core.fct_thanh_toan")
# The large published tables kept from one refresh to the next: a publish patches their changed
# rows, which core and the indicators name in staging.unpublished.
PATCHED = ("core.fct_ho_so", "kpi.counts", "kpi.dossiers", "kpi.late_dossiers", "kpi.payments")


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Offline by construction (a missing extension fails fast), in Vietnam's local time."""
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return configure(duckdb.connect(str(path), read_only=read_only, config=CONNECTION_CONFIG))


# The same for every connection, Dagster's included (DuckDBResource names itself as the user agent
# unless told): a file open in this process can only be opened again with the same settings.
CONNECTION_CONFIG = {"autoinstall_known_extensions": False, "custom_user_agent": "cchc"}


def read_published() -> duckdb.DuckDBPyConnection:
    """The published copy, read-only, for a command that reads it once: `with read_published() as
    con:` closes it after. (The dashboards keep theirs open: dashboards/data.py.)"""
    return connect(home().serving_db, read_only=True)


def attach_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A database of its own with the file at `path` attached read-only as `pub`, for a reader
    that keeps it open: duckdb.connect hands back the instance already open for a path, which would
    go on showing a file that a publish has since replaced; an attached file is this instance's
    alone. Its cursors (one per query and thread) share its cache and settings; each must `USE pub`."""
    con = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
    con.execute("SET GLOBAL TimeZone = 'Asia/Ho_Chi_Minh'")  # as configure(), for every cursor
    # Spilled next to the copy, in a directory of this instance's own (an in-memory database spills
    # into ./.tmp of whatever directory the server was started in, shared by every instance there),
    # named with the process id: should the process be killed, the next refresh removes it.
    spill = temp_path(path.with_name(f"{path.name}-reader-{uuid.uuid4().hex[:8]}"))
    con.execute(f"SET GLOBAL temp_directory = {quote_path(spill)}")
    con.execute(f"ATTACH {quote_path(path)} AS pub (READ_ONLY)")
    return con


def configure(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Session settings every connection needs, including those Dagster's resource opens."""
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All or nothing: a failure rolls back, so no layer is ever left half-written."""
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        try:
            con.rollback()
        except duckdb.Error:  # a failed commit (no space left) has rolled back already: say why it failed
            pass
        raise


def sql_files(layer: str) -> list[Path]:
    return sorted((WAREHOUSE_SQL / layer).glob("*.sql"))


def run_layer(con: duckdb.DuckDBPyConnection, layer: str) -> list[str]:
    """Run a layer's SQL files in name order, an incremental model by its pattern
    (pipelines/model/incremental.py); returns the names run."""
    names = []
    for f in sql_files(layer):
        if m := incremental.model(f):
            incremental.build(con, m)
        else:
            con.execute(f.read_text(encoding="utf-8"))
        names.append(f.stem)
    return names


def model_version() -> str:
    """Changes whenever the contract, any SQL file that builds the warehouse or seed changes: then
    the build file is rebuilt. (The alert rules read the warehouse; they build nothing in it.)"""
    h = hashlib.sha256()
    contract = Path(__file__).with_name("contract.py")
    builds = [f for f in sorted(WAREHOUSE_SQL.rglob("*.sql")) if f.parent.name != "alerts"]
    for f in [contract, *builds, *sorted(WAREHOUSE_SQL.rglob("*.csv"))]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


# The product's temp files: `.NAME.PID.tmp` (a file, its `.wal`, or a directory), next to what they
# become, named with the process that writes them.
_TEMP_NAME = re.compile(r"^\.(?P<what>.+)\.(?P<pid>\d+)\.tmp(?:\.wal)?$")


def temp_path(path: Path) -> Path:
    """Where this process writes what will become `path` (or its scratch space)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def remove_stale_temp_files(directory: Path) -> list[Path]:
    """Remove the temp files in `directory` whose process is gone: a killed publish leaves one as
    large as the serving copy, and nothing else would ever remove it. One of a live process stays;
    a process id since taken by a process started after the file was last written is not its owner."""
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for p in directory.iterdir():
        m = _TEMP_NAME.match(p.name)
        if not m or int(m["pid"]) == os.getpid():
            continue
        try:
            written = p.lstat().st_mtime
        except FileNotFoundError:
            continue
        started = _started(int(m["pid"]))
        if started is not None and started <= written + 2:  # its owner runs (2 s: /proc's boot time is whole seconds)
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _started(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch); None when it does not run (a zombie,
    killed and not yet reaped, does not). Without /proc, 0 for any process that exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        if fields[0] in ("Z", "X"):
            return None
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return 0.0
