"""Small hand-made inboxes for tests: rows given with canonical names, written under the
contract's headers in the format a test asks for."""

from __future__ import annotations

import codecs
from pathlib import Path

import polars as pl
import xlsxwriter

from pipelines.contract import FILES

UNITS = [
    # ma_don_vi, ten_don_vi, cap, ma_don_vi_cha, hieu_luc_tu, hieu_luc_den, ma_don_vi_ke_thua
    ("H39", "UBND tỉnh Lạng Sơn", "tinh", None, "01/01/2020", None, None),
    ("SXD", "Sở Xây dựng", "tinh", "H39", "01/01/2020", None, None),
    ("SGTVT", "Sở Giao thông vận tải", "tinh", "H39", "01/01/2020", "28/02/2025", "SXD"),
    ("178", "Thành phố Lạng Sơn", "huyen", "H39", "01/01/2020", "30/06/2025", None),
    ("05977.01", "Phường Chi Lăng (cũ)", "xa", "178", "01/01/2020", "30/06/2025", "05977"),
    ("05977", "Phường Đông Kinh", "xa", "H39", "01/07/2025", None, None),
]
CATALOG = [
    # ma_tthc, ten_tthc, ma_linh_vuc, ten_linh_vuc, cap, don_vi, muc_do, co_phi, tich_hop, thoi_han, don_vi_thoi_han
    ("1.001", "Cấp giấy phép xây dựng", "XD", "Xây dựng", "tinh", "SXD", "toan_trinh", "1", "1", "15", "ngay_lam_viec"),
    ("1.002", "Đăng ký khai sinh", "HT", "Hộ tịch", "xa", None, "mot_phan", "0", "0", "1", "ngay_lam_viec"),
]


def dossier(ma_ho_so: str, month: str = "2025-10", **overrides) -> dict:
    """A dossier resolved on time within `month` (YYYY-MM), unless overridden."""
    year, mm = month.split("-")
    row = {
        "ma_ho_so": ma_ho_so, "ma_tthc": "1.001", "ten_tthc": "Cấp giấy phép xây dựng", "ma_linh_vuc": "XD",
        "ten_linh_vuc": "Xây dựng", "ma_don_vi": "SXD", "kenh": "2", "toan_trinh": "1",
        "ngay_nop": "01/10/2025 08:00:00", "ngay_tiep_nhan": "01/10/2025 09:00:00",
        "ngay_hen_tra": "22/10/2025 17:00:00", "ngay_ket_thuc": "20/10/2025 10:00:00",
        "ngay_tra": "21/10/2025 10:00:00", "trang_thai": "10", "so_lan_bo_sung": "0",
        "ngay_yeu_cau_bo_sung": None, "ngay_hoan_thanh_bo_sung": None, "gio_bo_sung": "0",
        "co_phieu_xin_loi": "0", "ngay_hen_tra_moi": None, "danh_gia": "hài lòng", "loai_doi_tuong": "1",
        "ngay_cap_nhat": "21/10/2025 10:00:00",
    }
    row = {k: v.replace("/10/2025", f"/{mm}/{year}") if isinstance(v, str) else v for k, v in row.items()}
    row.update(overrides)
    return row


def table(kind: str, rows: list) -> list[dict]:
    names = FILES[kind].names
    return [dict(zip(names, r)) if not isinstance(r, dict) else r for r in rows]


def headers(kind: str, profile: str) -> list[str]:
    return [(c.dvcqg or c.header) if profile == "dvcqg" else c.header for c in FILES[kind].columns]


def write_csv(path: Path, kind: str, rows: list, *, sep=",", encoding="utf-8", profile="vi", header_names=None,
              without=()) -> Path:
    """`without`: canonical columns the file leaves out (a DVCQG export has no ngay_cap_nhat)."""
    rows = table(kind, rows)
    frame = pl.DataFrame(rows, schema={n: pl.String for n in FILES[kind].names})
    frame.columns = header_names or headers(kind, profile)
    frame = frame.drop([h for n, h in zip(FILES[kind].names, frame.columns) if n in without])
    text = frame.write_csv(separator=sep)
    if encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    elif encoding == "utf-8-sig":
        path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def write_xlsx(path: Path, kind: str, rows: list, *, title_rows=True, totals=True, profile="vi") -> Path:
    rows = table(kind, rows)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Báo cáo")
    r = 0
    if title_rows:
        ws.write(0, 0, "UBND TỈNH LẠNG SƠN")
        ws.write(1, 0, "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ")
        r = 3  # a blank row, then the header
    ws.write_row(r, 0, headers(kind, profile))
    for i, row in enumerate(rows, start=r + 1):
        ws.write_row(i, 0, [row[n] for n in FILES[kind].names])
    if totals:
        ws.write(r + len(rows) + 1, 0, "Tổng cộng")
        ws.write(r + len(rows) + 1, 1, len(rows))
    wb.close()
    return path


def write_reference(inbox: Path) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)


def write_month(inbox: Path, period: str, dossiers: list[dict], payments=(), documents=(), fmt="csv", **kw) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    writer = write_xlsx if fmt == "xlsx" else write_csv
    writer(inbox / f"ho_so_{period}.{fmt}", "ho_so", dossiers, **kw)
    writer(inbox / f"thanh_toan_{period}.{fmt}", "thanh_toan", list(payments), **kw)
    writer(inbox / f"so_hoa_{period}.{fmt}", "so_hoa", list(documents), **kw)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of `sql` on a warehouse file, opened read-only and closed at once."""
    from pipelines.db import connect

    con = connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def set_max_quarantine_share(share: float) -> None:
    """What a steward writes in $CCHC_HOME/config.toml to change the hold-back share."""
    from pipelines.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[validation]\nmax_quarantine_share = {share}\n", encoding="utf-8")


def publish_tiny_copy(serving: Path, n: int) -> None:
    """Put a copy holding only meta.t = n in place by rename, as a publish does."""
    import os

    import duckdb

    new = serving.with_name("next.duckdb")
    con = duckdb.connect(str(new))
    con.execute(f"CREATE SCHEMA meta; CREATE TABLE meta.t AS SELECT {n} AS n")
    con.close()
    os.replace(new, serving)
