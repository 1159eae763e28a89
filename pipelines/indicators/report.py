"""`cchc kpis` and `cchc explain`: the published indicators, and the rows behind one of them.

Both read the published copy. `explain` lists the rows of the same view whose sums `kpis`
prints (kpi.dossier_periods, kpi.payment_periods, kpi.provision_periods), so they agree by
construction, and anyone can check a number by hand.
"""

from __future__ import annotations

import csv
import json
import sys

import duckdb

from pipelines.db import connect
from pipelines.errors import InputError
from pipelines.settings import home

KPI_COLUMNS = ["period", "scope", "scope_code", "indicator", "numerator", "denominator", "value", "target",
               "comparator", "target_source", "status"]
SCOPES = ("province", "level", "unit")
# What each explained row shows, by the view it comes from; then in_numerator, in_denominator.
DETAIL = {
    "dossier_periods": ["ma_ho_so", "ma_don_vi", "ma_tthc", "kenh", "trang_thai", "ngay_tiep_nhan", "ngay_hen_tra",
                        "end_time", "gio_bo_sung", "so_lan_bo_sung", "co_phieu_xin_loi", "danh_gia", "finished",
                        "late"],
    "payment_periods": ["ma_giao_dich", "ma_ho_so", "ma_don_vi", "ma_tthc", "so_tien", "hinh_thuc", "nen_tang",
                        "thoi_diem"],
    "provision_periods": ["ma_tthc", "ma_linh_vuc"],
}


def published() -> duckdb.DuckDBPyConnection:
    path = home().serving_db
    if not path.exists():
        raise InputError("Chưa có số liệu được xuất bản: hãy chạy `cchc refresh` trước.",
                         "Nothing is published yet: run `cchc refresh` first.")
    return connect(path, read_only=True)


def kpis(period: str, scope: str | None = None) -> list[dict]:
    con = published()
    try:
        _check_period(con, period)
        cur = con.execute(
            f"SELECT {', '.join('s.' + c for c in KPI_COLUMNS)} FROM kpi.scorecard s JOIN kpi.indicators i USING (indicator) "
            "WHERE s.period = ? AND (? IS NULL OR s.scope = ?) "
            "ORDER BY list_position(?, s.scope), s.scope_code, i.ord", [period, scope, scope, list(SCOPES)])
        return [dict(zip(KPI_COLUMNS, row)) for row in cur.fetchall()]
    finally:
        con.close()


def explain(period: str, unit: str, indicator: str) -> tuple[list[dict], dict]:
    """The rows counted for `indicator` of `unit` (a unit code, a level tinh/huyen/xa, or
    province) in `period`, and the scorecard line they add up to."""
    con = published()
    try:
        _check_period(con, period)
        total = con.execute(f"SELECT {', '.join(KPI_COLUMNS)} FROM kpi.scorecard WHERE period = ? AND scope_code = ? "
                            "AND indicator = ?", [period, unit, indicator]).fetchone()
        if total is None:
            known = con.execute("SELECT count(*) FROM kpi.indicators WHERE indicator = ?", [indicator]).fetchone()[0]
            what = (f"đơn vị «{unit}»", f"unit '{unit}'") if known else (f"chỉ số «{indicator}»", f"indicator '{indicator}'")
            raise InputError(f"Không có {what[0]} trong kỳ {period}.", f"No {what[1]} in period {period}.")
        view = con.execute("SELECT table_name FROM duckdb_columns() WHERE schema_name = 'kpi' AND column_name = ?",
                           [f"{indicator}_num"]).fetchone()
        if view is None:  # a reported indicator: its value is the steward's entry, there is nothing under it
            rows = con.execute("SELECT period, scope_code, indicator, value, ghi_chu, _file FROM kpi.reported_values "
                               "WHERE period = ? AND scope_code = ? AND indicator = ?", [period, unit, indicator])
            names = [d[0] for d in rows.description]
            return [dict(zip(names, r)) for r in rows.fetchall()], dict(zip(KPI_COLUMNS, total))
        view = view[0]
        scope = ("reporting_unit = $unit" if unit not in ("province", "tinh", "huyen", "xa") else
                 "$unit = 'province' OR reporting_unit IN (SELECT ma_don_vi FROM core.dim_don_vi WHERE cap = $unit)")
        columns = DETAIL[view] + [f"{indicator}_num AS in_numerator", f"{indicator}_den AS in_denominator"]
        cur = con.execute(
            f"SELECT {', '.join(columns)} FROM kpi.{view} WHERE period = $period AND ({scope}) "
            f"AND ({indicator}_num OR {indicator}_den) ORDER BY ALL", {"period": period, "unit": unit})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()], dict(zip(KPI_COLUMNS, total))
    finally:
        con.close()


def _check_period(con: duckdb.DuckDBPyConnection, period: str) -> None:
    if not con.execute("SELECT count(*) FROM kpi.scorecard WHERE period = ?", [period]).fetchone()[0]:
        first, last = con.execute("SELECT min(period), max(period) FROM kpi.periods WHERE period_type = 'month'").fetchone()
        raise InputError(
            f"Không có kỳ «{period}». Kỳ có dạng 2025-10, 2025-Q4, 2025-H1, 2025-9M, 2025, 2025-YTD-10; "
            f"dữ liệu từ {first} đến {last}.",
            f"No period '{period}'. Periods look like 2025-10, 2025-Q4, 2025-H1, 2025-9M, 2025, 2025-YTD-10; "
            f"data runs from {first} to {last}.")


def write(rows: list[dict], columns: list[str], fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
