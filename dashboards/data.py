"""Read the published warehouse: read-only, one connection per query, never held open, so a
refresh can always swap in a new copy."""

from __future__ import annotations

import pandas as pd

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
