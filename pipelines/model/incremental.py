"""Incremental models: a table kept from one refresh to the next, written as one SELECT.

The one pattern for a kept table: the model file is the table's description (comments), config
lines and one SELECT, and this module writes the rest.

    -- config: name=core.fct_ho_so unique_key=ma_ho_so pending=staging.core_pending kind=ho_so

(a long one goes on over several `-- config:` lines)

- A new build (the table does not exist yet, or the one-row table named by `full_refresh` says
  `full_refresh`: dbt's --full-refresh, as a declared input) makes the table from the SELECT over
  everything.
- By key, dbt's `delete+insert` strategy (`unique_key`, `pending`): the rows whose `unique_key` is
  among the keys this refresh rebuilds are deleted and the SELECT, restricted to those keys,
  inserted. The keys are the model's declared input: those of `kind` that the pending list names
  (`staging.pending_keys`), or every key of `pending` when it names no kind, made here once per
  model as the temp table `rebuilt_keys`, one column named as the unique key. The SELECT restricts
  itself as dbt's `{% if is_incremental() %}` block would:
  `WHERE NOT is_incremental() OR <key> IN (SELECT <key> FROM rebuilt_keys)`, or a natural semi join
  with rebuilt_keys; `is_incremental()` is a macro of a constant, which DuckDB folds away, so a new
  build reads everything without the filter.
- By partition (`partition`, `kept`): the rows of the partitions `kept` does not list (a new month,
  a period whose span moved, one that lost its exports) are deleted too, and the SELECT gives every
  row of the other partitions; with a unique key, it gives the rebuilt keys' rows of the kept ones.
  A new build keeps no partition.
- By addition (`sums`, with a partition): the SELECT gives, for the kept partitions, what this
  refresh adds to their rows (the counts the changed rows make now, less what they made before),
  and these are added to the kept rows with the same other columns; a row whose sums all come to 0
  goes. What the partitions' rows are rests on the kept rows (a SELECT may read its own table, as
  dbt's `{{ this }}`), so the table's columns are declared (`-- columns:`, as SQLMesh asks of a
  self-referencing model) for the build that makes it. The partitions it made or added to are
  left in `changes.<schema>_<table>_partitions`.
- `compare=true` (by key): only the rebuilt rows that differ from the kept ones are replaced, and
  what changed is left for the tables kept by addition in three tables of the schema `changes`,
  named after the model (`changes.kpi_dossiers_keys`, `_before`, `_after`): the keys of the rows
  that changed, a dropped or added row included, and those rows before and after. Empty on a new
  build. Without `pending`, the SELECT gives every row and all are compared (a small table rebuilt
  whole each refresh: kpi.periods).
- What changed is noted for the publish (`staging.unpublished`): the replaced keys and partitions,
  or the whole table on a new build.

Lineage (pipelines/model/lineage.py) and the docs (pipelines/model/docs.py) read the same file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

_CONFIG = re.compile(r"^--\s*config:\s*(?P<items>.+)$", re.MULTILINE)
_COLUMNS = re.compile(r"^--\s*columns:\s*(?P<items>.+)$", re.MULTILINE)
_KEYS = ("name", "unique_key", "pending", "kind", "partition", "kept", "sums", "compare", "full_refresh")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$")
_COLUMN = re.compile(r"^[a-z_][a-z0-9_]* [A-Z]+$")
CHANGES = ("keys", "before", "after")


@dataclass(frozen=True)
class Model:
    name: str  # schema.table
    select: str  # the model's SELECT (comments and config lines included)
    description: str  # the comment block above the config line
    unique_key: str | None = None
    pending: str | None = None  # the pending list (or table of keys) the rebuilt keys come from
    kind: str | None = None  # the kind of key in it
    partition: str | None = None  # the column whose values not in `kept` are rebuilt whole
    kept: str | None = None  # a table of the partitions kept, one column named as `partition`
    sums: tuple[str, ...] = ()  # the columns added up, by addition
    columns: str | None = None  # the declared columns, "name TYPE, ..."
    compare: bool = False
    full_refresh: str | None = None  # a one-row table whose column full_refresh, true, makes the table anew

    def changes(self, what: str) -> str:
        """changes.<schema>_<table>_<what>: what a refresh changed (keys, before, after; partitions)."""
        return f"changes.{self.name.replace('.', '_')}_{what}"


def model(path: Path) -> Model | None:
    """The incremental model a SQL file declares, or None for a file of statements."""
    text = path.read_text(encoding="utf-8")
    lines = list(_CONFIG.finditer(text))  # a long config goes on over several lines
    if not lines:
        return None
    pairs = [item.split("=", 1) for line in lines for item in line["items"].split()]
    malformed = any(len(pair) != 2 for pair in pairs)
    items = dict(pair for pair in pairs if len(pair) == 2)
    columns = ", ".join(line["items"].strip().rstrip(",") for line in _COLUMNS.finditer(text)) or None
    sums = tuple(items.pop("sums", "").split(",")) if "sums" in items else ()
    by_key, by_partition = {"unique_key", "pending"} & set(items), {"partition", "kept"} & set(items)
    whole = by_key == {"unique_key"} and "compare" in items  # rebuilt whole and compared
    if (malformed or "name" not in items or not set(items) <= set(_KEYS) or (len(by_key) == 1 and not whole)
            or len(by_partition) == 1
            or not (by_key or by_partition) or not all(_IDENTIFIER.match(v) for v in (*items.values(), *sums))
            or items.get("compare", "true") != "true" or ("compare" in items and not by_key)
            or ("kind" in items and "pending" not in items)
            or (sums and (by_key or not by_partition or not columns))
            or (columns and not all(_COLUMN.match(c.strip()) for c in columns.split(",")))):
        raise ValueError(f"{path.name}: a config line names name and unique_key and pending (and may name kind, "
                         "compare=true; or compare=true without pending), or partition and kept (and may name "
                         "sums, with the columns declared), or both, and full_refresh; each an identifier")
    return Model(select=text.rstrip().rstrip(";"), description=comment_text(text[:lines[0].start()]), sums=sums,
                 columns=columns, **{**items, "compare": "compare" in items})


def comment_text(block: str) -> str:
    """A block of `--` comment lines as one line of prose (a table's description)."""
    return re.sub(r"\s+", " ", " ".join(line.removeprefix("--") for line in block.splitlines())).strip()


def build(con: duckdb.DuckDBPyConnection, m: Model) -> None:
    """Make the table anew, or replace (or add to) the rows this refresh rebuilds (above)."""
    schema, table = m.name.split(".")
    exists = con.execute("SELECT count(*) > 0 FROM duckdb_tables() WHERE database_name = current_database() "
                         "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()[0]
    anew = bool(m.full_refresh) and con.execute(f"SELECT full_refresh FROM {m.full_refresh}").fetchone()[0]
    incremental = exists and not anew
    if m.kept and not incremental and con.execute(f"SELECT count(*) FROM {m.kept}").fetchone()[0]:
        raise RuntimeError(f"{m.name} is built anew while {m.kept} keeps partitions: a new build keeps none "
                           f"(name {m.full_refresh or 'a full_refresh table'} that says so)")
    con.execute(f"CREATE OR REPLACE TEMP MACRO is_incremental() AS {str(incremental).lower()}")
    if m.sums and incremental:
        _add(con, m)
        return
    if m.sums:  # emptied, not made again: DuckDB then read the new rows a second slower in the transaction
        con.execute(f"DELETE FROM {m.name}" if exists else f"CREATE TABLE {m.name} ({m.columns})")
        con.execute(f"INSERT INTO {m.name} {m.select}")
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('partitions')} AS SELECT DISTINCT {m.partition} FROM {m.name}")
        _note(con, f"SELECT '{m.name}', NULL, NULL")
        return
    k = m.unique_key
    if m.pending:
        keys = f"staging.pending_keys('{m.pending}') WHERE kind = '{m.kind}' AND" if m.kind else f"{m.pending} WHERE"
        con.execute(f"CREATE OR REPLACE TEMP TABLE rebuilt_keys AS SELECT DISTINCT {'key' if m.kind else k} AS {k} "
                    f"FROM {keys} is_incremental()")
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
        kept = f"{m.name} NATURAL SEMI JOIN rebuilt_keys" if m.pending else m.name
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('keys')} AS "
                    f"SELECT {k} FROM (FROM rebuilt_rows EXCEPT FROM {kept}) "
                    f"UNION SELECT {k} FROM (FROM {kept} EXCEPT FROM rebuilt_rows)")
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('before')} AS FROM {m.name} NATURAL SEMI JOIN {m.changes('keys')}")
        con.execute(f"CREATE OR REPLACE TABLE {m.changes('after')} AS FROM rebuilt_rows NATURAL SEMI JOIN {m.changes('keys')}")
        replaced = m.changes("keys")
    p = m.partition
    if p:
        _note(con, f"SELECT DISTINCT '{m.name}', '{p}', {p} FROM {m.name} WHERE {_not_kept(m)}")
    con.execute(f"DELETE FROM {m.name} WHERE {k} IN (SELECT {k} FROM {replaced})" + (f" OR {_not_kept(m)}" if p else ""))
    con.execute(f"INSERT INTO {m.name} " + (f"FROM {m.changes('after')}" if m.compare else m.select))
    _note(con, f"SELECT '{m.name}', '{k}', {k} FROM {replaced}")
    if p:
        _note(con, f"SELECT DISTINCT '{m.name}', '{p}', {p} FROM {m.name} WHERE {_not_kept(m)}")


