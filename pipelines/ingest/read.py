"""Read one export file (CSV in UTF-8/UTF-16, any delimiter, or XLSX) into text columns.

Everything stays text here: typing is staging's job (warehouse/staging), so that a value that
does not parse can still be shown to the steward exactly as it was written.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.contract import FILES, header_aliases, header_key
from pipelines.errors import InputError

HEADER_SEARCH_ROWS = 30  # title rows an XLSX report may carry above its header
# A totals row's first cell: "Tổng cộng…", or one of these words alone or before a space or a colon.
TOTALS = r"(?i)^(?:tổng cộng|(?:tổng số|tổng|cộng|total)(?:[ :]|$))"


@dataclass
class ReadFile:
    """One export file's data rows, with canonical column names and spreadsheet row numbers."""

    path: Path
    kind: str
    file_format: str  # csv | xlsx
    sheet: str | None
    header_row: int
    profile: str  # vi | dvcqg | mapped
    frame: pl.DataFrame  # canonical columns (text) + _row
    extra_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, content)


@dataclass(frozen=True)
class Fingerprint:
    """A file's sha256, with the size and modification time it had when it was hashed."""

    sha256: str
    size: int
    mtime_ns: int


def fingerprint(path: Path, known: Fingerprint | None = None) -> Fingerprint:
    """The file's fingerprint; `known` itself, without reading the file, when the file still has
    the size and modification time `known` was taken with (hashing the 5.6 GB of exports of 10
    million dossiers took 6 s of every refresh). A new or copied export gets a new modification
    time, as make and rsync rely on."""
    stat = path.stat()
    if known and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
        return known
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return Fingerprint(h.hexdigest(), stat.st_size, stat.st_mtime_ns)


def read_export(path: Path, kind: str, mapping: dict[str, str] | None = None) -> ReadFile:
    if path.stat().st_size == 0:
        raise InputError("Tệp rỗng, không có dữ liệu.", "The file is empty.", path.name)
    if path.suffix.lower() == ".xlsx":
        grid, sheet = _xlsx_grid(path)
        fmt = "xlsx"
    else:
        grid, sheet = _csv_grid(path), None
        fmt = "csv"
    aliases = header_aliases(kind, mapping)
    header_idx = _find_header(grid, aliases, kind, path)
    header = [grid[c][header_idx] for c in grid.columns]
    body = grid.slice(header_idx + 1)
    row_numbers = pl.int_range(header_idx + 2, header_idx + 2 + body.height, eager=True)
    return _canonical(path, kind, fmt, sheet, header_idx + 1, header, body, row_numbers, aliases, mapping)


def _csv_grid(path: Path) -> pl.DataFrame:
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data.decode("utf-16").encode("utf-8")
    elif data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data or data.isspace():  # data.strip() would copy the file
        raise InputError("Tệp rỗng, không có dữ liệu.", "The file is empty.", path.name)
    # The head is enough to find the delimiter and the header; polars checks that the rest is UTF-8
    # (decoding a whole file here only to check it was a tenth of reading it).
    head = data[:65536].decode("utf-8", errors="ignore").splitlines()[:HEADER_SEARCH_ROWS]
    sep = _sniff_delimiter(head)
    # Title lines may stand above the header: parse from the header line on, all as text.
    offset = _csv_header_line(head, sep)
    try:
        grid = pl.read_csv(
            data, has_header=False, separator=sep, skip_rows=offset, infer_schema=False,
            quote_char="\"",
        )
    except pl.exceptions.PolarsError as e:
        _refuse_non_utf8(data, path)
        found = str(e).split("\n\n")[0].strip()  # polars' own advice after it is for programmers
        raise InputError(
            f"Tệp CSV hỏng: có dấu ngoặc kép chưa đóng hoặc số cột không đều giữa các dòng. Hãy xuất lại tệp "
            f"từ hệ thống ({found}).",
            f"Malformed CSV: an unclosed quote or rows with differing numbers of fields. Export the file again "
            f"from the system ({found}).",
            path.name,
        ) from None
    grid = grid.rename({c: f"c{i}" for i, c in enumerate(grid.columns)})
    return pl.concat([pl.DataFrame({c: [None] * offset for c in grid.columns},
                                   schema={c: pl.String for c in grid.columns}), grid])


