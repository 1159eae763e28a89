"""`cchc template`: the form a steward fills with the values of reported indicators.

An XLSX with the sheet the loader reads (chi_so_bao_cao: Kỳ, Mã đơn vị, Mã chỉ số, Giá trị, Ghi
chú), pre-filled with one row per target of the year that names the province or a unit, and a
sheet listing every reported indicator with its targets. Saved into the inbox as
chi_so_bao_cao.xlsx, it is validated and loaded like the exports.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from pipelines.contract import FILES
from pipelines.indicators.build import reported_indicators, targets


def write_template(out: Path, year: int) -> int:
    """Returns the number of pre-filled rows."""
    reported = reported_indicators()
    registry = targets().join(reported.select(pl.col("code").alias("indicator")), on="indicator")
    due = (registry.filter((pl.col("year") == year) & pl.col("scope_type").is_in(["province", "unit"]))
           .unique(["scope_code", "indicator"], keep="first", maintain_order=True))
    wb = xlsxwriter.Workbook(str(out))
    bold = wb.add_format({"bold": True})
    form = wb.add_worksheet("chi_so_bao_cao")
    form.write_row(0, 0, [c.header for c in FILES["chi_so_bao_cao"].columns], bold)
    for r, t in enumerate(due.iter_rows(named=True), start=1):
        for c, text in enumerate([str(year), t["scope_code"], t["indicator"]]):
            form.write_string(r, c, text)
        form.write_string(r, 4, f"{t['comparator']} {t['threshold']:g} — {t['target_id']}")
    form.set_column(0, 0, 10)
    form.set_column(1, 2, 36)
    form.set_column(4, 4, 30)
    catalog = wb.add_worksheet("danh_muc_chi_so")
    columns = ["code", "name_vi", "name_en", "unit", "better", "description"]
    catalog.write_row(0, 0, ["Mã chỉ số", "Tên", "Name", "Đơn vị tính", "Tốt hơn khi", "Mô tả", "Chỉ tiêu"], bold)
    for r, row in enumerate(reported.iter_rows(named=True), start=1):
        for c, name in enumerate(columns):
            catalog.write_string(r, c, str(row[name]))
        goals = registry.filter(pl.col("indicator") == row["code"])
        catalog.write_string(r, 6, "; ".join(f"{g['year']} {g['scope_name']}: {g['comparator']} {g['threshold']:g}"
                                             for g in goals.iter_rows(named=True)))
    catalog.set_column(0, 0, 36)
    catalog.set_column(1, 2, 50)
    wb.close()
    return due.height