def _add(con: duckdb.DuckDBPyConnection, m: Model) -> None:
    """By addition: the SELECT's rows of the partitions not kept are inserted whole, those of the
    kept ones added to the kept rows (MERGE), and rows whose sums come to 0 deleted. Each insert
    runs only when it has rows (warehouse/README.md: DuckDB 1.5.5 hides a large insert that follows
    an empty one in the same transaction)."""
    p = m.partition
    columns = [c.split()[0] for c in m.columns.split(",")]
    keys = [c for c in columns if c not in m.sums]
    con.execute(f"CREATE OR REPLACE TEMP TABLE added AS {m.select}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE added_to_kept AS SELECT {', '.join(keys)}, "
                + ", ".join(f"sum({s}) AS {s}" for s in m.sums)
                + f" FROM added WHERE NOT ({_not_kept(m)}) GROUP BY ALL HAVING "
                + " OR ".join(f"coalesce(sum({s}), 0) <> 0" for s in m.sums))
    con.execute(f"CREATE OR REPLACE TABLE {m.changes('partitions')} AS SELECT DISTINCT {p} FROM added "
                f"WHERE {_not_kept(m)} UNION SELECT DISTINCT {p} FROM added_to_kept")
    _note(con, f"SELECT DISTINCT '{m.name}', '{p}', {p} FROM (SELECT {p} FROM {m.name} WHERE {_not_kept(m)} "
               f"UNION FROM {m.changes('partitions')})")
    con.execute(f"DELETE FROM {m.name} WHERE {_not_kept(m)}")
    if con.execute(f"SELECT count(*) FROM added WHERE {_not_kept(m)}").fetchone()[0]:
        con.execute(f"INSERT INTO {m.name} BY NAME FROM added WHERE {_not_kept(m)}")  # in the SELECT's order
    if con.execute("SELECT count(*) FROM added_to_kept").fetchone()[0]:
        con.execute(f"MERGE INTO {m.name} t USING added_to_kept x ON "
                    + " AND ".join(f"t.{c} IS NOT DISTINCT FROM x.{c}" for c in keys)
                    + " WHEN MATCHED THEN UPDATE SET " + ", ".join(f"{s} = t.{s} + x.{s}" for s in m.sums)
                    + f" WHEN NOT MATCHED THEN INSERT ({', '.join(columns)}) VALUES ({', '.join(f'x.{c}' for c in columns)})")
        con.execute(f"DELETE FROM {m.name} WHERE {p} IN (SELECT {p} FROM added_to_kept) AND "
                    + " AND ".join(f"coalesce({s}, 0) = 0" for s in m.sums))


def _not_kept(m: Model) -> str:
    return f"{m.partition} NOT IN (SELECT {m.partition} FROM {m.kept})"


def _note(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """Add to what the publish patches (staging.unpublished). By making the table again, not by
    an INSERT: a table gets one INSERT per transaction (warehouse/README.md: DuckDB 1.5.5 hides a
    large insert that follows an empty one), and the layer's own SQL may insert into it too."""
    con.execute(f"CREATE OR REPLACE TABLE staging.unpublished AS FROM staging.unpublished UNION ALL {rows}")
