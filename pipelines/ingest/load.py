"""Load inbox files into raw tables with lineage, and materialize their typed staging rows.

A file is keyed by (kind, period): a re-export replaces its period, an unchanged file (same
hash) is skipped, so loading the same inbox twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines.contract import FILES
from pipelines.db import model_version, run_layer, transaction
from pipelines.errors import InputError
from pipelines.ingest.inbox import InboxFile
from pipelines.ingest.read import file_hash, read_export
from pipelines.validate.rows import validate_rows

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
    run_layer(con, "checks")


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


def stage(con: duckdb.DuckDBPyConnection, kind: str, period: str | None, enforce: bool = True) -> StageResult:
    """Validate one file's typed rows against its suite and move the rows that break no critical
    rule into staging; every broken rule goes to meta.quarantine. One transaction."""
    if enforce:
        _check_file_period(con, kind, period)
    frame = con.execute(_check_query(kind), [period]).df()
    issues, expectations = validate_rows(kind, frame, _parameters(con))
    bad_rows = sorted({i.row for i in issues if i.severity == "critical"})
    if enforce:
        _hold_back_if_too_many(kind, period, len(bad_rows), len(frame), issues)
    quarantined = pl.DataFrame({"_row": bad_rows}, schema={"_row": pl.Int32}).to_arrow()
    found = pl.DataFrame([i.__dict__ for i in issues], schema={
        "row": pl.Int32, "column": pl.String, "value": pl.String, "rule": pl.String, "severity": pl.String,
        "message_vi": pl.String, "message_en": pl.String}).to_arrow()
    with transaction(con):
        con.execute(f"DELETE FROM staging.{kind} WHERE _period IS NOT DISTINCT FROM ?", [period])
        con.execute(
            f"INSERT INTO staging.{kind} SELECT * FROM staging.{kind}_parsed "
            "WHERE _period IS NOT DISTINCT FROM ? AND _row NOT IN (SELECT _row FROM quarantined)",
            [period],
        )
        con.execute("DELETE FROM meta.quarantine WHERE kind = ? AND period IS NOT DISTINCT FROM ?", [kind, period])
        con.execute(
            "INSERT INTO meta.quarantine SELECT ?, ?, f.file_name, f.sheet, i.\"row\", i.\"column\", i.\"value\", i.rule, "
            "i.severity, i.message_vi, i.message_en, now() FROM found i, "
            "(SELECT file_name, sheet FROM meta.files WHERE kind = ? AND period IS NOT DISTINCT FROM ?) f",
            [kind, period, kind, period],
        )
        accepted = con.execute(
            f"SELECT count(*) FROM staging.{kind} WHERE _period IS NOT DISTINCT FROM ?", [period]).fetchone()[0]
    return StageResult(accepted, len(quarantined), sum(i.severity == "warning" for i in issues), expectations, issues)


@dataclass
class StageResult:
    accepted: int
    quarantined: int  # rows kept out of staging
    warnings: int  # rule breaks on rows that were loaded
    expectations: int
    issues: list = field(default_factory=list)


def max_quarantine_share() -> float:
    """Above this share of quarantined rows a file is held back (CCHC_MAX_QUARANTINE_SHARE, default 5%)."""
    return float(os.environ.get("CCHC_MAX_QUARANTINE_SHARE", "0.05"))


def _hold_back_if_too_many(kind: str, period: str | None, bad: int, total: int, issues: list) -> None:
    """A file this broken is more likely a wrong export than a few bad rows: refuse it whole, so the
    last good numbers stay published, and say which rules it broke most."""
    if not total or bad / total <= max_quarantine_share():
        return
    counts = Counter(i.rule for i in issues if i.severity == "critical")
    top = ", ".join(f"{rule} ({n})" for rule, n in counts.most_common(3))
    name = f"{kind}_{period}" if period else kind
    raise InputError(
        f"Tệp bị giữ lại: {bad}/{total} dòng ({bad / total:.1%}) vi phạm quy tắc, vượt ngưỡng "
        f"{max_quarantine_share():.0%}. Lỗi nhiều nhất: {top}. Số liệu đã xuất bản trước đó được giữ nguyên.",
        f"File held back: {bad}/{total} rows ({bad / total:.1%}) break rules, above the "
        f"{max_quarantine_share():.0%} limit. Most frequent: {top}. The last published numbers stay.",
        name,
    )


def _check_file_period(con: duckdb.DuckDBPyConnection, kind: str, period: str | None) -> None:
    if period is None:
        return
    found = con.execute(
        "SELECT v._file, v.usual_month FROM staging.file_period v JOIN meta.files f ON f.file_name = v._file "
        "WHERE f.kind = ? AND v._period = ? AND v.contradicts_name", [kind, period]).fetchone()
    if found:
        raise InputError(
            f"Tên tệp ghi kỳ {period} nhưng dữ liệu bên trong thuộc kỳ {found[1]}. "
            "Hãy kiểm tra lại kỳ xuất dữ liệu hoặc đổi tên tệp cho đúng.",
            f"The file name says {period} but its data belongs to {found[1]}. "
            "Check the export's period or rename the file.",
            found[0],
        )


def _check_query(kind: str) -> str:
    """Typed rows, their text as written (<column>__raw) and derived columns, for one period."""
    raw = ", ".join(f"r.{c} AS {c}__raw" for c in FILES[kind].names)
    derived = " LEFT JOIN staging.ho_so_derived d USING (_file, _row)" if kind == "ho_so" else ""
    extra = ", d._unit_valid, d._latest_in_file" if kind == "ho_so" else ""
    return (f"SELECT p.*, {raw}{extra} FROM staging.{kind}_parsed p "
            f"JOIN raw.{kind} r USING (_file, _row){derived} WHERE p._period IS NOT DISTINCT FROM ?")


def _parameters(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """Code lists the suites check against: the units and procedures of the reference files."""
    return {
        "units": [c for (c,) in con.execute("SELECT DISTINCT ma_don_vi FROM staging.don_vi WHERE ma_don_vi IS NOT NULL").fetchall()],
        "procedures": [c for (c,) in con.execute(
            "SELECT DISTINCT ma_tthc FROM staging.danh_muc_tthc WHERE ma_tthc IS NOT NULL").fetchall()],
    }
