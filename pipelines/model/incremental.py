"""Incremental models: a table kept from one refresh to the next, written as one SELECT.

The one pattern for a kept table, dbt's `delete+insert` incremental strategy: the model file is the
table's description (comments), a config line and one SELECT, and this module writes the rest.

    -- config: name=core.fct_ho_so unique_key=ma_ho_so pending=staging.core_pending kind=ho_so

(a long one goes on over several `-- config:` lines)

- A new build (the table does not exist yet, or the one-row table named by `full_refresh` says
  `full_refresh`: dbt's --full-refresh, as a declared input) makes the table from the SELECT over
  everything.
- Otherwise the rows whose `unique_key` is among the keys this refresh rebuilds are deleted and the
  SELECT, restricted to those keys, inserted. The keys are the model's declared input: those of
  `kind` that the pending list names (`staging.pending_keys`), made here once per model as the temp
  table `rebuilt_keys`, one column named as the unique key.
- The SELECT restricts itself as dbt's `{% if is_incremental() %}` block would:
  `WHERE NOT is_incremental() OR <key> IN (SELECT <key> FROM rebuilt_keys)`, or a natural semi join
  with rebuilt_keys; `is_incremental()` is a macro of a constant, which DuckDB folds away, so a new
  build reads everything without the filter.
- `compare=true`: only the rebuilt rows that differ from the kept ones are replaced, and what
  changed is left for the tables kept by difference (kpi.counts adds what the changed rows count
  now and takes off what they counted before) in three tables of the schema `changes`, named after
  the model (`changes.kpi_dossiers_keys`, `_before`, `_after`): the keys of the rows that changed,
  a dropped or added row included, and those rows before and after. Empty on a new build.
- What changed is noted for the publish (`staging.unpublished`): the replaced keys, or the whole
  table on a new build.

Lineage (pipelines/model/lineage.py) and the docs (pipelines/model/docs.py) read the same file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

_CONFIG = re.compile(r"^--\s*config:\s*(?P<items>.+)$", re.MULTILINE)
_REQUIRED = ("name", "unique_key", "pending", "kind")
_OPTIONAL = ("compare", "full_refresh")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$")
CHANGES = ("keys", "before", "after")


@dataclass(frozen=True)
class Model:
    name: str  # schema.table
    unique_key: str
    pending: str  # the pending list the rebuilt keys come from
    kind: str  # the kind of key in it
    select: str  # the model's SELECT (comments and config line included)
    description: str  # the comment block above the config line
    compare: bool = False
    full_refresh: str | None = None  # a one-row table whose column full_refresh, true, makes the table anew

    def changes(self, what: str) -> str:
        """changes.<schema>_<table>_<keys|before|after>: what a compared refresh changed."""
        return f"changes.{self.name.replace('.', '_')}_{what}"


def model(path: Path) -> Model | None:
    """The incremental model a SQL file declares, or None for a file of statements."""
    text = path.read_text(encoding="utf-8")
    lines = list(_CONFIG.finditer(text))  # a long config goes on over several lines
    if not lines:
        return None
    items = dict(item.split("=", 1) for line in lines for item in line["items"].split())
    if (not set(_REQUIRED) <= set(items) <= set(_REQUIRED + _OPTIONAL)
            or not all(_IDENTIFIER.match(v) for v in items.values()) or items.get("compare", "true") != "true"):
        raise ValueError(f"{path.name}: a config line names {', '.join(_REQUIRED)} (and may name "
                         f"{', '.join(_OPTIONAL)}), each an identifier; compare can only be true")
    return Model(select=text.rstrip().rstrip(";"), description=comment_text(text[:lines[0].start()]),
                 **{**items, "compare": "compare" in items})


def comment_text(block: str) -> str:
    """A block of `--` comment lines as one line of prose (a table's description)."""
    return re.sub(r"\s+", " ", " ".join(line.removeprefix("--") for line in block.splitlines())).strip()


def build(con: duckdb.DuckDBPyConnection, m: Model) -> None:
    """Make the table anew, or replace the rows of the keys this refresh rebuilds (above)."""
    schema, table = m.name.split(".")
    exists = con.execute("SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()[0]
    anew = bool(m.full_refresh) and con.execute(f"SELECT full_refresh FROM {m.full_refresh}").fetchone()[0]
    incremental = exists and not anew
    k = m.unique_key
    con.execute(f"CREATE OR REPLACE TEMP MACRO is_incremental() AS {str(incremental).lower()}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt_keys AS SELECT DISTINCT \"key\" AS {k} "
                f"FROM staging.pending_keys('{m.pending}') WHERE kind = '{m.kind}' AND is_incremental()")
    if not incremental:
        con.execute(f"CREATE OR REPLACE TABLE {m.name} AS {m.select}")
        _note(con, f"SELECT '{m.name}', NULL, NULL")
        if m.compare:
            con.execute(f"CREATE OR REPLACE TABLE {m.changes('keys')} AS SELECT {k} FROM {m.name} LIMIT 0")
            for what in CHANGES[1:]:
                con.execute(f"CREATE OR REPLACE TABLE {m.changes(what)} AS FROM {m.name} LIMIT 0")
        return
    replaced = "rebuilt_keys"
    if m.compare:
        con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt_rows AS {m.select}")
        kept = f"{m.name} NATURAL SEMI JOIN rebuilt_keys"
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('keys')} AS "
                    f"SELECT {k} FROM (FROM rebuilt_rows EXCEPT FROM {kept}) "
                    f"UNION SELECT {k} FROM (FROM {kept} EXCEPT FROM rebuilt_rows)")
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('before')} AS FROM {m.name} NATURAL SEMI JOIN {m.changes('keys')}")
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('after')} AS FROM rebuilt_rows NATURAL SEMI JOIN {m.changes('keys')}")
        replaced = m.changes("keys")
    con.execute(f"DELETE FROM {m.name} WHERE {k} IN (SELECT {k} FROM {replaced})")
    con.execute(f"INSERT INTO {m.name} " + (f"FROM {m.changes('after')}" if m.compare else m.select))
    _note(con, f"SELECT '{m.name}', '{k}', {k} FROM {replaced}")


def _note(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """Add to what the publish patches (staging.unpublished). By making the table again, not by
    an INSERT: a table gets one INSERT per transaction (warehouse/README.md: DuckDB 1.5.5 hides a
    large insert that follows an empty one), and the layer's own SQL may insert into it too."""
    con.execute(f"CREATE OR REPLACE TABLE staging.unpublished AS FROM staging.unpublished UNION ALL {rows}")
