"""Read the published warehouse: read-only, the copy kept open across queries and sessions, and
opened anew as soon as a refresh has published another."""

from __future__ import annotations

import threading
from contextlib import closing

import duckdb
import pandas as pd

from pipelines.alert.state import open_state
from pipelines.db import attach_read_only
from pipelines.settings import home

_lock = threading.Lock()
_open: dict[tuple, duckdb.DuckDBPyConnection] = {}  # the published copy, by file identity


def published() -> bool:
    return home().serving_db.exists()


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    with closing(_published_copy()) as con:
        con.execute("USE pub")
        return con.execute(sql, params or []).to_arrow_table().to_pandas()


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
        return _open[key].cursor()


def alert_state(sql: str, params: list | None = None) -> pd.DataFrame:
    """The alerts' episodes, events and outbox ($CCHC_HOME/alerts.sqlite, pipelines/alert/state.py)."""
    with closing(open_state()) as con:
        return pd.read_sql_query(sql, con, params=params or [])
