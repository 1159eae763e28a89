"""Load inbox files into raw tables with lineage, and materialize their typed staging rows.

A file is keyed by (kind, period): a re-export replaces its period, an unchanged file (same
hash) is skipped, so loading the same inbox twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines.contract import FILES
from pipelines.db import model_version, run_layer, transaction
from pipelines.ingest.inbox import InboxFile
from pipelines.ingest.read import file_hash, read_export

LINEAGE = {
    "_period": "VARCHAR",
    "_file": "VARCHAR",
    "_sheet": "VARCHAR",
    "_row": "INTEGER",
    "_file_hash": "VARCHAR",
    "_format": "VARCHAR",
    "_loaded_at": "TIMESTAMPTZ",
}
MONTHLY_KINDS = [k for k, f in FILES.items() if f.monthly]
REFERENCE_KINDS = [k for k, f in FILES.items() if not f.monthly]


@dataclass
class FileResult:
    kind: str
    period: str | None
    file_name: str
    status: str  # loaded | unchanged
    rows_loaded: int = 0
    rows_skipped: int = 0
    profile: str | None = None
    extra_columns: list[str] = field(default_factory=list)


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the layers; if the contract or SQL changed since the file was built, start afresh
    (every inbox file is then loaded again)."""
    run_layer(con, "raw")
    version = model_version()
    stored = con.execute("SELECT max(version) FROM meta.model").fetchone()[0]
    if stored != version:
        for schema in ("raw", "staging", "core", "marts", "meta"):
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        run_layer(con, "raw")
        con.execute("INSERT INTO meta.model VALUES (?, now())", [version])
    for kind, spec in FILES.items():
        columns = ", ".join([f"{c} VARCHAR" for c in spec.names] + [f"{k} {t}" for k, t in LINEAGE.items()])
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{kind} ({columns})")
    run_layer(con, "staging")
    for kind in FILES:
        con.execute(f"CREATE TABLE IF NOT EXISTS staging.{kind} AS SELECT * FROM staging.{kind}_parsed LIMIT 0")


def load_file(con: duckdb.DuckDBPyConnection, f: InboxFile, mapping: dict[str, str], refresh_id: str) -> FileResult:
    digest = file_hash(f.path)
    loaded = con.execute(
        "SELECT file_hash FROM meta.files WHERE kind = ? AND period IS NOT DISTINCT FROM ?", [f.kind, f.period]
    ).fetchone()
    if loaded and loaded[0] == digest:
        return FileResult(f.kind, f.period, f.path.name, "unchanged")

    rf = read_export(f.path, f.kind, mapping)
    now = dt.datetime.now(dt.timezone.utc)
    incoming = rf.frame.with_columns(
        pl.lit(f.period, pl.String).alias("_period"),
        pl.lit(f.path.name).alias("_file"),
        pl.lit(rf.sheet, pl.String).alias("_sheet"),
        pl.col("_row").cast(pl.Int32),
        pl.lit(digest).alias("_file_hash"),
        pl.lit(rf.file_format).alias("_format"),
        pl.lit(now).alias("_loaded_at"),
    ).to_arrow()
    skipped = pl.DataFrame(rf.skipped, schema=["row", "reason", "content"], orient="row").to_arrow()
    with transaction(con):
        con.execute(f"DELETE FROM raw.{f.kind} WHERE _period IS NOT DISTINCT FROM ?", [f.period])
        con.execute(f"INSERT INTO raw.{f.kind} BY NAME SELECT * FROM incoming")
        con.execute("DELETE FROM meta.files WHERE kind = ? AND period IS NOT DISTINCT FROM ?", [f.kind, f.period])
        con.execute(
            "INSERT INTO meta.files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [f.kind, f.period, f.path.name, rf.sheet, digest, rf.file_format, rf.profile, rf.header_row,
             rf.frame.height + len(rf.skipped), rf.frame.height, len(rf.skipped), rf.extra_columns,
             rf.missing_columns, refresh_id, now],
        )
        con.execute("DELETE FROM meta.skipped_rows WHERE kind = ? AND period IS NOT DISTINCT FROM ?", [f.kind, f.period])
        con.execute(
            "INSERT INTO meta.skipped_rows SELECT ?, ?, ?, row, reason, content, ? FROM skipped",
            [f.kind, f.period, f.path.name, refresh_id],
        )
    return FileResult(f.kind, f.period, f.path.name, "loaded", rf.frame.height, len(rf.skipped), rf.profile,
                      rf.extra_columns)


def stage(con: duckdb.DuckDBPyConnection, kind: str, period: str | None) -> int:
    """Re-derive the typed staging rows of one file (kind, period) from raw, in one transaction."""
    with transaction(con):
        con.execute(f"DELETE FROM staging.{kind} WHERE _period IS NOT DISTINCT FROM ?", [period])
        con.execute(
            f"INSERT INTO staging.{kind} SELECT * FROM staging.{kind}_parsed WHERE _period IS NOT DISTINCT FROM ?",
            [period],
        )
        return con.execute(f"SELECT count(*) FROM staging.{kind} WHERE _period IS NOT DISTINCT FROM ?", [period]).fetchone()[0]
