"""Incremental models: a table kept from one refresh to the next, written as one SELECT.

The one pattern for a kept table, dbt's `delete+insert` incremental strategy: the model file is the
table's description (comments), a config line and one SELECT, and this module writes the rest.

    -- config: name=core.fct_ho_so unique_key=ma_ho_so pending=staging.core_pending kind=ho_so

- A new build (the table does not exist yet) creates the table from the SELECT over everything.
- Otherwise the rows whose `unique_key` is among the keys this refresh rebuilds are deleted and the
  SELECT, restricted to those keys, inserted. The keys are the model's declared input: those of
  `kind` that the pending list names (`staging.pending_keys`: the loader notes what each file it
  stages changes), made here once per model as the temp table `rebuilt_keys`.
- The SELECT restricts itself as dbt's `{% if is_incremental() %}` block would:
  `WHERE NOT is_incremental() OR <key> IN (SELECT "key" FROM rebuilt_keys)`; `is_incremental()` is a
  macro of a constant, which DuckDB folds away, so a new build reads everything without the filter.
- What changed is noted for the publish (`staging.unpublished`): the rebuilt keys, or the whole
  table on a new build.

Lineage (pipelines/model/lineage.py) and the docs (pipelines/model/docs.py) read the same file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

_CONFIG = re.compile(r"^--\s*config:\s*(?P<items>.+)$", re.MULTILINE)
_KEYS = ("name", "unique_key", "pending", "kind")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$")


@dataclass(frozen=True)
class Model:
    name: str  # schema.table
    unique_key: str
    pending: str  # the pending list the rebuilt keys come from
    kind: str  # the kind of key in it
    select: str  # the model's SELECT (comments and config line included)
    description: str  # the comment block above the config line


def model(path: Path) -> Model | None:
    """The incremental model a SQL file declares, or None for a file of statements."""
    text = path.read_text(encoding="utf-8")
    config = _CONFIG.search(text)
    if not config:
        return None
    items = dict(item.split("=", 1) for item in config["items"].split())
    if sorted(items) != sorted(_KEYS) or not all(_IDENTIFIER.match(v) for v in items.values()):
        raise ValueError(f"{path.name}: a config line names exactly {', '.join(_KEYS)}, each an identifier")
    comments = text[:config.start()].splitlines()
    description = re.sub(r"\s+", " ", " ".join(line.removeprefix("--") for line in comments)).strip()
    return Model(select=text.rstrip().rstrip(";"), description=description, **items)


def build(con: duckdb.DuckDBPyConnection, m: Model) -> None:
    """Create the table, or replace the rows of the keys this refresh rebuilds (above)."""
    schema, table = m.name.split(".")
    incremental = con.execute(
        "SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()[0]
    con.execute(f"CREATE OR REPLACE TEMP MACRO is_incremental() AS {str(incremental).lower()}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt_keys AS SELECT \"key\" FROM staging.pending_keys('{m.pending}') "
                f"WHERE kind = '{m.kind}' AND is_incremental()")
    if not incremental:
        con.execute(f"CREATE TABLE {m.name} AS {m.select}")
        con.execute("INSERT INTO staging.unpublished VALUES (?, NULL, NULL)", [m.name])
        return
    con.execute(f"DELETE FROM {m.name} WHERE {m.unique_key} IN (SELECT \"key\" FROM rebuilt_keys)")
    con.execute(f"INSERT INTO {m.name} {m.select}")
    con.execute("INSERT INTO staging.unpublished SELECT ?, ?, \"key\" FROM rebuilt_keys", [m.name, m.unique_key])
