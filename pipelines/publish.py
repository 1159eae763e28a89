"""Publish: what the dashboards read (core, kpi, marts, meta, less db.NOT_PUBLISHED) goes into a
new file, swapped in with one atomic rename. Readers of the old copy keep their open file; a
failed publish leaves the last good copy in place.

The new file is the last copy patched when the build made it (meta.publication agrees): the large
tables that stay from one refresh to the next have only their changed rows replaced
(staging.unpublished), the rest are copied whole. Otherwise it is made from nothing."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import duckdb

from pipelines.db import NOT_PUBLISHED, PATCHED, PUBLISHED_SCHEMAS, quote_path, remove_stale_temp_files, temp_path

# A kept table is copied whole once more than this share of its rows changed.
PATCH_AT_MOST = 0.25


def publish(con: duckdb.DuckDBPyConnection, serving_db: Path) -> dict[str, int]:
    """Returns the row count of every published table. The new file is written under this
    process's id: a killed publish's is removed by the next run (db.remove_stale_temp_files)."""
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(serving_db.parent)
    tmp = temp_path(serving_db)
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        patching = _attach_last_copy(con, serving_db, tmp)
        if not patching:
            con.execute(f"ATTACH {quote_path(tmp)} AS pub")
        try:
            tables = dict(con.execute(
                "SELECT schema_name || '.' || table_name, estimated_size FROM duckdb_tables() "
                "WHERE database_name = current_database() AND list_contains(?, schema_name) "
                "AND NOT list_contains(?, schema_name || '.' || table_name) ORDER BY ALL",
                [list(PUBLISHED_SCHEMAS), list(NOT_PUBLISHED)],
            ).fetchall())
            changed = _changed(con) if patching else {}
            kept = [t for t in PATCHED if patching and t in tables and t not in changed]  # as in the copy
            patched = [t for t in PATCHED
                       if changed.get(t) is not None and changed[t] <= PATCH_AT_MOST * tables.get(t, 0)]
            # A new id first: should this publish fail, the build matches no copy and the next one
            # starts from nothing.
            con.execute("DELETE FROM meta.publication")
            con.execute("INSERT INTO meta.publication VALUES (?, now(), ?)", [uuid.uuid4().hex, sorted(patched)])
            for schema in PUBLISHED_SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS pub.{schema}")
            for name in tables:
                if name in patched:
                    _patch(con, name)
                elif name not in kept:
                    con.execute(f"CREATE OR REPLACE TABLE pub.{name} AS SELECT * FROM {name}")
                counts[name] = con.execute(f"SELECT count(*) FROM pub.{name}").fetchone()[0]
            if not patching:
                _copy_definitions(con)
            # Before the swap, so nothing after it can fail (a full disk): should the swap not
            # happen, the build's new publication id matches no copy and the next one starts afresh.
            con.execute("DELETE FROM staging.unpublished")
        finally:
            con.execute("DETACH pub")
        os.replace(tmp, serving_db)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts


def _attach_last_copy(con: duckdb.DuckDBPyConnection, serving_db: Path, tmp: Path) -> bool:
    """A copy of the serving file attached as `pub`, if this build made it (the same
    meta.publication): then only what changed since needs writing."""
    if not serving_db.exists():
        return False
    shutil.copyfile(serving_db, tmp)
    con.execute(f"ATTACH {quote_path(tmp)} AS pub")
    try:
        same = con.execute(
            "SELECT count(*) FROM meta.publication b JOIN pub.meta.publication p USING (id)").fetchone()[0]
    except duckdb.Error:  # a copy from before meta.publication
        same = 0
    if not same:
        con.execute("DETACH pub")
        tmp.unlink()
    return bool(same)


def _changed(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Per kept table, how many rows changed by its key, or None when it changed whole."""
    return dict(con.execute(
        "SELECT tbl, CASE WHEN bool_or(col IS NULL) THEN NULL ELSE count(DISTINCT (col, val)) END "
        "FROM staging.unpublished GROUP BY tbl").fetchall())


def _patch(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Replace in the copy the rows of `name` that staging.unpublished names."""
    columns = [c for (c,) in con.execute(
        "SELECT DISTINCT col FROM staging.unpublished WHERE tbl = ? ORDER BY 1", [name]).fetchall()]
    named = " OR ".join(f"{c} IN (SELECT val FROM staging.unpublished WHERE tbl = $tbl AND col = '{c}')"
                        for c in columns)
    con.execute(f"DELETE FROM pub.{name} WHERE {named}", {"tbl": name})
    con.execute(f"INSERT INTO pub.{name} SELECT * FROM {name} WHERE {named}", {"tbl": name})


def _copy_definitions(con: duckdb.DuckDBPyConnection) -> None:
    """The views over published tables (kpi.breakdown, kpi.dossier_periods, …) and the macros they
    call, directly or through other macros (rate, dossier_periods_of, dossier_classes_of),
    recreated in the copy in creation order, so they read the copy's own tables."""
    build = con.execute("SELECT current_database()").fetchone()[0]
    macros = con.execute(
        "SELECT function_name, parameters, macro_definition, function_type FROM duckdb_functions() "
        "WHERE database_name = ? AND function_type IN ('macro', 'table_macro') AND NOT internal ORDER BY function_oid",
        [build]).fetchall()
    views = con.execute(
        "SELECT sql FROM duckdb_views() WHERE database_name = ? AND NOT internal AND list_contains(?, schema_name) "
        "ORDER BY view_oid", [build, list(PUBLISHED_SCHEMAS)]).fetchall()
    texts, needed = [sql for (sql,) in views], set()
    while True:  # and the macros those macros call
        calls = {i for i, m in enumerate(macros)
                 if i not in needed and any(re.search(rf"\b{re.escape(m[0])}\(", t) for t in texts)}
        if not calls:
            break
        needed |= calls
        texts += [macros[i][2] for i in calls]
    called = [m for i, m in enumerate(macros) if i in needed]
    con.execute("USE pub")
    try:
        for name, parameters, definition, kind in called:
            table = "TABLE " if kind == "table_macro" else ""
            con.execute(f"CREATE MACRO {name}({', '.join(parameters)}) AS {table}{definition}")
        for (sql,) in views:
            con.execute(sql)
    finally:
        con.execute(f'USE "{build}"')
