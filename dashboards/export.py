"""Tables as files a leader takes to a meeting: CSV and XLSX, safe against formula injection, and
with numbers that stay numbers (a spreadsheet sums, sorts and charts them).

A cell a spreadsheet would run (text starting with =, +, -, @, a tab or a carriage return) stays
text: in XLSX it is written as a string cell, never a formula; in CSV it gets a leading
apostrophe, which Excel and LibreOffice show as "text follows" (OWASP's advice for CSV).

A column's kind (`formats`: pct, pp, int, number, date, datetime) decides how its numbers are
written. CSV is for machines: plain numbers, dot decimal, no thousands separator and no % sign; a
percentage is written as shown (94.38), its unit in the header ("Giá trị (%)"), as is a change in
percentage points. XLSX is for people: numeric cells with number formats (a percentage is the
fraction 0.9438 shown as 94.38%, which Excel displays in its reader's locale), a title row, a
styled header, frozen panes and sized columns.
"""

from __future__ import annotations

import datetime as dt
import io
import numbers
import re

import pandas as pd
import xlsxwriter

RISKY = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {"pct": "0.00%", "pp": "+0.00;-0.00;0.00", "int": "#,##0", "number": "#,##0.00",
                  "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}
UNITS = {"pct": "%", "pp": "điểm % / pp"}  # in the header, where the number has none
HEADER = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LIMIT = 31  # Excel's


def _text_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(RISKY) else v)


def _naive_local(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: timestamps are written as the local (Vietnam) time they show."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("Asia/Ho_Chi_Minh").dt.tz_localize(None)
    return out


def _with_units(frame: pd.DataFrame, formats: dict) -> pd.DataFrame:
    """A percentage's header says it is one: the cells hold bare numbers."""
    return frame.rename(columns={c: f"{c} ({UNITS[k]})" for c, k in formats.items() if k in UNITS})


def _whole_numbers(frame: pd.DataFrame, formats: dict) -> pd.DataFrame:
    """Counts written as 5, not 5.0, also when one is missing (pandas holds those as floats)."""
    out = frame.copy()
    for column, kind in formats.items():
        if kind == "int" and column in out and pd.api.types.is_float_dtype(out[column]):
            values = out[column].dropna()
            if (values == values.round()).all():
                out[column] = out[column].astype("Int64")
    return out


def _kinds(formats: dict | None) -> dict:
    """The kinds named (a page may also give a function for the screen: a plain number in files)."""
    return {c: k for c, k in (formats or {}).items() if isinstance(k, str)}


def csv_bytes(frame: pd.DataFrame, formats: dict | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese text right."""
    formats = _kinds(formats)
    plain = _with_units(_whole_numbers(_naive_local(frame), formats), formats)
    return _text_as_text(plain).to_csv(index=False).encode("utf-8-sig")


def sheet_name(name: str, title: str | None = None) -> str:
    """What the sheet holds, in Excel's 31 characters without []:*?/\\: the title's subject (before
    its first ' · '; the period and the rest are in the title row), else the file name in words. A
    longer one keeps its whole words and ends with '…', so it is never cut mid-word."""
    subject = title.split(" · ")[0] if title else name.replace("_", " ")
    subject = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", subject).split()).strip("'") or "Sheet1"
    if len(subject) > SHEET_NAME_LIMIT:  # an aside in brackets goes first
        subject = " ".join(re.sub(r"\([^()]*\)", " ", subject).split()) or subject
    if len(subject) <= SHEET_NAME_LIMIT:
        return subject
    kept = subject[:SHEET_NAME_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;·-")
    return kept + "…"


def _kind(series: pd.Series, kind: str | None) -> str | None:
    """A column's kind as given; timestamps and dates are dates without being told."""
    if kind:
        return kind
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    sample = series.dropna().head(1).tolist()
    if sample and isinstance(sample[0], dt.date) and not isinstance(sample[0], dt.datetime):
        return "date"
    return None


def _write_column(ws, top: int, col: int, values: list, kind: str | None, cell) -> None:
    """One column's cells: numbers as numbers, text as text (never a formula), missing as blank."""
    for row, v in enumerate(values, start=top):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v) or v is pd.NaT:
            continue
        if isinstance(v, bool):
            ws.write_boolean(row, col, v)
        elif isinstance(v, numbers.Real):
            ws.write_number(row, col, v / 100 if kind == "pct" else v, cell)
        elif isinstance(v, (dt.datetime, dt.date)):
            ws.write_datetime(row, col, v, cell)
        else:
            ws.write_string(row, col, v if isinstance(v, str) else str(v), cell)


def _width(header: str, values: list, kind: str | None) -> float:
    """Wide enough for the longest of the first rows (numbers as formatted), the header wrapping."""
    shown = {"pct": 9, "pp": 7, "date": 10, "datetime": 16}.get(kind)
    longest = shown or max([len(str(v)) * (1.3 if kind in ("int", "number") else 1) for v in values[:500]] or [4])
    return min(max(longest, min(len(header), 14), 6) + 2, 60)


def xlsx_bytes(frame: pd.DataFrame, sheet: str, *, title: str | None = None, formats: dict | None = None) -> bytes:
    """One sheet: the title row (unit and period), then the table with a bold, filled, bordered,
    wrapping header, frozen below it with a filter, its columns sized and its numbers formatted."""
    formats = _kinds(formats)
    frame = _naive_local(frame)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    ws = book.add_worksheet(sheet_name(sheet, title))
    top = 0
    if title:
        ws.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
        top = 2
    header = book.add_format(HEADER)
    for col, column in enumerate(frame.columns):
        kind = _kind(frame[column], formats.get(column))
        label = f"{column} ({UNITS['pp']})" if kind == "pp" else str(column)
        ws.write_string(top, col, label, header)
        values = frame[column].tolist()
        cell = book.add_format({"num_format": NUMBER_FORMATS[kind]}) if kind in NUMBER_FORMATS else None
        _write_column(ws, top + 1, col, values, kind, cell)
        ws.set_column(col, col, _width(label, values, kind))
    ws.freeze_panes(top + 1, 0)
    if len(frame.columns):
        ws.autofilter(top, 0, top + max(len(frame), 1), len(frame.columns) - 1)
    book.close()
    return buffer.getvalue()
