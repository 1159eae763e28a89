"""Build core (dimensions, deduplicated facts) and marts from staging, each in one transaction."""

from __future__ import annotations

import duckdb

from pipelines.db import run_layer, transaction
from pipelines.model.calendar import calendar_days


def build_core(con: duckdb.DuckDBPyConnection) -> list[str]:
    days = calendar_days().to_arrow()
    with transaction(con):
        con.execute("CREATE OR REPLACE TABLE staging.calendar_days AS SELECT * FROM days")
        return run_layer(con, "core")


def build_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    with transaction(con):
        return run_layer(con, "marts")
