"""Ingest inbox files: read a batch of files of one kind into the in-memory landing database,
parse and validate them together, then accept into staging, in one transaction, each file's rows
that break no critical rule, with lineage (a file too broken is held back alone).

A file is keyed by (kind, period): a re-export replaces its period, a file whose bytes are already
staged is skipped, so ingesting the same inbox twice changes nothing. The text as read lives only
as long as its batch: the inbox file is the record of what was written, and meta.quarantine keeps
the text of every cell that broke a rule. (Writing every file's text to disk took a third of a
full refresh at 10 million dossiers: DuckDB compresses each column it stores.)
"""

from __future__ import annotations

import codecs
import csv
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from pipelines.config import max_quarantine_share, validation as validation_settings
from pipelines.contract import FILES
from pipelines.db import model_version, run_layer, transaction
from pipelines.errors import DiskFull, InputError
from pipelines.ingest.inbox import InboxFile
from pipelines.ingest.read import TOTALS, Fingerprint, ReadFile, fingerprint, read_export
from pipelines.validate.rows import Validation, import_gx_meanwhile, validate_rows

LINEAGE = {
    "_period": "VARCHAR",
    "_file": "VARCHAR",
    "_sheet": "VARCHAR",
    "_row": "INTEGER",
    "_format": "VARCHAR",
}
# Files parsed and validated together. GX's fixed cost (about a second a run) is paid once per
# batch; measured on 1.3M dossier rows, batches of 0.5M ingest as fast as batches of 2M, and the
# peak memory is 2.3 GB instead of 4.1 (the batch's text is held in Python, in DuckDB, typed and
# as GX's frame).
BATCH_ROWS = 500_000
# The cut-short rule (min_rows_share) judges a month against months of at least this many rows
# (their median): below it a quiet month and a cut export look alike (a month of 1 payment, then none).
MIN_BASELINE_ROWS = 20
# Codes a held-back message lists before "and N more".
LISTED = 10


@dataclass
class FileResult:
    kind: str
    period: str | None
    file_name: str
    status: str  # staged | unchanged | held_back | unreadable
    rows_loaded: int = 0
    rows_skipped: int = 0
    profile: str | None = None
    extra_columns: list[str] = field(default_factory=list)
    accepted: int = 0
    validation: Validation | None = None
    error: InputError | None = None  # why it was held back

    @property
    def quarantined(self) -> int:
        """Rows kept out of staging."""
        return len(self.validation.bad_rows) if self.validation else 0

    @property
    def warnings(self) -> int:
        """Rows loaded with a warning."""
        return self.validation.warning_rows if self.validation else 0


@dataclass
class _Landed:
    """A file read into the landing database, waiting for its batch to be validated."""

    file: InboxFile
    read: ReadFile  # its frame emptied: the rows are in `text`
    fingerprint: Fingerprint
    rows: int
    text: pa.Table | None  # the rows with lineage, until the batch is in landing
    seconds: float  # reading it
    replaces: bool  # its period was staged before
    last_line: LastLine | None = None  # a CSV's last line, when no line break follows it


