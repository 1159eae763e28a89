"""Build core (dimensions, deduplicated facts) and marts from staging, each in one transaction."""

from __future__ import annotations

import duckdb

from pipelines.db import run_layer
from pipelines.model.calendar import calendar_days


def build_core(con: duckdb.DuckDBPyConnection) -> list[str]:
    days = calendar_days().to_arrow()
    con.begin()
    try:
        con.execute("CREATE OR REPLACE TABLE staging.calendar_days AS SELECT * FROM days")
        names = run_layer(con, "core")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return names


def build_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    con.begin()
    try:
        names = run_layer(con, "marts")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return names
