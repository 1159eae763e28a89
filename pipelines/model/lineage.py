"""Which warehouse table each SQL file makes, and which tables it is made from, read from the SQL
itself: the Dagster asset graph (pipelines/defs/assets.py) shows every table with its upstreams
and cannot drift from what the SQL does. tests/test_lineage.py holds it to a built warehouse.

Statement by statement: `CREATE [OR REPLACE] [TEMP] TABLE|VIEW x` makes x from the qualified
names (`kpi.values`) its statement reads, and an `INSERT INTO x`, `DELETE FROM x` or `UPDATE x`
(a table kept up to date in place) adds what it reads; a temp table or a macro an earlier statement
of the layer made stands for what it was made from, and so does a table of `changes` (what this
refresh changed, not an asset). An incremental model
(pipelines/model/incremental.py) is made from what its SELECT reads and its declared inputs (its
pending list, kept partitions and full-refresh table), and what it changed
(changes.kpi_dossiers_before, changes.kpi_counts_partitions) stands for the model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipelines.db import sql_files
from pipelines.model import incremental

LAYERS = ("core", "indicators", "marts")
SCHEMAS = ("staging", "core", "kpi", "marts", "meta", "changes")

_COMMENT = re.compile(r"--[^\n]*")
_STATEMENT_END = re.compile(r";[ \t]*(?:\n|$)")
_CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(TEMP(?:ORARY)?\s+)?(TABLE|VIEW|MACRO)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     r"([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)", re.IGNORECASE)
_WRITE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+REPLACE\s+)?INTO|DELETE\s+FROM|UPDATE)\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)",
                    re.IGNORECASE)
_QUALIFIED = re.compile(rf"\b((?:{'|'.join(SCHEMAS)})\.[a-z_][a-z0-9_]*)\b(?!\s*\()")  # a call is a macro's


@dataclass(frozen=True)
class Table:
    name: str  # schema.table
    kind: str  # table | view
    layer: str  # core | indicators | marts
    file: str  # the SQL file's name
    reads: frozenset[str]  # the qualified tables and views it is made from


def statements(text: str) -> list[str]:
    return [s for s in _STATEMENT_END.split(_COMMENT.sub("", text)) if s.strip()]


@cache
def lineage() -> dict[str, Table]:
    """Every table and view the layers make, by qualified name; a name made twice (a table made
    empty, then filled) reads what both statements read."""
    tables: dict[str, Table] = {}
    for layer in LAYERS:
        local: dict[str, frozenset[str]] = {}  # temp tables, macros: what they read
        for f in sql_files(layer):
            if m := incremental.model(f):  # its SELECT and its declared inputs (pending list, kept partitions, …)
                reads = _reads(" ".join(statements(m.select)), local) - {m.name}  # its own kept rows
                for declared in filter(None, (m.pending, m.kept, m.full_refresh)):
                    reads |= local[declared] if declared in local else {declared} | (
                        tables[declared].reads if declared in tables else set())
                tables[m.name] = Table(m.name, "table", layer, f.name, frozenset(reads))
                if m.compare:  # what it changed stands for the model
                    local.update({m.changes(what): frozenset({m.name}) for what in incremental.CHANGES})
                if m.sums:
                    local[m.changes("partitions")] = frozenset({m.name})
                continue
            for statement in statements(f.read_text(encoding="utf-8")):
                reads = _reads(statement, local)
                if (written := _WRITE.match(statement)) and (name := written[1].lower()) in tables:
                    reads.discard(name)
                    tables[name] = Table(name, tables[name].kind, tables[name].layer, tables[name].file,
                                         tables[name].reads | frozenset(reads))
                    continue
                made = _CREATE.match(statement)
                if not made:
                    continue
                temp, kind, name = made[1], made[2].lower(), made[3].lower()
                reads.discard(name)
                if temp or kind == "macro" or "." not in name or name.startswith("changes."):
                    local[name.split(".")[-1] if kind == "macro" else name] = frozenset(reads)
                    continue
                before = tables[name].reads if name in tables else frozenset()
                tables[name] = Table(name, kind, layer, f.name, before | frozenset(reads))
    return _in_run_order(tables)


def _reads(statement: str, local: dict[str, frozenset[str]]) -> set[str]:
    """The qualified tables a statement reads, through the temp tables, macros and tables of
    `changes` it uses."""
    reads = {r for r in _QUALIFIED.findall(statement) if r not in local}
    for name, theirs in local.items():
        if re.search(rf"(?<![\w.]){re.escape(name)}\b", statement):
            reads |= theirs
    return reads


def _in_run_order(tables: dict[str, Table]) -> dict[str, Table]:
    """Each table made only from tables made before it: a table kept in place may be written again
    later in the run from tables made after it (kpi.counting notes what was counted), which is
    what the next refresh reads, not what this one was made from."""
    order = {name: i for i, name in enumerate(tables)}
    return {name: Table(t.name, t.kind, t.layer, t.file, frozenset(r for r in t.reads if order.get(r, -1) < order[name]))
            for name, t in tables.items()}
