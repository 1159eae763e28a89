"""Read one export file (CSV in UTF-8/UTF-16, any delimiter, or XLSX) into text columns.

Everything stays text here: typing is staging's job (warehouse/staging), so that a value that
does not parse can still be shown to the steward exactly as it was written.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines import config
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
    """The file's data rows under canonical names. Its sizes are checked against [limits] before
    a reader allocates anything for it (_refuse_oversized_xlsx, _refuse_long_lines)."""
    if path.stat().st_size == 0:
        raise InputError("Tệp rỗng, không có dữ liệu.", "The file is empty.", path.name)
    limits = config.limits()
    if path.suffix.lower() == ".xlsx":
        _refuse_oversized_xlsx(path, limits)
        grid, sheet = _xlsx_grid(path)
        fmt = "xlsx"
    else:
        grid, sheet = _csv_grid(path, limits), None
        fmt = "csv"
    aliases = header_aliases(kind, mapping)
    header_idx = _find_header(grid, aliases, kind, path)
    header = [grid[c][header_idx] for c in grid.columns]
    body = grid.slice(header_idx + 1)
    row_numbers = pl.int_range(header_idx + 2, header_idx + 2 + body.height, eager=True)
    return _canonical(path, kind, fmt, sheet, header_idx + 1, header, body, row_numbers, aliases, mapping)


def _csv_grid(path: Path, limits: dict) -> pl.DataFrame:
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data.decode("utf-16").encode("utf-8")
    elif data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data or data.isspace():  # data.strip() would copy the file
        raise InputError("Tệp rỗng, không có dữ liệu.", "The file is empty.", path.name)
    _refuse_long_lines(data, int(limits["csv_max_line_bytes"]), path)
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
    _refuse_long_fields(grid, offset, int(limits["csv_max_field_chars"]), path)
    return pl.concat([pl.DataFrame({c: [None] * offset for c in grid.columns},
                                   schema={c: pl.String for c in grid.columns}), grid])


def _refuse_non_utf8(data: bytes, path: Path) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.end == len(data) and e.reason == "unexpected end of data":  # the last character is cut short
            raise InputError(
                f"Tệp bị cắt ngang: kết thúc giữa một ký tự (byte {e.start}), có thể do sao chép hoặc tải về "
                "chưa xong. Hãy lấy lại tệp đầy đủ từ hệ thống.",
                f"The file is cut short: it ends in the middle of a character (byte {e.start}), perhaps a copy "
                "or download that did not finish. Fetch the whole file from the system again.",
                path.name,
            ) from None
        raise InputError(
            f"Tệp không phải mã UTF-8 (lỗi tại byte {e.start}). Hãy xuất lại tệp với mã Unicode "
            "UTF-8; nếu dữ liệu đang ở bảng mã TCVN3/VNI, hãy chuyển sang Unicode trước.",
            f"The file is not UTF-8 (bad byte at offset {e.start}). Re-export it as UTF-8; "
            "convert TCVN3/VNI text to Unicode first.",
            path.name,
        ) from None


def _refuse_long_lines(data: bytes, limit: int, path: Path) -> None:
    """Refuse a line longer than `limit` bytes before the CSV parser holds it (a file that is no CSV,
    or lost its line breaks, is one line). A longer line covers a whole window of limit/2 + 1 bytes,
    so a line break is looked for once per window: a file of ordinary lines is not read byte by byte."""
    window, start = limit // 2 + 1, 0
    while start < len(data):
        if data.find(b"\n", start, start + window) >= 0:
            start += window
            continue
        first = data.rfind(b"\n", 0, start) + 1
        end = data.find(b"\n", start + window)
        end = len(data) if end < 0 else end
        if end - first > limit:
            line = data.count(b"\n", 0, first) + 1
            raise _too_large(
                path, f"Dòng {line} dài {_vi(end - first)} byte", f"Line {line} is {end - first:,} bytes long",
                limit, "byte mỗi dòng", "bytes a line", "csv_max_line_bytes",
                "Tệp có thể không phải CSV hoặc đã mất dấu xuống dòng.",
                "The file may be no CSV, or lost its line breaks.")
        start = end + 1


def _refuse_long_fields(grid: pl.DataFrame, offset: int, limit: int, path: Path) -> None:
    """Refuse a field longer than `limit` characters (a quote left open swallows the lines after it
    into one field). Byte lengths come from the column's offsets, so only a column holding a field
    of more than `limit` bytes has its characters counted."""
    longest = grid.select(pl.all().str.len_bytes().max()).row(0)
    for i, (name, size) in enumerate(zip(grid.columns, longest)):
        if size is None or size <= limit:
            continue
        chars = grid[name].str.len_chars()
        if chars.max() <= limit:
            continue
        row = offset + chars.arg_max() + 1
        raise _too_large(
            path, f"Ô ở dòng {row}, cột {i + 1} ({_letters(i + 1)}) dài {_vi(chars.max())} ký tự",
            f"The field in row {row}, column {i + 1} ({_letters(i + 1)}) is {chars.max():,} characters long",
            limit, "ký tự mỗi ô", "characters a field", "csv_max_field_chars",
            "Thường do một dấu ngoặc kép chưa đóng gộp các dòng sau vào một ô.",
            "Usually a quote left open has swallowed the lines after it.")


def _too_large(path: Path, found_vi: str, found_en: str, limit: int, unit_vi: str, unit_en: str, setting: str,
               why_vi: str = "", why_en: str = "") -> InputError:
    """A bound of [limits] broken: what was found, the bound and the setting that sets it."""
    return InputError(
        f"{found_vi}, vượt giới hạn {_vi(limit)} {unit_vi} (thiết lập [limits] {setting} trong config.toml). "
        f"{why_vi + ' ' if why_vi else ''}Tệp không được đọc. Hãy xuất lại tệp; nếu tệp đúng là như vậy, hãy nâng "
        "giới hạn này.",
        f"{found_en}, above the limit of {limit:,} {unit_en} (setting [limits] {setting} in config.toml). "
        f"{why_en + ' ' if why_en else ''}The file was not read. Export it again; if the file really is so, "
        "raise this limit.",
        path.name,
    )


def _vi(n: int) -> str:
    """A number as Vietnamese writes it: 1.000.000."""
    return f"{n:,}".replace(",", ".")


def _letters(column: int) -> str:
    """A spreadsheet column's letters: 1 → A, 27 → AA."""
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def _column_number(letters: bytes) -> int:
    """The inverse of _letters: AA → 27."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


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


# An XLSX is a zip of XML parts that the Excel reader reads whole; it also allocates a sheet's whole
# rectangle, from its first cell to its furthest, at once: a 6 KB file naming the cell XFD1048576
# asks for 512 GB and aborts the process (a Rust abort: no exception, no message). So the parts are
# unzipped here first, and the first sheet's references to cells and rows (r="AB12") searched for
# one beyond the bounds. A sheet without a <dimension> range is first assumed XLSX_ASSUMED_COLUMNS
# wide; a reference beyond what is assumed makes the whole sheet be read again reference by reference.
XLSX_CHUNK = 1 << 22
XLSX_OVERLAP = 64  # bytes carried into the next chunk: a reference cut in two is seen whole there
XLSX_ASSUMED_COLUMNS = 64
XLSX_MAX_PART = 1 << 24  # a workbook.xml or its relationships larger than this is not parsed
MB = 1 << 20
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*["\']([A-Za-z]*[0-9]*:)?([A-Za-z]+)0*([0-9]+)["\']')
# A reference as written: its letters, leading zeros, digits. Four letters are beyond Excel's last
# column (XFD) and 16 leading zeros no writer puts: such a reference is refused as malformed.
_REF = re.compile(rb'r=["\']([A-Za-z]*)(0*)([0-9]*)')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\s(?:\w+:)?id\s*=\s*["\']([^"\']+)["\']')
_RELATIONSHIP = re.compile(rb'<(?:\w+:)?Relationship\b([^>]*)>')
_ATTRIBUTE = re.compile(rb'\s(\w+)\s*=\s*["\']([^"\']*)["\']')


def _refuse_oversized_xlsx(path: Path, limits: dict) -> None:
    """Refuse an XLSX whose parts unzip to more than [limits] xlsx_max_unzipped_mb (their declared
    sizes, each checked as it is unzipped: zipfile stops at the declared size and refuses a part
    whose content then fails its checksum, so a size that lies is caught without unzipping more),
    or whose first sheet spans more than xlsx_max_cells from A1."""
    with path.open("rb") as f:
        if f.read(2) != b"PK":
            return  # no zip: the Excel reader says what it is
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            declared = sum(i.file_size for i in members)
            if declared > int(limits["xlsx_max_unzipped_mb"]) * MB:
                mb = -(-declared // MB)
                raise _too_large(path, f"Các phần của tệp Excel khi giải nén có {_vi(mb)} MB",
                                 f"The parts of the Excel file unzip to {mb:,} MB", int(limits["xlsx_max_unzipped_mb"]),
                                 "MB", "MB", "xlsx_max_unzipped_mb")
            sheets = _first_sheet(archive)
            for info in members:
                if info.filename in sheets:
                    _check_sheet(archive, info, int(limits["xlsx_max_cells"]), path)
                else:
                    _unzip(archive, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError, zlib.error) as e:
        raise _unreadable_xlsx(e, path) from None


def _unreadable_xlsx(error: Exception, path: Path) -> InputError:
    return InputError(
        f"Không đọc được tệp Excel: {error}. Hãy mở và lưu lại tệp dưới dạng .xlsx.",
        f"Cannot read the Excel file: {error}. Open and save it again as .xlsx.",
        path.name,
    )


def _unzip(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Read a part through, for its size and checksum only."""
    with archive.open(info) as part:
        while part.read(XLSX_CHUNK):
            pass


