"""Build core (dimensions, deduplicated facts) and marts from staging, each in one transaction."""

from __future__ import annotations

import duckdb

from pipelines.db import run_layer, transaction


def build_core(con: duckdb.DuckDBPyConnection) -> list[str]:
    with transaction(con):
        return run_layer(con, "core")


def build_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    with transaction(con):
        return run_layer(con, "marts")
