"""DuckDB connections and the warehouse's SQL files: the only place a connection is made."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipelines.settings import WAREHOUSE_SQL

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


def attach_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A database of its own with the file at `path` attached read-only as `pub`, for a reader
    that keeps it open: duckdb.connect hands back the instance already open for a path, which would
    go on showing a file that a publish has since replaced; an attached file is this instance's
    alone. Its cursors (one per query and thread) share its cache and settings; each must `USE pub`."""
    con = duckdb.connect(":memory:", config=CONNECTION_CONFIG)
    con.execute("SET GLOBAL TimeZone = 'Asia/Ho_Chi_Minh'")  # as configure(), for every cursor
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
        con.rollback()
        raise


def sql_files(layer: str) -> list[Path]:
    return sorted((WAREHOUSE_SQL / layer).glob("*.sql"))


def run_layer(con: duckdb.DuckDBPyConnection, layer: str) -> list[str]:
    """Run a layer's SQL files in name order; returns the names run."""
    names = []
    for f in sql_files(layer):
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
