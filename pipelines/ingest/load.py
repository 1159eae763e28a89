"""Load inbox files into raw tables with lineage, and materialize their typed staging rows.

A file is keyed by (kind, period): a re-export replaces its period, an unchanged file (same
hash) is skipped, so loading the same inbox twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines.config import max_quarantine_share
from pipelines.contract import FILES
from pipelines.db import model_version, run_layer, transaction
from pipelines.errors import InputError
from pipelines.ingest.inbox import InboxFile
from pipelines.ingest.read import file_hash, read_export
from pipelines.validate.rows import Validation, validate_rows

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
        for schema in ("raw", "staging", "core", "kpi", "marts", "meta"):
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
    if rf.frame.height:  # header-only files of quiet months are alike, and rightly so
        _refuse_duplicate(con, f, digest)
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


# Files validated in one GX run: its fixed cost is paid once per batch, and a frame of this many
# rows stays well under a gigabyte.
BATCH_ROWS = 2_000_000


def stage(con: duckdb.DuckDBPyConnection, kind: str, periods: list[str | None], refresh_id: str) -> list[StageResult]:
    """Validate the rows of the kind's files for `periods` (several files to a GX run), then file
    by file enforce the file-level limits and accept the rows that break no critical rule.
    Recorded in meta.validations either way; the first file held back stops the refresh."""
    results = []
    for batch in _batches(con, kind, periods):
        started = time.perf_counter()
        validations = validate_rows(con, kind, batch)
        per_row = (time.perf_counter() - started) / max(1, sum(v.rows for v in validations.values()))
        for period, validation in validations.items():
            started = time.perf_counter() - per_row * validation.rows  # its share of the batch
            try:
                enforce_limits(con, kind, period, validation)
            except InputError as e:
                _record(con, kind, period, refresh_id, validation, None, "held_back", e.vi, started)
                raise
            results.append(accept(con, kind, period, refresh_id, validation, started))
    return results


def _batches(con: duckdb.DuckDBPyConnection, kind: str, periods: list[str | None]) -> list[list[str | None]]:
    """`periods` in order, cut into runs of at most BATCH_ROWS rows (a bigger file goes alone)."""
    size = dict(con.execute("SELECT period, rows_loaded FROM meta.files WHERE kind = ?", [kind]).fetchall())
    batches: list[list[str | None]] = []
    rows = 0
    for period in periods:
        if not batches or rows + size.get(period, 0) > BATCH_ROWS:
            batches.append([])
            rows = 0
        batches[-1].append(period)
        rows += size.get(period, 0)
    return batches


def accept(con: duckdb.DuckDBPyConnection, kind: str, period: str | None, refresh_id: str, validation: Validation,
           started: float) -> StageResult:
    """Move the file's rows that break no critical rule into staging and every broken rule into
    meta.quarantine, in one transaction."""
    quarantined = pl.DataFrame({"_row": validation.bad_rows}, schema={"_row": pl.Int32}).to_arrow()
    found = pl.DataFrame([i.__dict__ for i in validation.issues], schema={
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
        _record(con, kind, period, refresh_id, validation, accepted, "staged", None, started)
    return StageResult(accepted, validation)


@dataclass
class StageResult:
    accepted: int
    validation: Validation

    @property
    def quarantined(self) -> int:
        """Rows kept out of staging."""
        return len(self.validation.bad_rows)

    @property
    def warnings(self) -> int:
        """Rows loaded with a warning."""
        return self.validation.warning_rows


def enforce_limits(con: duckdb.DuckDBPyConnection, kind: str, period: str | None, validation: Validation) -> None:
    """Refuse a file whose contents belong to another period, or that is too broken to be a few
    bad rows (more likely a wrong export): the last good numbers then stay published."""
    _check_file_period(con, kind, period)
    bad, total, limit = len(validation.bad_rows), validation.rows, max_quarantine_share()
    if not total or bad / total <= limit:
        return
    counts = Counter(i.rule for i in validation.issues if i.severity == "critical")
    top = ", ".join(f"{rule} ({n})" for rule, n in counts.most_common(3))
    raise InputError(
        f"Tệp bị giữ lại: {bad}/{total} dòng ({bad / total:.1%}) vi phạm quy tắc, vượt ngưỡng "
        f"{limit:.0%}. Lỗi nhiều nhất: {top}. Số liệu đã xuất bản trước đó được giữ nguyên.",
        f"File held back: {bad}/{total} rows ({bad / total:.1%}) break rules, above the "
        f"{limit:.0%} limit. Most frequent: {top}. The last published numbers stay.",
        f"{kind}_{period}" if period else kind,
    )


def _record(con, kind: str, period: str | None, refresh_id: str, v: Validation, accepted: int | None,
            outcome: str, message: str | None, started: float) -> None:
    """One row of the data-quality history: what this refresh found in this file."""
    rules = Counter((i.rule, i.severity) for i in v.issues)
    con.execute(
        "INSERT INTO meta.validations BY NAME SELECT ? AS refresh_id, ? AS kind, ? AS period, file_name, file_hash, "
        "? AS rows_validated, ? AS rows_accepted, ? AS rows_quarantined, ? AS rows_with_warnings, "
        "? AS expectations_run, ? AS expectations_failed, ? AS rules, ? AS outcome, ? AS message, "
        "? AS seconds, now() AS validated_at FROM meta.files WHERE kind = ? AND period IS NOT DISTINCT FROM ?",
        [refresh_id, kind, period, v.rows, accepted, len(v.bad_rows), v.warning_rows,
         v.expectations, v.failed, [{"rule": r, "severity": s, "rows": n} for (r, s), n in rules.most_common()],
         outcome, message, round(time.perf_counter() - started, 3), kind, period],
    )


def _refuse_duplicate(con: duckdb.DuckDBPyConnection, f: InboxFile, digest: str) -> None:
    """The same bytes under another name are a copy, not another month's export."""
    twin = con.execute("SELECT file_name FROM meta.files WHERE file_hash = ? AND NOT (kind = ? AND period IS NOT "
                       "DISTINCT FROM ?)", [digest, f.kind, f.period]).fetchone()
    if twin:
        raise InputError(
            f"Tệp trùng hoàn toàn với tệp đã nạp {twin[0]}: có lẽ đã chép nhầm. Hãy xuất lại đúng kỳ hoặc bỏ tệp này.",
            f"The file is an exact copy of {twin[0]}, already loaded: probably copied by mistake. "
            "Export the right period again or remove this file.",
            f.path.name,
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
