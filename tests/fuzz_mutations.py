"""Mutated export files for the fuzz test: what a real system, a spreadsheet or a broken copy
might hand the steward, from a good file of each kind.

A structural mutation rewrites the file's rows and knows how many data rows it wrote, so the
test can hold the loader to that count; a byte-level one (a cut, flipped bytes, a broken zip)
only knows that nothing may crash and that what was read must reconcile.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

JUNK = ["\x00", "\x1b[31m", "\r", "\n", "\u202e", "\ufeff", "🙂", "e\u0301", "\u00a0", '"', "'; DROP TABLE x; --",
        "=HYPERLINK(\"http://127.0.0.1\")", "[x](http://127.0.0.1)", "<script>", "Tổng cộng"]
ODD_VALUES = ["", " ", "1e9", "-1", "99999999999999999999", "0x10", "NaN", "1.250.000,5", "31/02/2026",
              "01/01/1900", "9999-12-31", "2026-13-45T25:61", "00/00/0000", "tomorrow", "１２３", "NULL"]


@dataclass
class Mutant:
    name: str
    data: bytes
    suffix: str  # .csv | .xlsx
    data_rows: tuple[int, int] | None  # rows below the header written with content, and in all, when known


def read_rows(path: Path) -> list[list[str]]:
    """A good CSV of the bundled generator (UTF-8, comma) as rows, header first."""
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# Structural mutations: rows in, rows out. Each returns the rows and the count of data rows.

def _cells(rng, rows):
    body = rows[1:]
    for _ in range(rng.randint(1, 5)):
        if body:
            row = rng.choice(body)
            if row:
                yield row, rng.randrange(len(row))


def junk_in_cells(rng, rows):
    for row, i in _cells(rng, rows):
        row[i] = rng.choice([row[i] + rng.choice(JUNK), rng.choice(JUNK) + row[i], rng.choice(JUNK)])
    return rows


def odd_values(rng, rows):
    for row, i in _cells(rng, rows):
        row[i] = rng.choice(ODD_VALUES)
    return rows


def delete_rows(rng, rows):
    for _ in range(min(rng.randint(1, 3), len(rows) - 1)):
        del rows[rng.randrange(1, len(rows))]
    return rows


def duplicate_rows(rng, rows):
    for _ in range(rng.randint(1, 3)):
        rows.insert(rng.randrange(1, len(rows) + 1), list(rng.choice(rows[1:] or rows)))
    return rows


def blank_rows(rng, rows):
    for _ in range(rng.randint(1, 3)):
        rows.insert(rng.randrange(1, len(rows) + 1), rng.choice([[], [""] * len(rows[0]), ["  "]]))
    return rows


def extra_column(rng, rows):
    """A column the contract does not know, with one row holding nothing else."""
    rows[0].append("Ghi chú thêm")
    for row in rows[1:]:
        row.append(rng.choice(["", "x"]))
    rows.insert(rng.randrange(1, len(rows) + 1), [""] * (len(rows[0]) - 1) + ["chỉ có cột thừa"])
    return rows


def swap_columns(rng, rows):
    i, j = rng.sample(range(len(rows[0])), 2)
    for row in rows:
        if len(row) > max(i, j):
            row[i], row[j] = row[j], row[i]
    return rows


def drop_column(rng, rows):
    i = rng.randrange(len(rows[0]))
    return [[c for k, c in enumerate(row) if k != i] for row in rows]


def duplicate_header(rng, rows):
    i, j = rng.sample(range(len(rows[0])), 2)
    rows[0][j] = rows[0][i]
    return rows


def header_only(rng, rows):
    return rows[:1]


def ragged_rows(rng, rows):
    for row, _ in _cells(rng, rows):
        if rng.random() < 0.5:
            row.extend(["thừa"] * rng.randint(1, 3))
        else:
            del row[rng.randrange(len(row)):]
    return rows


def title_and_totals(rng, rows):
    width = len(rows[0])
    tail = [["Tổng cộng"] + [""] * (width - 1)]
    return [["UBND TỈNH LẠNG SƠN"], ["BÁO CÁO"], []] + rows + tail


def huge_field(rng, rows):
    for row, i in _cells(rng, rows):
        row[i] = "A" * rng.choice([20_000, 200_000])
        break
    return rows


def many_rows(rng, rows):
    """Ten times the rows (codes made unique): a larger file than the door usually sees."""
    body = rows[1:]
    return rows[:1] + [[f"{c}-{k}" if n == 0 else c for n, c in enumerate(r)] for k in range(10) for r in body]


STRUCTURAL = [junk_in_cells, odd_values, delete_rows, duplicate_rows, blank_rows, extra_column, swap_columns,
              drop_column, duplicate_header, header_only, ragged_rows, title_and_totals, huge_field, many_rows]


def to_csv(rows, rng) -> tuple[bytes, str]:
    sep = rng.choice([",", ",", ";", "\t", "|"])
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1258"])
    return out.getvalue().encode(encoding, errors="replace"), f"{sep!r} {encoding}"


def to_xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    ws = wb.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write_string(r, c, value.replace("\x00", ""))  # XML cannot hold NUL: no spreadsheet writes it
    wb.close()
    return buffer.getvalue()


# Byte-level mutations: they know no row count.

def cut(rng, data: bytes) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def flip_bytes(rng, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 40)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return bytes(b)


def nul_bytes(rng, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        b.insert(rng.randrange(len(b)), 0)
    return bytes(b)


def stray_quote(rng, data: bytes) -> bytes:
    i = rng.randrange(len(data))
    return data[:i] + b'"' + data[i:]


def line_endings(rng, data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", rng.choice([b"\r", b"\r\r\n", b"\n\n"]))


def noise(rng, data: bytes) -> bytes:
    return rng.choice([b"", b"\xef\xbb\xbf", b"\xff\xfe", bytes(rng.randrange(256) for _ in range(2000)),
                       b"PK\x03\x04" + data[:100]])


BYTES = [cut, flip_bytes, nul_bytes, stray_quote, line_endings, noise]


def dimension_bomb(rng, data: bytes) -> bytes:
    """The sheet declares A1:XFD1048576, as the 1.5 KB file that once aborted the reader did."""
    return _rewrite_zip(data, lambda name, body: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"',
                                                        body) if name.startswith("xl/worksheets/") else body)


def drop_part(rng, data: bytes) -> bytes:
    victim = rng.choice(["xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml"])
    return _rewrite_zip(data, lambda name, body: None if name == victim else body)


def garble_sheet(rng, data: bytes) -> bytes:
    def garble(name, body):
        if not name.startswith("xl/worksheets/"):
            return body
        i = rng.randrange(len(body))
        return body[:i] + rng.choice([b"<", b"&", b"\x00", b"]]>", b""]) + body[i + rng.randint(0, 50):]
    return _rewrite_zip(data, garble)


XLSX_BYTES = [cut, flip_bytes, dimension_bomb, drop_part, garble_sheet]


def _rewrite_zip(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info))
            if body is not None:
                dst.writestr(info.filename, body)
    return out.getvalue()


def _data_rows(rows: list[list[str]]) -> tuple[int, int]:
    """Rows below the header (the first row of three filled cells or more): with content, in all."""
    start = next(i for i, r in enumerate(rows) if sum(bool(c.strip()) for c in r) >= 3) + 1
    body = rows[start:]
    return sum(any(c.strip() for c in r) for r in body), len(body)


def mutants(rows: list[list[str]], n: int, seed: int) -> list[Mutant]:
    """n mutants of one good file: a third structural as CSV, a third structural as XLSX, a third
    byte-level (CSV and XLSX), every mutation used."""
    rng = random.Random(seed)
    good_csv = to_csv([list(r) for r in rows], random.Random(0))[0] if rows else b""
    good_xlsx = to_xlsx(rows)
    out = []
    for k in range(n):
        kind = k % 3
        if kind < 2:
            mutation = STRUCTURAL[(k // 3) % len(STRUCTURAL)]
            mutated = mutation(rng, [list(r) for r in rows])
            counted = _data_rows(mutated)
            if kind == 0:
                data, how = to_csv(mutated, rng)
                known = counted if how.split()[1] != "cp1258" and not how.startswith("'|'") else None
                out.append(Mutant(f"{mutation.__name__} csv {how}", data, ".csv", known))
            else:
                out.append(Mutant(f"{mutation.__name__} xlsx", to_xlsx(mutated), ".xlsx", counted))
        elif k % 2:
            mutation = BYTES[(k // 6) % len(BYTES)]
            out.append(Mutant(f"{mutation.__name__} csv bytes", mutation(rng, good_csv), ".csv", None))
        else:
            mutation = XLSX_BYTES[(k // 6) % len(XLSX_BYTES)]
            out.append(Mutant(f"{mutation.__name__} xlsx bytes", mutation(rng, good_xlsx), ".xlsx", None))
    return out
