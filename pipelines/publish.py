"""Publish: copy what the dashboards read (core, marts, meta) into a new file and swap it in
with one atomic rename. Readers of the old copy keep their open file; a failed publish leaves
the last good copy in place."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.db import PUBLISHED_SCHEMAS, quote_path


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
                "WHERE database_name = current_database() AND list_contains(?, schema_name) ORDER BY ALL",
                [list(PUBLISHED_SCHEMAS)],
            ).fetchall()
            for schema in PUBLISHED_SCHEMAS:
                con.execute(f"CREATE SCHEMA pub.{schema}")
            for schema, table in tables:
                con.execute(f"CREATE TABLE pub.{schema}.{table} AS SELECT * FROM {schema}.{table}")
                counts[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM pub.{schema}.{table}").fetchone()[0]
            _copy_views(con)
        finally:
            con.execute("DETACH pub")
        os.replace(tmp, serving_db)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts


def _copy_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views over published tables (kpi.dossier_periods, which `cchc explain` lists), recreated
    in the copy in creation order, so they read the copy's own tables."""
    build = con.execute("SELECT current_database()").fetchone()[0]
    views = con.execute(
        "SELECT sql FROM duckdb_views() WHERE database_name = ? AND NOT internal AND list_contains(?, schema_name) "
        "ORDER BY view_oid", [build, list(PUBLISHED_SCHEMAS)]).fetchall()
    con.execute("USE pub")
    try:
        for (sql,) in views:
            con.execute(sql)
    finally:
        con.execute(f'USE "{build}"')
