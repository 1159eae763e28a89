"""Read the published warehouse: read-only, the copy kept open across queries and sessions, and
opened anew as soon as a refresh has published another; one page run reads one copy."""

from __future__ import annotations

import functools
import threading
from contextlib import closing, contextmanager
from contextvars import ContextVar

import duckdb
import pandas as pd

from pipelines.alert.state import open_state
from pipelines.db import attach_read_only, model_version
from pipelines.settings import home

_lock = threading.Lock()
_open: dict[tuple, duckdb.DuckDBPyConnection] = {}  # the published copy, by file identity


def published() -> bool:
    return home().serving_db.exists()


@functools.cache
def _model_of_this_code() -> str:
    return model_version()


def built_by_other_code() -> bool:
    """The published copy was built by another version of the SQL (an upgrade not yet followed by
    a refresh): its tables may lack what the pages read, so the pages say so first."""
    try:
        return query("SELECT max(version) AS v FROM meta.model")["v"].iloc[0] != _model_of_this_code()
    except duckdb.CatalogException:  # older still: no meta.model at all
        return True


_run: ContextVar[dict | None] = ContextVar("published_copy_of_this_run", default=None)


@contextmanager
def one_copy():
    """Every query inside reads the copy the first one found: a publish landing between two
    queries of a page would otherwise put two refreshes' numbers on one page (a tile and its
    trend, a count and its rows). The copy stays readable after the rename (its file stays
    open); the next run reads the newest. app.py wraps each script run in it."""
    pinned: dict = {}
    token = _run.set(pinned)
    try:
        yield
    finally:
        _run.reset(token)
        if "cursor" in pinned:
            pinned["cursor"].close()


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    pinned = _run.get()
    if pinned is None:  # outside a page run (a command, a benchmark): the newest copy at every query
        with closing(_published_copy()) as con:
            con.execute("USE pub")
            return con.execute(sql, params or []).to_arrow_table().to_pandas()
    if "cursor" not in pinned:
        pinned["cursor"] = _published_copy()
        pinned["cursor"].execute("USE pub")
    return pinned["cursor"].execute(sql, params or []).to_arrow_table().to_pandas()


def last_refreshed() -> pd.Timestamp:
    """When the published numbers were made: the last refresh that succeeded (every page says it;
    NaT before any)."""
    return query("SELECT max(finished_at) AS at FROM marts.refreshes WHERE status = 'succeeded'")["at"].iloc[0]


def _published_copy() -> duckdb.DuckDBPyConnection:
    """A cursor on the copy published now. Opening the file for every query cost 15–20 ms each,
    and a cold cache (a third of the unit page at 10 million dossiers). A publish renames a new
    file over the old one, so every query compares the file's identity (path, inode, mtime) with
    the one open: the old copy is never read once it has been replaced (queries already running
    on it finish), and while it is open no new file can take its inode."""
    path = home().serving_db
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_mtime_ns)
    with _lock:
        if key not in _open:
            _open.clear()  # not closed: queries running on its cursors finish, and it closes with the last
            _open[key] = attach_read_only(path)
            if _warming:
                threading.Thread(target=_read_through, args=(_open[key].cursor(),), daemon=True).start()
        return _open[key].cursor()


_warming = False  # set by warm(): only the server reads a new copy through, not a command or a test
WARM_ROWS = 2_000_000  # tables above this (the late dossiers at scale) are left to the pages that read them


def _read_through(cursor: duckdb.DuckDBPyConnection) -> None:
    """Reads every column of the copy's smaller tables once, so the first leader after a server
    start or a publish does not pay DuckDB's cold cache; in a thread, beside the pages' queries."""
    with closing(cursor):
        tables = cursor.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'pub' "
                                "AND estimated_size <= ? ORDER BY schema_name = 'marts' DESC, schema_name = 'kpi' DESC",
                                [WARM_ROWS]).fetchall()
        for schema, table in tables:
            try:
                cursor.execute(f'SELECT min(COLUMNS(*)) FROM pub."{schema}"."{table}"').fetchall()
            except duckdb.Error:
                pass  # a column min() cannot read is left cold


def warm() -> None:
    """Opens the published copy (and reads it through, above) before anyone asks: `cchc serve`
    calls it as the server starts."""
    global _warming
    _warming = True
    if published():
        _published_copy().close()


def alert_state(sql: str, params: list | None = None) -> pd.DataFrame:
    """The alerts' episodes, events and outbox ($CCHC_HOME/alerts.sqlite, pipelines/alert/state.py)."""
    with closing(open_state()) as con:
        return pd.read_sql_query(sql, con, params=params or [])