def _refuse_non_utf8(data: bytes, path: Path) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            f"Tệp không phải mã UTF-8 (lỗi tại byte {e.start}). Hãy xuất lại tệp với mã Unicode "
            "UTF-8; nếu dữ liệu đang ở bảng mã TCVN3/VNI, hãy chuyển sang Unicode trước.",
            f"The file is not UTF-8 (bad byte at offset {e.start}). Re-export it as UTF-8; "
            "convert TCVN3/VNI text to Unicode first.",
            path.name,
        ) from None


def _csv_header_line(head: list[str], sep: str) -> int:
    """The first line with as many fields as the widest of the first lines (title lines are narrower)."""
    widths = [len(next(csv.reader([line], delimiter=sep), [])) for line in head]
    return widths.index(max(widths)) if widths else 0


def _sniff_delimiter(sample: list[str]) -> str:
    """The delimiter that splits the header-bearing lines into the most fields, among , ; and tab."""
    best, best_score = ",", -1
    for sep in (",", ";", "\t"):
        score = max((len(next(csv.reader([line], delimiter=sep), [])) for line in sample), default=0)
        if score > best_score:
            best, best_score = sep, score
    return best


def _xlsx_grid(path: Path) -> tuple[pl.DataFrame, str]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        name = reader.sheet_names[0]
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
    except Exception as e:  # calamine reports corrupt files with many exception types
        raise InputError(
            f"Không đọc được tệp Excel: {e}. Hãy mở và lưu lại tệp dưới dạng .xlsx.",
            f"Cannot read the Excel file: {e}. Open and save it again as .xlsx.",
            path.name,
        ) from None
    grid = sheet.to_polars()
    return grid.rename({c: f"c{i}" for i, c in enumerate(grid.columns)}), name


def _find_header(grid: pl.DataFrame, aliases: dict[str, str], kind: str, path: Path) -> int:
    best, best_hits = -1, 0
    for i in range(min(HEADER_SEARCH_ROWS, grid.height)):
        hits = sum(1 for c in grid.columns if grid[c][i] is not None and header_key(grid[c][i]) in aliases)
        if hits > best_hits:
            best, best_hits = i, hits
    if best_hits < 2:
        expected = ", ".join(c.header for c in FILES[kind].columns if c.required)
        raise InputError(
            f"Không tìm thấy dòng tiêu đề cột trong {HEADER_SEARCH_ROWS} dòng đầu. "
            f"Các cột bắt buộc: {expected}. Nếu tệp dùng tên cột khác, hãy khai báo trong column_mapping.csv.",
            f"No header row found in the first {HEADER_SEARCH_ROWS} rows. Required columns: {expected}. "
            "If the source uses other headers, declare them in column_mapping.csv.",
            path.name,
        )
    return best


def _canonical(path, kind, fmt, sheet, header_row, header, body, row_numbers, aliases, mapping) -> ReadFile:
    spec = FILES[kind]
    selected: dict[str, str] = {}
    extra: list[str] = []
    profiles: set[str] = set()
    dvcqg = {header_key(c.dvcqg) for c in spec.columns if c.dvcqg}
    mapped = {header_key(k) for k in (mapping or {})}
    for col, text in zip(body.columns, header):
        if text is None or not str(text).strip():
            continue
        key = header_key(text)
        name = aliases.get(key)
        if name is None:
            extra.append(str(text))
        elif name not in selected.values():
            selected[col] = name
            profiles.add("mapped" if key in mapped else "dvcqg" if key in dvcqg else "vi")
    missing = [c for c in spec.names if c not in selected.values()]
    missing_required = [c.header for c in spec.columns if c.required and c.name in missing]
    if missing_required:
        raise InputError(
            f"Thiếu cột bắt buộc: {', '.join(missing_required)}. Hãy xuất lại tệp đủ cột, hoặc khai báo "
            "tên cột của hệ thống nguồn trong column_mapping.csv.",
            f"Missing required columns: {', '.join(missing_required)}. Re-export with all columns, "
            "or map the source's headers in column_mapping.csv.",
            path.name,
        )
    frame = body.select([pl.col(c).alias(n) for c, n in selected.items()])
    frame = frame.with_columns(
        [pl.lit(None, pl.String).alias(c) for c in missing]
    ).select(spec.names)
    frame = _nfc(frame.with_columns(_trimmed(pl.col(c)) for c in spec.names)).with_columns(row_numbers.alias("_row"))
    _reject_mojibake(frame, spec, path)
    first = min(body.columns.index(c) for c in selected)  # columns before it may hold a totals label (STT)
    leading = pl.DataFrame()
    if first:
        leading = _nfc(body.select(_trimmed(pl.col(c)).alias(f"_lead{i}") for i, c in enumerate(body.columns[:first])))
    frame, skipped = _drop_blank_and_totals(frame, spec.names, leading)
    profile = "mapped" if "mapped" in profiles else "dvcqg" if "dvcqg" in profiles else "vi"
    return ReadFile(path, kind, fmt, sheet, header_row, profile, frame, extra, missing, skipped)