def _first_sheet(archive: zipfile.ZipFile) -> set[str]:
    """The part of the workbook's first sheet, the one read (workbook.xml's first <sheet>, through
    the workbook's relationships); every worksheet part when that cannot be told."""
    names = set(archive.namelist())
    every = {n for n in names if "worksheets/" in n.lower() and n.lower().endswith(".xml")}
    book, rels = (_small_part(archive, n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"))
    sheet = _SHEET.search(book or b"")
    if not sheet or not rels:
        return every
    for relationship in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(relationship[1]))
        if attributes.get(b"Id") == sheet[1]:
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return {name} if name in names else every
    return every


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    return archive.read(info) if info.file_size <= XLSX_MAX_PART else None


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_cells: int, path: Path) -> None:
    """Refuse a sheet that declares, or whose references reach, more than `max_cells` cells from A1.
    One search per chunk finds a reference beyond the declared range (or the assumed one); only
    then is every reference read (_extent)."""
    beyond, tail = None, b""
    with archive.open(info) as part:
        while chunk := part.read(XLSX_CHUNK):
            text = tail + chunk
            beyond = beyond or _beyond(*_assumed_size(text, max_cells, path))
            if (found := _search_refs(beyond, text)) is not None:
                break
            tail = text[-XLSX_OVERLAP:]
        else:
            return
    rows, cols = _cell(found, path)
    if rows * cols <= max_cells:  # perhaps a range declared too small: every reference decides
        rows, cols = _extent(archive, info, path)
        if rows * cols <= max_cells:
            return
    ref = f"{_letters(cols)}{rows}"
    raise _too_large(path, f"Dữ liệu của trang tính trải tới ô {ref} ({_vi(rows * cols)} ô tính từ A1)",
                     f"The sheet's data reaches the cell {ref} ({rows * cols:,} cells from A1)", max_cells,
                     "ô", "cells", "xlsx_max_cells", "Trình đọc Excel cấp bộ nhớ cho cả vùng này cùng lúc.",
                     "The Excel reader allocates the whole range at once.")


