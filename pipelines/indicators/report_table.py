"""The periodic report table (Biểu 06/VPCP/KSTT, indicators.md): `cchc report` and the dashboard's
download. The counts come from the published copy (kpi.report_units, kpi.report_fields,
warehouse/indicators/80_report_counts.sql); this module only arranges them: rows per field of a unit, or
per unit with level subtotals and the province total, as a CSV or as an XLSX in the form's layout.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import xlsxwriter

from pipelines.errors import InputError
from pipelines.indicators.report import check_period, published

COUNTS = [f"c{i}" for i in range(3, 16)]
LEVELS = {"tinh": ("Cấp tỉnh", "Province level"), "huyen": ("Cấp huyện", "District level"), "xa": ("Cấp xã", "Commune level")}
NOTE = ("Ghi chú: biểu tính theo ngày tháng như mẫu biểu và hệ thống một cửa; quy tắc của Bộ chỉ số (hồ sơ yêu cầu bổ "
        "sung từ 2 lần trở lên tính là trễ hạn) không áp dụng ở đây, nên số đúng hạn có thể lớn hơn chỉ số "
        "«Tỷ lệ hồ sơ giải quyết đúng hạn».")
# The form's two-level header: (first column, last column, group title); a group of one column
# is merged down both rows.
GROUPS = [(3, 6, "Số hồ sơ nhận giải quyết"), (7, 10, "Số hồ sơ đã giải quyết"), (11, 13, "Số hồ sơ đang giải quyết"),
          (14, 14, "Số hồ sơ chờ bổ sung"), (15, 15, "Số hồ sơ trả lại, rút hồ sơ, dừng xử lý")]
HEADERS = {3: "Tổng số", 4: "Trong kỳ: Trực tuyến", 5: "Trong kỳ: Trực tiếp, dịch vụ bưu chính",
           6: "Từ kỳ trước chuyển qua", 7: "Tổng số", 8: "Trước hạn", 9: "Đúng hạn", 10: "Quá hạn", 11: "Tổng số",
           12: "Trong hạn", 13: "Quá hạn"}


@dataclass
class ReportTable:
    period: str
    start: object  # date
    end: object  # date
    complete: bool
    reporter: str  # Đơn vị báo cáo
    receiver: str  # Đơn vị nhận báo cáo
    by: str  # "field" or "unit"
    rows: list[dict]  # ma, ten, c3 … c15, and kind: row | subtotal | total

    @property
    def data_rows(self) -> list[dict]:
        return [r for r in self.rows if r["kind"] != "subtotal"]


def report_table(period: str, unit: str | None = None) -> ReportTable:
    """Per field of `unit` (a unit code, or 'province' for the whole province), or, without a unit,
    per unit with the levels' subtotals; a total row last."""
    con = published()
    try:
        check_period(con, period)
        start, end, complete = con.execute(
            "SELECT start_date, end_date, complete FROM kpi.periods WHERE period = ?", [period]).fetchone()
        province = con.execute("SELECT ma_don_vi, ten_don_vi FROM core.dim_don_vi WHERE is_province "
                               "ORDER BY ma_don_vi LIMIT 1").fetchone() or (None, "UBND tỉnh")
        columns = ", ".join(COUNTS)
        if unit is None:
            found = con.execute(f"SELECT ma, ten, cap, {columns} FROM kpi.report_units WHERE period = ? "
                                "ORDER BY is_province DESC, list_position(['tinh', 'huyen', 'xa'], cap), ma",
                                [period]).fetchall()
            units = [dict(zip(["ma", "ten", "cap", *COUNTS], r), kind="row") for r in found]
            rows = []
            for level in LEVELS:
                members = [r for r in units if r["cap"] == level]
                if members:
                    rows.append(_sum(members, ma=level, ten=LEVELS[level][0], kind="subtotal"))
                    rows += members
            return ReportTable(period, start, end, complete, province[1], "Văn phòng Chính phủ", "unit",
                               rows + [_sum(units, ma="total", ten="Tổng cộng", kind="total")])
        if unit == "province":
            reporter, receiver = province[1], "Văn phòng Chính phủ"
        else:
            named = con.execute("SELECT u.ten_don_vi, p.ten_don_vi FROM core.dim_don_vi u "
                                "LEFT JOIN core.dim_don_vi p ON p.ma_don_vi = u.ma_don_vi_cha WHERE u.ma_don_vi = ?",
                                [unit]).fetchone()
            if named is None:
                raise InputError(f"Không có đơn vị «{unit}».", f"No unit '{unit}'.")
            reporter, receiver = named[0], named[1] or province[1]
        found = con.execute(f"SELECT ma, ten, {columns} FROM kpi.report_fields WHERE period = ? AND scope_code = ? "
                            "ORDER BY ma NULLS LAST", [period, unit]).fetchall()
        rows = [dict(zip(["ma", "ten", *COUNTS], r), kind="row") for r in found]
        return ReportTable(period, start, end, complete, reporter, receiver, "field",
                           rows + [_sum(rows, ma="total", ten="Tổng cộng", kind="total")])
    finally:
        con.close()


