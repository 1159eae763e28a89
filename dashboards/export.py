"""Tables as files a leader takes to a meeting: CSV and XLSX, safe against formula injection.

A cell a spreadsheet would run (text starting with =, +, -, @, a tab or a carriage return) stays
text: in XLSX it is written as a string cell, never a formula; in CSV it gets a leading
apostrophe, which Excel and LibreOffice show as "text follows" (OWASP's advice for CSV).
"""

from __future__ import annotations

import io

import pandas as pd

RISKY = ("=", "+", "-", "@", "\t", "\r")


def _text_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.map(lambda v: "'" + v if isinstance(v, str) and v.startswith(RISKY) else v)


def _naive_local(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: timestamps are written as the local (Vietnam) time they show."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("Asia/Ho_Chi_Minh").dt.tz_localize(None)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese text right."""
    return _text_as_text(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options},
                        datetime_format="dd/mm/yyyy hh:mm", date_format="dd/mm/yyyy") as writer:
        _naive_local(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
        writer.sheets[sheet[:31]].autofit()
    return buffer.getvalue()
