"""Publish: copy what the dashboards read (core, kpi, marts, meta, less db.NOT_PUBLISHED) into a
new file and swap it in with one atomic rename. Readers of the old copy keep their open file; a
failed publish leaves the last good copy in place."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from pipelines.db import NOT_PUBLISHED, PUBLISHED_SCHEMAS, quote_path


def publish(con: duckdb.DuckDBPyConnection, serving_db: Path) -> dict[str, int]:
    """Returns the row count of every published table."""
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving_db.with_name(f".{serving_db.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        con.execute(f"ATTACH {quote_path(tmp)} AS pub")
        try:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE database_name = current_database() AND list_contains(?, schema_name) "
                "AND NOT list_contains(?, schema_name || '.' || table_name) ORDER BY ALL",
                [list(PUBLISHED_SCHEMAS), list(NOT_PUBLISHED)],
            ).fetchall()
            for schema in PUBLISHED_SCHEMAS:
                con.execute(f"CREATE SCHEMA pub.{schema}")
            for schema, table in tables:
                con.execute(f"CREATE TABLE pub.{schema}.{table} AS SELECT * FROM {schema}.{table}")
                counts[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM pub.{schema}.{table}").fetchone()[0]
            _copy_definitions(con)
        finally:
            con.execute("DETACH pub")
        os.replace(tmp, serving_db)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts


def _copy_definitions(con: duckdb.DuckDBPyConnection) -> None:
    """The views over published tables (kpi.breakdown, kpi.dossier_periods, …) and the macros they
    call (rate, dossier_periods_of), recreated in the copy in creation order, so they read the
    copy's own tables."""
    build = con.execute("SELECT current_database()").fetchone()[0]
    macros = con.execute(
        "SELECT function_name, parameters, macro_definition, function_type FROM duckdb_functions() "
        "WHERE database_name = ? AND function_type IN ('macro', 'table_macro') AND NOT internal ORDER BY function_oid",
        [build]).fetchall()
    views = con.execute(
        "SELECT sql FROM duckdb_views() WHERE database_name = ? AND NOT internal AND list_contains(?, schema_name) "
        "ORDER BY view_oid", [build, list(PUBLISHED_SCHEMAS)]).fetchall()
    called = [m for m in macros if any(re.search(rf"\b{re.escape(m[0])}\(", sql) for (sql,) in views)]
    con.execute("USE pub")
    try:
        for name, parameters, definition, kind in called:
            table = "TABLE " if kind == "table_macro" else ""
            con.execute(f"CREATE MACRO {name}({', '.join(parameters)}) AS {table}{definition}")
        for (sql,) in views:
            con.execute(sql)
    finally:
        con.execute(f'USE "{build}"')