@dataclass(frozen=True)
class LastLine:
    """A CSV's last line with no line break after it: an export or copy may have stopped in it."""

    fields: int
    expected: int  # the header's fields
    row: int | None  # its row number, when it is the frame's last row
    last_field: str | None  # as written, trimmed; None when empty

    @property
    def short(self) -> bool:
        return self.fields < self.expected


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the layers and attach the landing database; if the contract or SQL changed since the
    file was built, start afresh (every inbox file is then ingested again)."""
    run_layer(con, "meta")
    version = model_version()
    stored = con.execute("SELECT max(version) FROM meta.model").fetchone()[0]
    if stored != version:
        for (schema,) in con.execute("SELECT schema_name FROM duckdb_schemas() WHERE database_name = "
                                     "current_database() AND NOT internal AND schema_name <> 'main'").fetchall():
            con.execute(f"DROP SCHEMA {schema} CASCADE")
        run_layer(con, "meta")
        con.execute("INSERT INTO meta.model VALUES (?, now())", [version])
    con.execute("ATTACH IF NOT EXISTS ':memory:' AS landing")
    for kind in FILES:  # the staging views read them
        con.execute(f"CREATE TABLE IF NOT EXISTS landing.{kind} ({_landing_columns(kind)})")
    run_layer(con, "staging")
    for kind in FILES:
        con.execute(f"CREATE TABLE IF NOT EXISTS staging.{kind} AS SELECT * FROM staging.{kind}_parsed LIMIT 0")
        _clear_landing(con, kind)
    run_layer(con, "checks")


def _landing_columns(kind: str) -> str:
    return ", ".join([f"{c} VARCHAR" for c in FILES[kind].names] + [f"{k} {t}" for k, t in LINEAGE.items()])


def _clear_landing(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """Empty landing tables for the kind, text and typed (replaced rather than emptied, so that
    their memory is freed)."""
    con.execute(f"CREATE OR REPLACE TABLE landing.{kind} ({_landing_columns(kind)})")
    con.execute(f"CREATE OR REPLACE TABLE landing.{kind}_typed AS FROM staging.{kind}_parsed LIMIT 0")


def ingest(con: duckdb.DuckDBPyConnection, files: list[InboxFile], mapping: dict[str, dict[str, str]],
           refresh_id: str) -> list[FileResult]:
    """Stage every changed file among `files`, kind by kind in contract order (reference files
    first, since exports' codes are checked against them), several files to a batch. A file that
    cannot be read, and one held back by the limits (recorded in meta.validations), is returned with
    its error and the other files go on, so the steward hears of them all at once; only a full disk
    stops at once."""
    results = []
    for kind in FILES:
        batch: list[_Landed] = []
        for f in [f for f in files if f.kind == kind]:
            staged = _staged(con, f)
            found = fingerprint(f.path, staged)
            if staged and found.sha256 == staged.sha256:
                results.append(FileResult(f.kind, f.period, f.path.name, "unchanged"))
                continue
            try:
                batch.append(_land(con, f, mapping.get(kind, {}), found, batch, staged is not None))
            except DiskFull:
                raise
            except InputError as e:
                results.append(FileResult(f.kind, f.period, f.path.name, "unreadable", error=e))
                continue
            if sum(landed.rows for landed in batch) >= BATCH_ROWS:
                results += _stage_batch(con, kind, batch, refresh_id)
                batch = []
        if batch:
            results += _stage_batch(con, kind, batch, refresh_id)
    return results


def _staged(con: duckdb.DuckDBPyConnection, f: InboxFile) -> Fingerprint | None:
    found = con.execute("SELECT file_hash, file_size, file_mtime_ns FROM meta.files WHERE kind = ? "
                        "AND period IS NOT DISTINCT FROM ?", [f.kind, f.period]).fetchone()
    return Fingerprint(*found) if found else None


def _land(con: duckdb.DuckDBPyConnection, f: InboxFile, mapping: dict[str, str], found: Fingerprint,
          batch: list[_Landed], replaces: bool) -> _Landed:
    started = time.perf_counter()
    import_gx_meanwhile()
    rf = read_export(f.path, f.kind, mapping)
    if rf.frame.height:  # header-only files of quiet months are alike, and rightly so
        _refuse_duplicate(con, f, found.sha256, batch)
    text = rf.frame.with_columns(
        pl.lit(f.period, pl.String).alias("_period"),
        pl.lit(f.path.name).alias("_file"),
        pl.lit(rf.sheet, pl.String).alias("_sheet"),
        pl.col("_row").cast(pl.Int32),
        pl.lit(rf.file_format).alias("_format"),
    ).to_arrow()
    return _Landed(f, replace(rf, frame=rf.frame.clear()), found, rf.frame.height, text,
                   time.perf_counter() - started, replaces, _last_line(f.path, rf))


def _stage_batch(con: duckdb.DuckDBPyConnection, kind: str, batch: list[_Landed], refresh_id: str) -> list[FileResult]:
    """Parse the batch once, validate it in one GX run, then accept or hold back file by file;
    each file's time is its reading plus its share of the batch's."""
    try:
        started = time.perf_counter()
        text = pa.concat_tables([landed.text for landed in batch])  # one insert: file by file took 4x longer
        con.execute(f"INSERT INTO landing.{kind} BY NAME SELECT * FROM text")
        del text
        for landed in batch:
            landed.text = None
        con.execute(f"CREATE OR REPLACE TABLE landing.{kind}_typed AS FROM staging.{kind}_parsed")
        validations = validate_rows(con, kind, [landed.file.period for landed in batch])
        per_row = (time.perf_counter() - started) / max(1, sum(landed.rows for landed in batch))
        results, passed = [], []
        misdated = {f: rest for f, *rest in con.execute(  # once a batch: a query per file was a twentieth of ingesting
            "SELECT _file, bulk_month, bulk_rows, dated_rows FROM staging.file_period WHERE contradicts_name")
            .fetchall()}
        months = dict(con.execute("SELECT period, \"rows\" FROM staging.month_rows WHERE kind = ?", [kind]).fetchall())
        for landed in batch:
            validation = validations[landed.file.period]
            began = time.perf_counter() - landed.seconds - per_row * landed.rows
            try:
                enforce_limits(con, landed, validation, misdated, _baseline(landed, months, batch))
                passed.append((landed, validation, began))
            except InputError as e:
                _record(con, landed, refresh_id, validation, None, "held_back", e.vi, began)
                results.append(_result(landed, "held_back", validation, error=e))
        return accept(con, kind, passed, refresh_id) + results
    finally:
        _clear_landing(con, kind)


def _result(landed: _Landed, status: str, validation: Validation, accepted: int = 0,
            error: InputError | None = None) -> FileResult:
    rf = landed.read
    return FileResult(landed.file.kind, landed.file.period, landed.file.path.name, status, landed.rows,
                      len(rf.skipped), rf.profile, rf.extra_columns, accepted, validation, error)


def accept(con: duckdb.DuckDBPyConnection, kind: str, passed: list[tuple[_Landed, Validation, float]],
           refresh_id: str) -> list[FileResult]:
    """Replace the periods of the files that passed: their bookkeeping (meta.files, totals rows
    skipped), the rows that break no critical rule in staging, and every broken rule in
    meta.quarantine; and note for core what it must rebuild (staging.core_pending: what the new rows
    change, staging.changed_keys). One transaction for the batch: a commit per file was a sixth of
    ingesting."""
    if not passed:
        return []
    # files, quarantined, found and skipped are read by name in the SQL below (replacement scans)
    files = pl.DataFrame([{  # noqa: F841
        "kind": kind, "period": landed.file.period, "file_name": landed.file.path.name, "sheet": landed.read.sheet,
        "file_hash": landed.fingerprint.sha256, "file_size": landed.fingerprint.size,
        "file_mtime_ns": landed.fingerprint.mtime_ns, "file_format": landed.read.file_format,
        "profile": landed.read.profile,
        "header_row": landed.read.header_row, "rows_read": landed.rows + len(landed.read.skipped),
        "rows_loaded": landed.rows, "rows_skipped": len(landed.read.skipped),
        "extra_columns": landed.read.extra_columns, "missing_columns": landed.read.missing_columns,
        "refresh_id": refresh_id} for landed, _, _ in passed], schema=_FILES_SCHEMA).to_arrow()
    quarantined = pl.DataFrame([(landed.file.path.name, row) for landed, v, _ in passed for row in v.bad_rows],  # noqa: F841
                               schema={"_file": pl.String, "_row": pl.Int32}, orient="row").to_arrow()
    found = pl.DataFrame([{"kind": kind, "period": landed.file.period, "file_name": landed.file.path.name,  # noqa: F841
                           "sheet": landed.read.sheet, **i.__dict__} for landed, v, _ in passed for i in v.issues],
                         schema=_QUARANTINE_SCHEMA).to_arrow()
    skipped = pl.DataFrame([(kind, landed.file.period, landed.file.path.name, *s, refresh_id)  # noqa: F841
                            for landed, _, _ in passed for s in landed.read.skipped],
                           schema=_SKIPPED_SCHEMA, orient="row").to_arrow()
    same = "kind = $kind AND coalesce(period, '') IN (SELECT coalesce(period, '') FROM files)"
    new_rows = (f"SELECT t.* FROM landing.{kind}_typed t SEMI JOIN files f ON f.file_name = t._file "
                "ANTI JOIN quarantined q USING (_file, _row)")
    with transaction(con):
        if FILES[kind].monthly and any(landed.replaces for landed, _, _ in passed):
            # compared with the rows and warnings they replace, before those are gone
            con.execute(f"CREATE OR REPLACE TEMP TABLE incoming AS SELECT a.*, w.warnings FROM ({new_rows}) a "
                        "LEFT JOIN staging.warnings_of('found') w USING (_file, _row)")
            con.execute(f"INSERT INTO staging.core_pending FROM staging.changed_keys('{kind}', 'incoming', 'files')")
            new_rows = "SELECT * EXCLUDE (warnings) FROM incoming"
        elif FILES[kind].monthly:  # periods staged for the first time: all their rows
            con.execute("INSERT INTO staging.core_pending SELECT kind, period, NULL FROM files")
        for table in ("meta.files", "meta.skipped_rows", "meta.quarantine"):
            con.execute(f"DELETE FROM {table} WHERE {same}", {"kind": kind})
        con.execute("INSERT INTO meta.files BY NAME SELECT *, now() AS loaded_at FROM files")
        con.execute("INSERT INTO meta.skipped_rows BY NAME SELECT * FROM skipped")
        con.execute("INSERT INTO meta.quarantine BY NAME SELECT *, now() AS found_at FROM found")
        con.execute(f"DELETE FROM staging.{kind} WHERE coalesce(_period, '') IN "
                    "(SELECT coalesce(period, '') FROM files)")
        con.execute(f"INSERT INTO staging.{kind} {new_rows}")  # one insert per table and transaction (each
        con.execute("DROP TABLE IF EXISTS incoming")  # above too): see warehouse/README.md
        results = []
        for landed, validation, began in passed:
            accepted = landed.rows - len(validation.bad_rows)
            _record(con, landed, refresh_id, validation, accepted, "staged", None, began)
            results.append(_result(landed, "staged", validation, accepted))
    return results


_FILES_SCHEMA = {
    "kind": pl.String, "period": pl.String, "file_name": pl.String, "sheet": pl.String, "file_hash": pl.String,
    "file_size": pl.Int64, "file_mtime_ns": pl.Int64,
    "file_format": pl.String, "profile": pl.String, "header_row": pl.Int32, "rows_read": pl.Int32,
    "rows_loaded": pl.Int32, "rows_skipped": pl.Int32, "extra_columns": pl.List(pl.String),
    "missing_columns": pl.List(pl.String), "refresh_id": pl.String}
_QUARANTINE_SCHEMA = {
    "kind": pl.String, "period": pl.String, "file_name": pl.String, "sheet": pl.String, "row": pl.Int32,
    "column": pl.String, "value": pl.String, "rule": pl.String, "severity": pl.String, "message_vi": pl.String,
    "message_en": pl.String}
_SKIPPED_SCHEMA = {"kind": pl.String, "period": pl.String, "file_name": pl.String, "row": pl.Int32,
                   "reason": pl.String, "content": pl.String, "refresh_id": pl.String}


def enforce_limits(con: duckdb.DuckDBPyConnection, landed: _Landed, validation: Validation,
                   misdated: dict[str, list], baseline: tuple[float, list[str]] | None = None) -> None:
    """Refuse a file whose last line was cut, whose contents belong to another period (`misdated`:
    file name → the month the bulk of its rows begins in, how many do, and how many have a date to
    tell: staging.file_period), that is far smaller than the months before it (`baseline`: their
    median rows and which months, from _baseline), that is too broken to be a few bad rows (more
    likely a wrong export), or a reference file that would empty, repeat or drop what the loaded
    data uses: the last good numbers then stay published. A repeated key is told before the share
    of quarantined rows, which its copies are part of."""
    _check_last_line(landed, validation)
    _check_file_period(landed.file, misdated)
    _check_row_count(landed, baseline)
    _check_reference_keys(con, landed)
    bad, total, limit = len(validation.bad_rows), validation.rows, max_quarantine_share()
    if total and bad / total > limit:
        counts = Counter(i.rule for i in validation.issues if i.severity == "critical")
        top = ", ".join(f"{rule} ({n})" for rule, n in counts.most_common(3))
        raise InputError(
            f"Tệp bị giữ lại: {bad}/{total} dòng ({bad / total:.1%}) vi phạm quy tắc, vượt ngưỡng "
            f"{limit:.0%}. Lỗi nhiều nhất: {top}. Số liệu đã xuất bản trước đó được giữ nguyên.",
            f"File held back: {bad}/{total} rows ({bad / total:.1%}) break rules, above the "
            f"{limit:.0%} limit. Most frequent: {top}. The last published numbers stay.",
            landed.file.path.name,
        )
    _check_reference(con, landed, validation)


def _record(con, landed: _Landed, refresh_id: str, v: Validation, accepted: int | None, outcome: str,
            message: str | None, started: float) -> None:
    """One row of the data-quality history: what this refresh found in this file."""
    rules = Counter((i.rule, i.severity) for i in v.issues)
    con.execute(
        "INSERT INTO meta.validations BY NAME SELECT ? AS refresh_id, ? AS kind, ? AS period, ? AS file_name, "
        "? AS file_hash, ? AS rows_validated, ? AS rows_accepted, ? AS rows_quarantined, ? AS rows_with_warnings, "
        "? AS expectations_run, ? AS expectations_failed, ? AS rules, ? AS outcome, ? AS message, "
        "? AS seconds, now() AS validated_at",
        [refresh_id, landed.file.kind, landed.file.period, landed.file.path.name, landed.fingerprint.sha256, v.rows,
         accepted, len(v.bad_rows), v.warning_rows, v.expectations, v.failed,
         [{"rule": r, "severity": s, "rows": n} for (r, s), n in rules.most_common()],
         outcome, message, round(time.perf_counter() - started, 3)],
    )


def _refuse_duplicate(con: duckdb.DuckDBPyConnection, f: InboxFile, digest: str, batch: list[_Landed]) -> None:
    """The same bytes under another name are a copy, not another month's export."""
    twin = next((landed.file.path.name for landed in batch if landed.fingerprint.sha256 == digest), None)
    if twin is None:
        staged = con.execute("SELECT file_name FROM meta.files WHERE file_hash = ? AND NOT (kind = ? AND period "
                             "IS NOT DISTINCT FROM ?)", [digest, f.kind, f.period]).fetchone()
        twin = staged and staged[0]
    if twin:
        raise InputError(
            f"Tệp trùng hoàn toàn với tệp đã nạp {twin}: có lẽ đã chép nhầm. Hãy xuất lại đúng kỳ hoặc bỏ tệp này.",
            f"The file is an exact copy of {twin}, already loaded: probably copied by mistake. "
            "Export the right period again or remove this file.",
            f.path.name,
        )


# What "begins" means for each kind, in the misnamed file's message (warehouse/checks/20_file_period.sql).
_BEGAN = {
    "ho_so": ("hồ sơ được nộp hoặc tiếp nhận", "dossiers were submitted or accepted"),
    "thanh_toan": ("giao dịch được thanh toán", "payments were made"),
    "so_hoa": ("giấy tờ thuộc hồ sơ tiếp nhận (hoặc, nếu không tìm thấy hồ sơ, được số hóa)",
               "documents belong to dossiers accepted (or, where the dossier is not found, were digitized)"),
}


def _check_file_period(f: InboxFile, misdated: dict[str, list]) -> None:
    """A monthly file whose bulk of rows begins in another month is misnamed (exports.md, Files):
    the message names that month, how many rows begin in it, and the name the file would have."""
    if f.period is None or f.path.name not in misdated:
        return
    month, rows, dated = misdated[f.path.name]
    began_vi, began_en = _BEGAN[f.kind]
    renamed = f"{f.kind}_{month}{f.path.suffix}"
    raise InputError(
        f"Tên tệp ghi kỳ {f.period} nhưng phần lớn dữ liệu bên trong thuộc kỳ {month}: {rows}/{dated} "
        f"{began_vi} trong tháng {month}. Hãy kiểm tra lại kỳ xuất dữ liệu, hoặc đổi tên tệp thành "
        f"{renamed} nếu đó đúng là dữ liệu kỳ {month}.",
        f"The file name says {f.period} but most of its data belongs to {month}: {rows} of {dated} "
        f"{began_en} in {month}. Check the export's period, or rename the file {renamed} if it is "
        f"{month}'s data.",
        f.path.name,
    )


def _listed(items: list[str]) -> tuple[str, str]:
    """The first LISTED items and how many more, in Vietnamese and English: a message names the
    codes without filling a screen."""
    shown, rest = ", ".join(items[:LISTED]), len(items) - LISTED
    return (f"{shown} … và {rest} mã khác", f"{shown} … and {rest} more codes") if rest > 0 else (shown, shown)


def _last_line(path: Path, rf: ReadFile) -> LastLine | None:
    """A CSV's last line, when no line break follows it. Cut mid-line (an export or a copy stopped
    short), it has fewer fields than the header (the reader pads them with empty cells, so its row
    could load with its last columns empty), or all of them and a last field stopped mid-value.
    Reads the file's first and last 64 KB only."""
    if rf.file_format != "csv":
        return None
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(1 << 16)
        start = max(0, size - (1 << 16))
        wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        f.seek(start + (start % 2 if wide else 0))  # UTF-16: from a character's first byte
        tail = f.read()
    encoding = ("utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be") if wide else "utf-8"
    tail_text = tail.decode(encoding, errors="ignore")
    if not tail_text.strip() or tail_text.endswith(("\n", "\r")):
        return None
    head_lines = head.decode(encoding, errors="ignore").lstrip("\ufeff").splitlines()
    if len(head_lines) < rf.header_row:
        return None
    header_line, last = head_lines[rf.header_row - 1], tail_text.splitlines()[-1]

    def fields(line: str, sep: str) -> list[str]:
        return next(csv.reader([line], delimiter=sep), [])

    sep = max((",", ";", "\t"), key=lambda d: len(fields(header_line, d)))  # as the reader finds it
    cells, expected = fields(last, sep), len(fields(header_line, sep))
    first = next((c.strip() for c in cells if c.strip()), "")
    if not first or (len(cells) < expected and re.match(TOTALS, first)):  # a short totals row is no cut
        return None
    rows = rf.frame["_row"]
    row = rows.max() if rows.len() else None
    if row is not None and any(r > row for r, _, _ in rf.skipped):  # the last line was skipped (totals)
        row = None
    return LastLine(len(cells), expected, row, cells[-1].strip() or None)


def _check_last_line(landed: _Landed, validation: Validation) -> None:
    """Held back when the last line (no line break after it) is short of fields, or has them all
    but its row breaks a rule with its last field's value as written: more likely an export or a
    copy stopped in that field than a bad last value, and the rows after it are lost either way."""
    line = landed.last_line
    if line is None:
        return
    if line.short:
        vi = f"chỉ có {line.fields}/{line.expected} cột"
        en = f"{line.fields} of {line.expected} fields"
    else:
        broken = line.last_field and next((i for i in validation.issues if i.severity == "critical"
                                           and i.row == line.row and i.value == line.last_field), None)
        if not broken:  # an empty last field is no sign: an optional column may be empty
            return
        vi = f"ô cuối (cột {broken.column}, \"{broken.value}\") không đọc được ({broken.rule})"
        en = f"its last field (column {broken.column}, \"{broken.value}\") does not read ({broken.rule})"
    raise InputError(
        f"Dòng cuối của tệp bị cắt ngang: {vi} và tệp không kết thúc bằng dấu xuống dòng, có lẽ việc xuất "
        "hoặc chép tệp chưa xong. Hãy xuất lại tệp. Tệp bị giữ lại (quy tắc file_last_line_cut); số liệu "
        "đã xuất bản trước đó được giữ nguyên.",
        f"The file's last line is cut short: {en} and no line break at the end, so the export or copy "
        "probably did not finish. Export the file again. File held back (rule file_last_line_cut); the "
        "last published numbers stay.",
        landed.file.path.name,
    )


def _baseline(landed: _Landed, months: dict[str, int],
              batch: list[_Landed]) -> tuple[float, list[str]] | None:
    """What a monthly file's rows are compared with: the median rows of the (up to 3) months
    loaded before its period, the batch's files counted as loaded (a whole history arrives in one
    batch); for the first month of its kind (a re-export of the first month), the version it
    replaces; nothing for the very first file of its kind. `months`: rows staged per period
    (staging.month_rows)."""
    period = landed.file.period
    if period is None:
        return None
    rows = months | {other.file.period: other.rows for other in batch if other is not landed}
    before = sorted(p for p in rows if p < period)[-3:]
    if before:
        return statistics.median(rows[p] for p in before), before
    if period in months:
        return months[period], [period]
    return None


def _check_row_count(landed: _Landed, baseline: tuple[float, list[str]] | None) -> None:
    """A monthly file far smaller than the months before it was most likely cut short (an export
    stopped half way published 4,876 dossiers instead of 5,000 without a word), and a header-only
    re-export would empty its month: held back unless [validation] min_rows_share is 0."""
    share = float(validation_settings()["min_rows_share"])
    if baseline is None or not share:
        return
    median, months = baseline
    rows, f = landed.rows, landed.file
    if median < MIN_BASELINE_ROWS or rows >= share * median:
        return
    if months == [f.period]:
        against_vi, against_en = f"bản đã nạp của kỳ {f.period}", f"the loaded version of {f.period}"
    else:
        against_vi, against_en = f"các kỳ {', '.join(months)}", ", ".join(months)
    if rows == 0:
        rule = "file_no_rows"
        found_vi = (f"Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào (trung vị của {against_vi}: "
                    f"{median:.0f} dòng)")
        found_en = f"The file has a header and no data rows (the median of {against_en}: {median:.0f} rows)"
    else:
        rule = "file_cut_short"
        found_vi = (f"Tệp chỉ có {rows} dòng, ít hơn {share:.0%} trung vị {median:.0f} dòng của {against_vi}: "
                    "có lẽ tệp xuất bị cắt ngang")
        found_en = (f"The file has {rows} rows, fewer than {share:.0%} of the median {median:.0f} rows of "
                    f"{against_en}: the export was probably cut short")
    raise InputError(
        f"{found_vi}. Hãy xuất lại đủ tệp; nếu kỳ {f.period} thật sự ít dữ liệu như vậy, đặt [validation] "
        f"min_rows_share = 0 cho lần làm mới này. Tệp bị giữ lại (quy tắc {rule}); số liệu đã xuất bản trước "
        "đó được giữ nguyên.",
        f"{found_en}. Export the whole file again; if {f.period} really had so little, set [validation] "
        f"min_rows_share = 0 for this refresh. File held back (rule {rule}); the last published numbers stay.",
        f.path.name,
    )


# The reference kinds guarded, and what their messages call their codes and rows (vi, en).
_REFERENCE = {
    "don_vi": ("mã đơn vị", "unit codes", "đơn vị", "unit"),
    "danh_muc_tthc": ("mã TTHC", "procedure codes", "thủ tục", "procedure"),
}
_KEPT = ("Tệp bị giữ lại (quy tắc {rule}); danh mục đã nạp trước đó vẫn được dùng.",
         "File held back (rule {rule}); the one loaded before stays in force.")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _check_reference_keys(con: duckdb.DuckDBPyConnection, landed: _Landed) -> None:
    """A key on several rows of a reference file: the suites quarantine every copy, so the unit or
    procedure would vanish from the numbers (one repeated row moved 340 dossiers out of the
    province's figures). The contract keys a unit by its code alone, its whole validity on its row,
    and core joins the facts on it; so the same code with successive validity ranges is refused too."""
    kind, name = landed.file.kind, landed.file.path.name
    if kind not in _REFERENCE:
        return
    codes_vi, codes_en, what_vi, what_en = _REFERENCE[kind]
    repeated = con.execute(f"SELECT \"key\", rows_at FROM staging.reference_duplicates('{kind}')").fetchall()
    if not repeated:
        return
    shown_vi, _ = _listed([f"{k} (dòng {', '.join(map(str, r))})" for k, r in repeated])
    _, shown_en = _listed([f"{k} (rows {', '.join(map(str, r))})" for k, r in repeated])
    one_vi, one_en = (("một dòng, ghi cả thời gian hiệu lực trên dòng đó (đơn vị sáp nhập thì ghi mã kế thừa)",
                       "one row, with its whole validity on it (a merged unit names its successor)")
                      if kind == "don_vi" else ("một dòng", "one row"))
    rule = "reference_duplicate_key"
    raise InputError(
        f"{len(repeated)} {codes_vi} bị lặp trên nhiều dòng: {shown_vi}. Mỗi {what_vi} chỉ có {one_vi}; nạp tệp "
        f"này sẽ cách ly mọi bản lặp và đưa các hồ sơ của chúng ra khỏi số liệu. {_KEPT[0].format(rule=rule)}",
        f"{codes_en.capitalize()} on several rows ({len(repeated)}): {shown_en}. Each {what_en} has {one_en}; "
        f"loading the file would quarantine every copy and take their dossiers out of the numbers. "
        f"{_KEPT[1].format(rule=rule)}",
        name,
    )


def _check_reference(con: duckdb.DuckDBPyConnection, landed: _Landed, validation: Validation) -> None:
    """A reference file replaces the last one whole, so it must not empty the list or drop a code
    the loaded dossiers use (warehouse/checks/40_reference_guard.sql): a header-only don_vi
    published no unit at all and turned every open alert into a recovery; a unit or procedure left
    out changed the numbers silently. Dropping codes is allowed up to [validation]
    max_unknown_share of the loaded dossiers (0 by default). Refused, the last good reference stays
    in force: in staging, in the published copy and for the alerts."""
    kind, name = landed.file.kind, landed.file.path.name
    if kind not in _REFERENCE:
        return
    codes_vi, codes_en, what_vi, what_en = _REFERENCE[kind]
    quarantined = len(validation.bad_rows)
    if landed.rows == quarantined:
        rule = "reference_empty"
        raise InputError(
            f"Tệp không có dòng nào được nhận ({landed.rows} dòng đọc, {quarantined} bị cách ly): nạp tệp này sẽ "
            f"xóa mọi {what_vi}. {_KEPT[0].format(rule=rule)}",
            f"The file has no row that can be accepted ({landed.rows} read, {quarantined} quarantined): loading it "
            f"would remove every {what_en}. {_KEPT[1].format(rule=rule)}",
            name,
        )
    bad = pa.table({"_row": pa.array(validation.bad_rows, pa.int32())})  # noqa: F841 (read by the query)
    con.execute(f"CREATE OR REPLACE TEMP TABLE reference_incoming AS FROM landing.{kind}_typed "
                "WHERE _file = ? AND _row NOT IN (SELECT _row FROM bad)", [name])
    try:
        macro = "staging.units_dropped" if kind == "don_vi" else "staging.procedures_dropped"
        dropped = con.execute(f"SELECT code, why, dossiers FROM {macro}('reference_incoming')").fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS reference_incoming")
    if not dropped:
        return
    lost = sum(n for _, _, n in dropped)  # a dossier whose versions name two dropped codes counts twice
    loaded = con.execute("SELECT dossiers FROM staging.dossiers_loaded").fetchone()[0] or 1
    limit = float(validation_settings()["max_unknown_share"])
    if lost / loaded <= limit:
        return
    why_vi = {"missing": "không còn trong tệp", "validity": "hiệu lực không còn bao thời gian xử lý hồ sơ"}
    why_en = {"missing": "not in the file", "validity": "its validity no longer covers them"}
    shown_vi, _ = _listed([f"{c} ({n} hồ sơ, {why_vi[w]})" for c, w, n in dropped])
    _, shown_en = _listed([f"{c} ({_plural(n, 'dossier')}, {why_en[w]})" for c, w, n in dropped])
    keep_vi, keep_en = (("giữ các mã này trong tệp (đơn vị đã giải thể: giữ dòng của nó, với «Hiệu lực đến» và mã "
                         "kế thừa)", "keep these codes in the file (a unit that ended: keep its row, with its "
                         "'Hiệu lực đến' and its successor)")
                        if kind == "don_vi" else ("giữ các mã này trong tệp", "keep these codes in the file"))
    rule = "reference_drops_codes_in_use"
    raise InputError(
        f"Tệp bỏ mất {len(dropped)} {codes_vi} mà hồ sơ đã nạp đang dùng: {shown_vi}. {lost} hồ sơ "
        f"({lost / loaded:.1%} số hồ sơ đã nạp; ngưỡng max_unknown_share {limit:.0%}) sẽ không còn {what_vi} và ra "
        f"khỏi các chỉ số. Hãy {keep_vi}. {_KEPT[0].format(rule=rule)}",
        f"The file drops {codes_en} the loaded dossiers use ({len(dropped)}): {shown_en}. "
        f"{_plural(lost, 'dossier')} ({lost / loaded:.1%} of those loaded; limit max_unknown_share {limit:.0%}) "
        f"would lose their {what_en} and leave the indicators. Please {keep_en}. {_KEPT[1].format(rule=rule)}",
        name,
    )
