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
                        "state", "judged_at", "hours_taken_off", "adjusted_date", "so_lan_bo_sung", "on_time",
                        "co_phieu_xin_loi", "danh_gia"],
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
        check_period(con, period)
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
        check_period(con, period)
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


def check_period(con: duckdb.DuckDBPyConnection, period: str) -> None:
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


def explain_dossier(period: str, code: str) -> dict:
    """Where one dossier stood at the end of `period` (indicators.md, "Dossier classification"),
    read from kpi.dossier_periods like the counts, with the reason in Vietnamese and English."""
    con = published()
    try:
        check_period(con, period)
        end = con.execute("SELECT end_date FROM kpi.periods WHERE period = ?", [period]).fetchone()[0]
        cur = con.execute(
            "SELECT ma_ho_so, reporting_unit, trang_thai, ngay_tiep_nhan, ngay_hen_tra, end_time, ngay_yeu_cau_bo_sung, "
            "ngay_hoan_thanh_bo_sung, state, ended, judged_at, hours_taken_off, adjusted_date, so_lan_bo_sung, two_supplements, "
            "on_time_by_dates, early_by_dates, on_time, resolved FROM kpi.dossier_periods WHERE period = ? AND ma_ho_so = ?",
            [period, code])
        row = cur.fetchone()
        if row is not None:
            found = dict(zip([d[0] for d in cur.description], row))
            return {**found, "period": period, **dict(zip(("why_vi", "why_en"), _why(found, period, end)))}
        known = con.execute("SELECT ngay_tiep_nhan FROM core.fct_ho_so WHERE ma_ho_so = ?", [code]).fetchone()
        dossier = con.execute("SELECT in_scope_until FROM kpi.dossiers WHERE ma_ho_so = ?", [code]).fetchone()
    finally:
        con.close()
    if known is None:
        raise InputError(f"Không có hồ sơ «{code}» trong kho.", f"No dossier '{code}' in the warehouse.")
    if dossier is None:
        vi, en = "chưa được tiếp nhận (trạng thái 1 hoặc 3, hoặc không có ngày tiếp nhận)", \
            "was never accepted (status 1 or 3, or no acceptance date)"
    elif known[0].date() > end:
        vi, en = f"được tiếp nhận sau kỳ ({known[0]:%d/%m/%Y})", f"was accepted after the period ({known[0]:%d/%m/%Y})"
    else:  # its time T (its end, or the supplement request that stopped its clock) came before the start
        vi = f"đã kết thúc hoặc dừng tính thời gian trước kỳ ({dossier[0]:%d/%m/%Y %H:%M})"
        en = f"had ended, or its clock had stopped, before the period began ({dossier[0]:%d/%m/%Y %H:%M})"
    return {"ma_ho_so": code, "period": period, "state": None,
            "why_vi": f"Hồ sơ {code} không được tính trong kỳ {period}: {vi}.",
            "why_en": f"Dossier {code} is not counted in {period}: it {en}."}


def _why(d: dict, period: str, end) -> tuple[str, str]:
    """The reason a dossier counts as it does at the end of its period, in both languages."""
    ts = "%d/%m/%Y %H:%M"
    if d["state"] == "stopped":
        if d["ended"]:  # withdrawn or stopped while the request was pending (31_dossier_periods.sql)
            what = "withdrawn" if d["trang_thai"] == 7 else "stopped"
            vi = (f"{'rút hồ sơ' if what == 'withdrawn' else 'dừng xử lý'} lúc {d['end_time']:{ts}} khi đang chờ bổ sung: "
                  f"tính tại lần yêu cầu bổ sung lúc {d['ngay_yeu_cau_bo_sung']:{ts}}")
            en = (f"{what} on {d['end_time']:{ts}} while a supplement request was pending: judged at the request of "
                  f"{d['ngay_yeu_cau_bo_sung']:{ts}}")
        else:
            vi = f"đến hết kỳ đang chờ công dân bổ sung: dừng tính thời gian tại lần yêu cầu lúc {d['ngay_yeu_cau_bo_sung']:{ts}}"
            en = f"waiting for the applicant at the period's end: the clock stopped at the request of {d['ngay_yeu_cau_bo_sung']:{ts}}"
    elif d["state"] == "finished":
        vi, en = f"kết thúc xử lý lúc {d['end_time']:{ts}}", f"finished on {d['end_time']:{ts}}"
    else:
        vi, en = f"đang giải quyết đến hết kỳ ({end:%d/%m/%Y})", f"still open at the period's end ({end:%d/%m/%Y})"
    if d["hours_taken_off"]:
        h = f"{d['hours_taken_off']:g}"
        vi += f"; trừ {h} giờ chờ bổ sung đã hoàn thành lúc {d['ngay_hoan_thanh_bo_sung']:{ts}}"
        en += f"; {h} hours of supplements completed on {d['ngay_hoan_thanh_bo_sung']:{ts}} taken off"
    due = d["ngay_hen_tra"]
    if due is None:
        verdict = ("không có ngày hẹn trả: tính là đúng hạn", "no due date: counted on time")
    else:
        late = (d["adjusted_date"] - due.date()).days
        at = f"{d['adjusted_date']:%d/%m/%Y}"
        verdict = ((f"tính đến {at}, hạn {due:%d/%m/%Y}: " + ("trước hạn" if late < 0 else "đúng hạn" if late == 0
                                                           else f"trễ {late} ngày")),
                   (f"counted to {at}, due {due:%d/%m/%Y}: " + ("early" if late < 0 else "on time" if late == 0
                                                             else f"{late} days late")))
    if d["two_supplements"]:
        verdict = (verdict[0] + f"; yêu cầu bổ sung {d['so_lan_bo_sung']} lần: chỉ số tính là trễ hạn",
                   verdict[1] + f"; {d['so_lan_bo_sung']} supplement requests: late for the indicator")
    state_vi = {"stopped": "chờ bổ sung", "finished": "đã kết thúc", "open": "đang giải quyết"}[d["state"]]
    result = ("ĐÚNG HẠN", "ON TIME") if d["on_time"] else ("TRỄ HẠN", "LATE")
    return (f"Hồ sơ {d['ma_ho_so']}, kỳ {period}: {state_vi} — {vi}; {verdict[0]}. Kết luận: {result[0]}.",
            f"Dossier {d['ma_ho_so']}, {period}: {d['state']} — {en}; {verdict[1]}. Verdict: {result[1]}.")