def _assumed_size(head: bytes, max_cells: int, path: Path) -> tuple[int, int]:
    """Rows and columns the sheet is taken to span until a reference says otherwise: its declared
    range (refused if already too large), else XLSX_ASSUMED_COLUMNS columns and as many rows as
    the bound allows. A one-cell range (some writers always write A1) declares nothing. Where the
    bound allows, the declared range is rounded up, its rows to 10^k − 1 (else d × 10^k − 1) and its
    columns to the last of as many letters: a search for a reference beyond 99999 × Z tries one
    pattern at each, one beyond 40001 × W seven (the search took 70 ms instead of 125 for 40,000
    rows)."""
    start = head.find(b"sheetData")  # the range is declared before the cells
    declared = _DIMENSION.search(head, 0, start if start >= 0 else len(head))
    if declared and declared[1]:
        rows, cols = max(int(declared[3]), 1), max(_column_number(declared[2]), 1)
        if rows * cols > max_cells:
            ref = (declared[1] + declared[2] + declared[3]).decode()
            raise _too_large(path, f"Trang tính khai báo vùng {ref} ({_vi(rows * cols)} ô tính từ A1)",
                             f"The sheet declares the range {ref} ({rows * cols:,} cells from A1)", max_cells,
                             "ô", "cells", "xlsx_max_cells", "Trình đọc Excel cấp bộ nhớ cho cả vùng này cùng lúc.",
                             "The Excel reader allocates the whole range at once.")
        wide = _column_number(b"Z" * len(declared[2]))  # Z, ZZ, …: no letter to compare
        nines, rounded = 10 ** len(str(rows)) - 1, _round_rows(rows, up=True)  # 99999, 49999 for 40001
        for size in ((nines, wide), (rounded, wide), (rounded, cols), (rows, cols)):
            if size[0] * size[1] <= max_cells:
                return size
    cols = min(XLSX_ASSUMED_COLUMNS, max_cells)
    return max(_round_rows(max_cells // cols, up=False), 1), cols


def _round_rows(rows: int, up: bool) -> int:
    """The nearest number of the form d × 10^k − 1 above (or below) `rows`, k as in `rows`."""
    scale = 10 ** (len(str(rows + 1)) - 1)
    lead = -(-(rows + 1) // scale) if up else (rows + 1) // scale
    return lead * scale - 1


@functools.lru_cache(maxsize=32)
def _beyond(rows: int, cols: int) -> re.Pattern:
    """A reference to a column after `cols` or a row after `rows`, or a malformed one. The pattern
    begins with the literal r= so that the search skips ahead between references."""
    return re.compile(rb'r=["\'](?:' + _above(_letters(cols), letters=True) + rb'|[A-Za-z]*+(?:0{16}|0*+'
                      + _above(str(rows), letters=False) + rb'))')


def _above(text: str, letters: bool) -> bytes:
    """A pattern for a number above `text`, written as a row (digits) or a column (letters, A = 1,
    case ignored): longer, or as long and greater at the first place they differ; a same-length
    one must end there (a digit after a column's letters, a quote after a row's digits)."""
    def span(low: str, high: str) -> str:
        return f"[{low}-{high}{low.lower()}-{high.lower()}]" if letters else f"[{low}-{high}]"

    top, every, end = ("Z", span("A", "Z"), "[0-9]") if letters else ("9", "[0-9]", "[\"']")
    options = [(every if letters else "[1-9]") + every + f"{{{len(text)}}}"]
    for i, ch in enumerate(text):
        if ch != top:
            same = "".join(span(c, c) for c in text[:i])
            options.append(f"{same}{span(chr(ord(ch) + 1), top)}{every}{{{len(text) - i - 1}}}{end}")
    return ("(?:" + "|".join(options) + ")").encode()


def _search_refs(pattern: re.Pattern, text: bytes) -> re.Match | None:
    """The first match of `pattern` that is an attribute r (after white space, not xmlns:r or
    header=), as _REF reads it. The check is made on each match rather than in the pattern: a
    look-behind there made the search 10 times slower."""
    pos = 0
    while found := pattern.search(text, pos):
        if found.start() == 0 or text[found.start() - 1] in b" \t\r\n":
            return _REF.match(text, found.start())
        pos = found.start() + 1
    return None


def _cell(ref: re.Match | None, path: Path) -> tuple[int, int]:
    """Row and column of a reference found by _REF; a malformed one is refused."""
    if ref is None:
        return 0, 0
    letters, zeros, digits = ref.groups()
    if len(letters) > 3 or len(zeros) >= 16:
        raise _unreadable_xlsx(ValueError(f"tham chiếu ô bất thường / malformed cell reference "
                                          f"{ref[0][:40].decode('ascii', 'replace')}"), path)
    return int(digits or 0), _column_number(letters)


def _extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> tuple[int, int]:
    """The last row and column any reference of the sheet names, every reference read."""
    rows = cols = 0
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(XLSX_CHUNK):
            text = tail + chunk
            for ref in _REF.finditer(text):
                if ref.start() and text[ref.start() - 1] not in b" \t\r\n":
                    continue  # xmlns:r=, header=, operator=
                row, col = _cell(ref, path)
                rows, cols = max(rows, row), max(cols, col)
            tail = text[-XLSX_OVERLAP:]
    return rows, cols


def _xlsx_grid(path: Path) -> tuple[pl.DataFrame, str]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        name = reader.sheet_names[0]
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
    except BaseException as e:  # calamine reports corrupt files with many exception types; a Rust panic
        if not isinstance(e, Exception) and type(e).__name__ != "PanicException":  # is a BaseException
            raise
        raise _unreadable_xlsx(e, path) from None
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
    seen: dict[str, tuple[int, str]] = {}  # canonical name → (column number, header as written)
    for number, (col, text) in enumerate(zip(body.columns, header), start=1):
        if text is None or not str(text).strip():
            continue
        key = header_key(text)
        name = aliases.get(key)
        if name is None:
            extra.append(str(text))
            continue
        if name in seen:
            raise _named_twice(path, kind, name, seen[name], (number, str(text)))
        seen[name] = (number, str(text))
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
    others = body.select(c for c in body.columns[first:] if c not in selected)  # extra and unnamed columns
    frame, skipped = _drop_blank_and_totals(frame, spec.names, leading, others)
    profile = "mapped" if "mapped" in profiles else "dvcqg" if "dvcqg" in profiles else "vi"
    return ReadFile(path, kind, fmt, sheet, header_row, profile, frame, extra, missing, skipped)


def _named_twice(path: Path, kind: str, name: str, first: tuple[int, str], second: tuple[int, str]) -> InputError:
    """Two columns of the header stand for one of the contract's (a repeated header, or two of its
    aliases): which one holds the data cannot be told, so neither is guessed at."""
    header = next(c.header for c in FILES[kind].columns if c.name == name)
    (i, a), (j, b) = first, second
    return InputError(
        f"Cột «{header}» có hai lần trong dòng tiêu đề: «{a}» ở cột {i} ({_letters(i)}) và «{b}» ở cột {j} "
        f"({_letters(j)}). Không thể biết cột nào chứa dữ liệu đúng: hãy xuất lại tệp chỉ với một cột này "
        "(hoặc sửa column_mapping.csv).",
        f"The column '{header}' is in the header row twice: '{a}' in column {i} ({_letters(i)}) and '{b}' in "
        f"column {j} ({_letters(j)}). Which one holds the right data cannot be told: export the file again with "
        "this column once (or fix column_mapping.csv).",
        path.name,
    )


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


def _drop_blank_and_totals(frame: pl.DataFrame, names: list[str], leading: pl.DataFrame,
                           others: pl.DataFrame) -> tuple[pl.DataFrame, list]:
    """Rows that are not data are skipped and reported, so that every row read is accepted,
    quarantined or skipped (rows_reconcile): a totals row ("Tổng cộng"), a blank row, and a row
    whose only content sits in columns the contract does not name (`leading`, those before its first
    column such as STT, and `others`). A totals row is told by its first filled cell, which may sit in
    a leading column. The frame is copied only when it has such rows (copying every file was a
    twentieth of reading)."""
    labels = [*leading.columns, *names]
    wide = frame.hstack(leading.get_columns()) if leading.width else frame
    blank = pl.all_horizontal(pl.col(names).is_null())
    totals = pl.coalesce(labels).str.contains(TOTALS)
    skip = wide.select(pl.when(totals).then(pl.lit("dong_tong_cong")).when(blank).then(pl.lit("dong_trong"))
                       .alias("_skip")).to_series()
    if not skip.is_not_null().any():
        return frame, []
    flagged = wide.with_columns(skip)
    found = flagged.filter(pl.col("_skip").is_not_null()).select(
        "_row", "_skip", pl.concat_str(pl.col(labels).fill_null(""), separator=" | ").alias("_labels"))
    outside = [*leading.get_columns(), *others.select(_trimmed(pl.col(c)) for c in others.columns).get_columns()]
    stray = (pl.DataFrame(outside).filter(skip.is_not_null()).select(
        pl.concat_str(pl.all(), separator=" | ", ignore_nulls=True)).to_series()
        if outside else pl.repeat(None, found.height, dtype=pl.String, eager=True))
    skipped = []
    for (r, reason, labelled), content in zip(found.iter_rows(), stray):
        if reason == "dong_trong" and content:
            reason, labelled = "dong_chi_cot_thua", content
        skipped.append((r, reason, unicodedata.normalize("NFC", labelled if reason != "dong_trong" else "")[:300]))
    return flagged.filter(pl.col("_skip").is_null()).select(frame.columns), skipped
