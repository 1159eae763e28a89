"""Read the published warehouse: read-only, one connection per query, never held open, so a
refresh can always swap in a new copy."""

from __future__ import annotations

from contextlib import closing

import pandas as pd

from pipelines.alert.state import open_state
from pipelines.db import connect
from pipelines.settings import home


def published() -> bool:
    return home().serving_db.exists()


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    con = connect(home().serving_db, read_only=True)
    try:
        return con.execute(sql, params or []).to_arrow_table().to_pandas()
    finally:
        con.close()


def alert_state(sql: str, params: list | None = None) -> pd.DataFrame:
    """The alerts' episodes, events and outbox ($CCHC_HOME/alerts.sqlite, pipelines/alert/state.py)."""
    with closing(open_state()) as con:
        return pd.read_sql_query(sql, con, params=params or [])
