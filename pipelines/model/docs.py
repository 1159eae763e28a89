"""What each warehouse table and column means, for the Dagster UI and `cchc docs`.

A table's description is the comment written directly above the statement that makes it (the SQL
says once what a table is); its columns are described in the layer's `_models.yml`, the way dbt
projects keep a YAML file beside their models, and a column any table may have (period, scope,
indicator, …) once in warehouse/_columns.yml, and an export's column kept as it came by its header
in pipelines/contract.py. tests/test_docs.py holds marts to it: every column
of a built marts table described, no description of a column that is gone."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache

import duckdb
import yaml

from pipelines.contract import FILES
from pipelines.db import PUBLISHED_SCHEMAS
from pipelines.model import incremental
from pipelines.model.lineage import lineage
from pipelines.settings import WAREHOUSE_SQL

_CREATE = re.compile(r"((?:^--[^\n]*\n)*)^CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|MACRO)\s+"
                     r"(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_.]*)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str | None


@cache
def table_descriptions() -> dict[str, str]:
    """schema.table → the comment block directly above its CREATE (the first, when made twice), or
    above an incremental model's config line."""
    found: dict[str, str] = {}
    for f in sorted(WAREHOUSE_SQL.glob("*/*.sql")):
        if m := incremental.model(f):
            found.setdefault(m.name, m.description)
            continue
        for comment, name in _CREATE.findall(f.read_text(encoding="utf-8")):
            text = incremental.comment_text(comment)
            if text and "." in name:
                found.setdefault(name.lower(), text)
    return found


@cache
def column_descriptions() -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The layers' `_models.yml` (schema.table → column → description) and the shared glossary."""
    tables: dict[str, dict[str, str]] = {}
    for f in sorted(WAREHOUSE_SQL.glob("*/_models.yml")):
        tables.update(yaml.safe_load(f.read_text(encoding="utf-8")) or {})
    shared = yaml.safe_load((WAREHOUSE_SQL / "_columns.yml").read_text(encoding="utf-8"))
    return tables, shared


@cache
def contract_columns() -> dict[str, str]:
    """An export's column kept as it came: its header and file (exports.md)."""
    found: dict[str, str] = {}
    for kind, f in FILES.items():
        for c in f.columns:
            found.setdefault(c.name, f"The export's «{c.header}» ({kind}; exports.md).")
    return found


_COUNTED = re.compile(r"(?P<indicator>[a-z0-9_]+)_(?P<part>num|den)")


def describe(table: str, column: str) -> str | None:
    """The table's own description of the column, else the shared one, else the contract's, else
    an indicator's pair by its name (35_counting_rules.sql pairs <indicator>_num with <indicator>_den)."""
    tables, shared = column_descriptions()
    found = tables.get(table, {}).get(column) or shared.get(column) or contract_columns().get(column)
    if not found and (pair := _COUNTED.fullmatch(column)):
        part = "numerator" if pair["part"] == "num" else "denominator"
        found = (f"Whether the row counts in the {part} of {pair['indicator']} "
                 "(kpi.indicators; its rule in 31_dossier_periods.sql or 32_payment_periods.sql).")
    return found


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[Column]:
    """The columns a built table has, in order, with their types and descriptions."""
    schema, name = table.split(".")
    rows = con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                       "WHERE schema_name = ? AND table_name = ? ORDER BY column_index", [schema, name]).fetchall()
    return [Column(c, t, describe(table, c)) for c, t in rows]


def catalog_html(con: duckdb.DuckDBPyConnection) -> str:
    """One self-contained page (no script, no font, nothing fetched) describing every table of the
    published copy: what it is, the SQL file that makes it, what it is made from and what is made
    from it, and each column with its type and meaning."""
    tables = [f"{s}.{t}" for s, t in con.execute(
        "SELECT DISTINCT schema_name, table_name FROM duckdb_columns() WHERE schema_name IN "
        f"({', '.join(repr(s) for s in PUBLISHED_SCHEMAS)}) ORDER BY ALL").fetchall()]
    made = lineage()
    used_by: dict[str, list[str]] = {}
    for name, t in made.items():
        for r in t.reads:
            used_by.setdefault(r, []).append(name)

    def links(names) -> str:
        return ", ".join(f'<a href="#{n}">{n}</a>' if n in tables else html.escape(n) for n in sorted(names)) or "—"

    toc, body = [], []
    for schema in PUBLISHED_SCHEMAS:
        mine = [t for t in tables if t.startswith(schema + ".")]
        toc.append(f"<li><b>{schema}</b>: {links(mine)}</li>")
    for table in tables:
        t = made.get(table)
        cols = columns(con, table)
        rows = "".join(f"<tr><td><code>{html.escape(c.name)}</code></td><td>{html.escape(c.type)}</td>"
                       f"<td>{html.escape(c.description or '')}</td></tr>" for c in cols)
        body.append(
            f'<section id="{table}"><h2>{table}</h2><p>{html.escape(table_descriptions().get(table, ""))}</p>'
            f"<p><small>{f'warehouse/{t.layer}/{t.file}' if t else ''} · made from: {links(t.reads if t else [])}"
            f" · used by: {links(used_by.get(table, []))}</small></p>"
            f"<table><tr><th>column</th><th>type</th><th>meaning</th></tr>{rows}</table></section>")
    style = ("body{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
             "section{margin-top:2em}")
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cchc warehouse</title>'
            f"<style>{style}</style></head><body><h1>cchc: the published warehouse</h1><ul>{''.join(toc)}</ul>"
            f"{''.join(body)}</body></html>\n")