def _trimmed(cell: pl.Expr) -> pl.Expr:
    """Trimmed, and empty as NULL."""
    cell = cell.str.strip_chars()
    return pl.when(cell != "").then(cell)


def _nfc(frame: pl.DataFrame) -> pl.DataFrame:
    """Text in NFC: a decomposed "ế" is two code points a code list would not match. Normalized
    value by value among the distinct non-ASCII values of a column that has any, and replaced only
    where it changes: normalizing every cell was two thirds of reading a dossier file."""
    text = pl.col(pl.String)
    non_ascii = frame.select((text.str.len_bytes() != text.str.len_chars()).any()).row(0, named=True)
    fixes = []
    for name in [name for name, found in non_ascii.items() if found]:
        values = frame[name].unique().drop_nulls()
        values = values.filter(values.str.contains(r"[^\x00-\x7f]"))
        nfc = values.str.normalize("NFC")
        changed = values != nfc
        if changed.any():
            fixes.append(pl.col(name).replace(values.filter(changed), nfc.filter(changed)))
    return frame.with_columns(fixes)


# Latin-1 letters and signs that Vietnamese never uses, but that TCVN3 (¸ µ ¶ ¬ å …) and VNI
# (ä ö ø ü ï …) text shows when read as Unicode: such text is garbled, not data.
MOJIBAKE = re.compile(r"[¡¢£¤¥¦§¨ª¬®¯±²³´µ¶¸¹º¼½¾¿ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïðñöøûüþÿ]")


def _reject_mojibake(frame: pl.DataFrame, spec, path: Path) -> None:
    """Refuse text in a legacy encoding read as Unicode. The signs are counted per column; the frame
    is filtered only for the example (filtering it for every column was a sixth of reading a file)."""
    names = [c.name for c in spec.columns if c.kind == "text" and c.name.startswith(("ten_", "danh_gia"))]
    if not names:
        return
    garbled = frame.select(pl.col(names).str.contains(MOJIBAKE.pattern).sum()).row(0, named=True)
    for name, found in garbled.items():
        if found and found >= min(3, frame.height):  # one stray sign is not a garbled file
            sample = frame[name].filter(frame[name].str.contains(MOJIBAKE.pattern))[0]
            raise InputError(
                f"Chữ tiếng Việt bị lỗi mã (ví dụ «{sample}» ở cột {name}): tệp có vẻ dùng bảng mã cũ TCVN3/VNI. "
                "Hãy chuyển sang Unicode (ví dụ bằng Unikey Toolkit) rồi xuất lại.",
                f"Vietnamese text is garbled (e.g. '{sample}' in {name}): the file seems to use a legacy "
                "TCVN3/VNI encoding. Convert it to Unicode and export again.",
                path.name,
            )


def _drop_blank_and_totals(frame: pl.DataFrame, names: list[str], leading: pl.DataFrame) -> tuple[pl.DataFrame, list]:
    """Blank rows and a trailing totals row ("Tổng cộng") are not data; they are reported, not loaded.
    A totals row is told by its first filled cell, which may sit in a column the contract does not
    name (`leading`: those before its first column, such as STT). The frame is copied only when it
    has such rows (copying every file was a twentieth of reading)."""
    labels = [*leading.columns, *names]
    wide = frame.hstack(leading.get_columns()) if leading.width else frame
    blank = pl.all_horizontal(pl.col(names).is_null())
    totals = pl.coalesce(labels).str.contains(TOTALS)
    skip = wide.select(pl.when(blank).then(pl.lit("dong_trong")).when(totals).then(pl.lit("dong_tong_cong"))
                       .alias("_skip")).to_series()
    if not skip.is_not_null().any():
        return frame, []
    flagged = wide.with_columns(skip)
    skipped = [
        (r, reason, unicodedata.normalize("NFC", content)[:300])
        for r, reason, content in flagged.filter(pl.col("_skip") == "dong_tong_cong")
        .select("_row", "_skip", pl.concat_str(pl.col(labels).fill_null(""), separator=" | "))
        .iter_rows()
    ]
    return flagged.filter(pl.col("_skip").is_null()).select(frame.columns), skipped