def _sum(rows: list[dict], **labels) -> dict:
    return {**labels, **{c: sum(r[c] for r in rows) for c in COUNTS}}


def to_csv(table: ReportTable) -> str:
    """`ma, ten, c3 … c15`: one row per field or unit, then `total` (the levels' subtotals are in the XLSX)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["ma", "ten", *COUNTS], extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(table.data_rows)
    return out.getvalue()


def to_xlsx(table: ReportTable) -> bytes:
    """The form's layout: the header block, two-level merged headers, the column numbers (1) … (15),
    numbers as numbers, subtotals and the total in bold, and the note on the two-supplement rule."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("Bieu 06")
    title = wb.add_format({"bold": True, "align": "center", "font_size": 13})
    plain = wb.add_format({"align": "left"})
    head = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1,
                          "bg_color": "#DDEBF7"})
    number_row = wb.add_format({"italic": True, "align": "center", "border": 1})
    cell = wb.add_format({"border": 1})
    count = wb.add_format({"border": 1, "num_format": "#,##0"})
    bold = wb.add_format({"border": 1, "bold": True})
    bold_count = wb.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    days = f"Từ ngày {table.start:%d/%m/%Y} đến ngày {table.end:%d/%m/%Y}"
    ws.merge_range(0, 0, 0, 14, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", title)
    ws.write(1, 0, f"Đơn vị báo cáo: {table.reporter}", plain)
    ws.write(2, 0, f"Đơn vị nhận báo cáo: {table.receiver}", plain)
    ws.write(3, 0, f"Kỳ báo cáo: {days} ({table.period})"
             + ("" if table.complete else " — số liệu tạm thời / provisional"), plain)
    ws.write(4, 0, "Đơn vị tính: Số hồ sơ TTHC", plain)
    top = 6
    ws.merge_range(top, 0, top + 1, 0, "TT", head)
    ws.merge_range(top, 1, top + 1, 1, "Lĩnh vực, công việc giải quyết theo cấp" if table.by == "field" else "Đơn vị",
                   head)
    for first, last, group in GROUPS:
        if first == last:
            ws.merge_range(top, first - 1, top + 1, first - 1, group, head)
            continue
        ws.merge_range(top, first - 1, top, last - 1, group, head)
        for col in range(first, last + 1):
            ws.write(top + 1, col - 1, HEADERS[col], head)
    ws.set_row(top + 1, 45)
    for col in range(1, 16):
        ws.write(top + 2, col - 1, f"({col})", number_row)
    r, n = top + 3, 0
    for row in table.rows:
        strong = row["kind"] != "row"
        if row["kind"] == "row":
            n += 1
        ws.write(r, 0, n if row["kind"] == "row" else None, bold if strong else cell)
        label = row["ten"] if row["kind"] != "row" or row["ma"] is None else f"{row['ten'] or ''} ({row['ma']})"
        ws.write_string(r, 1, label or "—", bold if strong else cell)
        for i, c in enumerate(COUNTS, start=2):
            ws.write_number(r, i, row[c], bold_count if strong else count)
        r += 1
    ws.write(r + 1, 0, NOTE, plain)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 45)
    ws.set_column(2, 14, 11)
    ws.freeze_panes(top + 3, 2)
    wb.close()
    return buffer.getvalue()
