"""Deterministic sample exports for 2024-01 … 2026-10, written month by month.

Each dossier's whole life is simulated when it is received (due date in working days,
supplements, lateness, apology, rating, payments, digitized documents); then every month's
ho_so file shows every dossier with activity in that month as it stood at the month's end.
Only dossiers still open are carried from month to month, so memory stays bounded at any scale.
"""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import holidays
import numpy as np
import polars as pl

from pipelines.contract import FILES, header_key
from sample_data.reference import PROCEDURE_OWNER_BEFORE_MERGER, Unit, procedures, unit_valid, units

FIRST, LAST = (2024, 1), (2026, 10)
DAY = 86400
EPOCH = dt.date(2023, 1, 1)
CAL_DAYS = 365 * 6


def months(first: tuple[int, int] = FIRST) -> list[tuple[int, int]]:
    out, (y, m) = [], first
    while (y, m) <= LAST:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass(frozen=True)
class Layout:
    """How one month's files are written: the sample exercises every form the contract allows."""

    fmt: str = "csv"  # csv | xlsx
    sep: str = ","
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | utf-16
    profile: str = "vi"  # vi | dvcqg
    ts: str = "%d/%m/%Y %H:%M:%S"
    money_dots: bool = False
    nfd: bool = False
    # ho_so as a system syncing to DVCQG sends it: the unit's name in DonViXuLy, TrangThaiHoSo as
    # the DVCQG string codes, and no Ngày cập nhật column (DVCQG has no such field).
    as_sent: bool = False


# The month whose ho_so comes as DVCQG sends it (README, "File forms by month").
DVCQG_AS_SENT = (2026, 3)
DVCQG_STATUS = {1: "receiving", 2: "new", 3: "denied", 4: "processing", 5: "waiting", 6: "paying",
                7: "cancelled", 8: "unresolved", 9: "releasing", 10: "done"}

# Months whose so_hoa file was exported after the month, on this day of the next month: it also
# holds the result documents of the month's dossiers digitized up to then (ngay_so_hoa after the
# month's end), as a real late export does; the next month's file does not repeat them.
SO_HOA_EXPORTED_LATER = {(2024, 3): 8, (2024, 8): 12, (2025, 1): 6, (2025, 6): 10, (2025, 11): 7, (2026, 4): 12}


def layout(index: int, plain: bool, period: tuple[int, int] | None = None) -> Layout:
    if plain:
        return Layout()
    if period == DVCQG_AS_SENT:
        return Layout(profile="dvcqg", ts="%Y%m%d%H%M%S", as_sent=True)
    if index in (10, 25):
        return Layout(sep="\t", encoding="utf-16")
    if index == 14:
        return Layout(nfd=True)
    return [
        Layout(fmt="xlsx"),
        Layout(sep=";", encoding="utf-8-sig", money_dots=True),
        Layout(profile="dvcqg", ts="%Y%m%d%H%M%S"),
        Layout(ts="%Y-%m-%dT%H:%M:%S"),
        Layout(),
        Layout(sep=";", encoding="utf-8-sig"),
    ][index % 6]


class Calendar:
    """Working days (weekends, Vietnamese holidays, swapped Saturdays) as day offsets from EPOCH."""

    def __init__(self):
        vn = holidays.VN(years=range(EPOCH.year, EPOCH.year + 7))
        days = [EPOCH + dt.timedelta(days=i) for i in range(CAL_DAYS)]
        self.working = np.array([vn.is_working_day(d) for d in days])
        self.cum = np.cumsum(self.working)  # working days up to and including each day

    def add_working_days(self, day: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The day on which the n-th working day after `day` falls."""
        target = self.cum[np.clip(day, 0, CAL_DAYS - 1)] + n
        return np.searchsorted(self.cum, target).clip(0, CAL_DAYS - 1)

    def next_working(self, day: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.cum, self.cum[np.clip(day, 0, CAL_DAYS - 1)] - self.working[day] + 1)


def _seconds(d: dt.date) -> int:
    return (d - EPOCH).days * DAY


def generate(out: Path, dossiers: int = 200_000, seed: int = 2025, plain: bool = False,
             first: str | None = None) -> dict:
    """Writes the reference files and every month's exports from `first` (YYYY-MM, default
    2024-01) to 2026-10 into `out`; starting at 2026-10 puts all dossiers in one month."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    cal = Calendar()
    all_units = units()
    procs = procedures()
    _write_reference(out, all_units, procs, plain)

    profile = _unit_profiles(all_units, rng)
    month_list = months(tuple(int(x) for x in first.split("-")) if first else FIRST)
    growth = np.linspace(0.85, 1.2, len(month_list)) * np.array([0.75 if m == 2 else 1.0 for _, m in month_list])
    per_month = np.floor(dossiers * growth / growth.sum()).astype(int)
    per_month[-1] += dossiers - per_month.sum()

    pool = None  # open dossiers carried into the next month
    later_payments: list[pl.DataFrame] = []
    later_docs: list[pl.DataFrame] = []
    counts = {"ho_so": 0, "thanh_toan": 0, "so_hoa": 0}
    seq = 0
    for index, ((y, m), n) in enumerate(zip(month_list, per_month)):
        start = dt.date(y, m, 1)
        end = dt.date(y + (m == 12), m % 12 + 1, 1)
        t0, t1 = _seconds(start), _seconds(end) - 1
        new = _new_dossiers(rng, cal, n, seq, index, len(month_list), start, end, all_units, procs, profile)
        seq += n
        payments, docs = _payments(rng, new, index, len(month_list)), _documents(rng, new, index, len(month_list))
        active = new if pool is None else pl.concat([pool, new])
        snapshot = _snapshot(active, t0, t1)
        pool = active.filter(pl.col("activity_end") > t1)
        month_payments = pl.concat([*later_payments, payments]) if later_payments else payments
        later_payments = [month_payments.filter(pl.col("thoi_diem_s") > t1)]
        month_payments = month_payments.filter(pl.col("thoi_diem_s") <= t1)
        # Documents digitized in the month; a file exported later also holds those of the
        # month's own dossiers digitized before the export.
        export_day = SO_HOA_EXPORTED_LATER.get((y, m))
        exported = _seconds(end + dt.timedelta(days=export_day - 1)) if export_day else t1 + 1
        carried = pl.concat(later_docs) if later_docs else docs.clear()
        in_month, own = pl.col("ngay_so_hoa_s") <= t1, pl.col("ngay_so_hoa_s") < exported
        month_docs = pl.concat([carried.filter(in_month), docs.filter(own)])
        later_docs = [pl.concat([carried.filter(~in_month), docs.filter(~own)])]
        lay = layout(index, plain, (y, m))
        period = f"{y}-{m:02d}"
        title = f"THÁNG {m:02d}/{y}"
        _write(out / f"ho_so_{period}", "ho_so", _ho_so_text(snapshot, lay), lay, title)
        _write(out / f"thanh_toan_{period}", "thanh_toan", _payments_text(month_payments, lay), lay, title)
        _write(out / f"so_hoa_{period}", "so_hoa", _docs_text(month_docs, lay), lay, title)
        counts["ho_so"] += snapshot.height
        counts["thanh_toan"] += month_payments.height
        counts["so_hoa"] += month_docs.height
    return {"dossiers": int(dossiers), "months": len(month_list), "rows": counts, "out": str(out)}


# --- units and their behaviour -------------------------------------------------------------

def _unit_profiles(all_units: list[Unit], rng) -> dict[str, tuple[str, float]]:
    """Each unit's on-time behaviour: steady (good), slipping, recovering or average; and how
    often its late dossiers get an apology letter."""
    kinds = rng.choice(["good", "slipping", "recovering", "average"], size=len(all_units), p=[0.5, 0.2, 0.1, 0.2])
    apology = rng.uniform(0.4, 1.0, size=len(all_units))
    out = {u.ma_don_vi: (str(k), float(a)) for u, k, a in zip(all_units, kinds, apology)}
    out["H37.16"] = ("good", 1.0)  # Sở Ngoại vụ: its own plan asks 100% on time
    out["06001"] = ("slipping", 0.7)  # Xã Đoàn Kết: its plan asks > 99%; the sample lets it slip
    return out


def _late_share(kind: str, progress: float) -> float:
    return {"good": 0.003, "average": 0.015, "slipping": 0.004 + 0.07 * progress ** 2,
            "recovering": max(0.004, 0.08 * (1 - progress) ** 2)}[kind]


def _new_dossiers(rng, cal, n, seq, index, months_total, start, end, all_units, procs, profile) -> pl.DataFrame:
    progress = index / max(1, months_total - 1)
    mid = start + (end - start) / 2
    active = [u for u in all_units if u.ma_don_vi_cha is not None and unit_valid(u, mid)]
    # On a merger month, both old and new units are valid for part of it: weight by days valid.
    days_valid = np.array([sum(unit_valid(u, start + dt.timedelta(days=d)) for d in range((end - start).days))
                           for u in active], dtype=float)
    weights = np.array([u.weight for u in active]) * days_valid
    level_share = {"tinh": 0.35, "huyen": 0.25, "xa": 0.4} if start < dt.date(2025, 7, 1) else {"tinh": 0.4, "xa": 0.6}
    for level, share in level_share.items():
        mask = np.array([u.cap == level for u in active])
        if mask.any():
            weights[mask] = weights[mask] / weights[mask].sum() * share
    weights /= weights.sum()
    unit_idx = rng.choice(len(active), size=n, p=weights)

    by_unit_procs = {}
    for i, u in enumerate(active):
        owner = PROCEDURE_OWNER_BEFORE_MERGER.get(u.ma_don_vi, u.ma_don_vi)
        by_unit_procs[i] = [j for j, p in enumerate(procs) if (p.cap == u.cap and (u.cap != "tinh" or p.ma_don_vi == owner))]
    proc_idx = np.empty(n, dtype=int)
    for i, options in by_unit_procs.items():
        sel = unit_idx == i
        if sel.any():
            opts = options or [j for j, p in enumerate(procs) if p.cap == "tinh"]
            popularity = 1.0 / (1 + np.arange(len(opts)))  # the first procedures of a field are the common ones
            proc_idx[sel] = np.asarray(opts)[rng.choice(len(opts), size=int(sel.sum()), p=popularity / popularity.sum())]

    p_muc = np.array([procs[j].muc_do for j in proc_idx])
    p_fee = np.array([procs[j].co_phi for j in proc_idx])
    p_days = np.array([procs[j].thoi_han for j in proc_idx])
    u_codes = np.array([active[i].ma_don_vi for i in unit_idx])
    kinds = np.array([profile[c][0] for c in u_codes])

    # Received on a working day of the month, office hours.
    first, span = (start - EPOCH).days, (end - start).days
    day = cal.next_working(first + rng.integers(0, span, size=n))
    day = np.where(day >= first + span, cal.next_working(np.full(n, first)), day)
    received = day * DAY + rng.integers(7 * 3600 + 1800, 16 * 3600 + 1800, size=n)

    online_possible = p_muc != "khong"
    p_online = 0.3 + 0.55 * progress
    r = rng.random(n)
    kenh = np.where(online_possible & (r < p_online), 2, np.where(r > 0.97, 3, 1))
    toan_trinh = np.where((kenh == 2) & (p_muc == "toan_trinh") & (rng.random(n) < 0.85), 1, 0)
    submitted = received - np.where(kenh == 2, rng.integers(600, 2 * DAY, size=n), rng.integers(60, 900, size=n))

    # Outcome: refused at the counter, withdrawn, stopped, or processed.
    r = rng.random(n)
    never_accepted = r < 0.004  # registered online, never completed: stays status 1
    refused = (r >= 0.004) & (r < 0.012)
    withdrawn = (r >= 0.012) & (r < 0.018)
    stopped = (r >= 0.018) & (r < 0.023)

    due_day = cal.add_working_days(day, p_days)
    due = due_day * DAY + 17 * 3600
    no_due = rng.random(n) < 0.005

    # The agency's own schedule: on time, or late by 1–11 working days after the due date.
    late_p = np.array([_late_share(k, progress) for k in kinds])
    late = rng.random(n) < late_p
    work_share = rng.uniform(0.25, 0.98, size=n)
    end_day = np.where(late, cal.add_working_days(due_day, rng.integers(1, 12, size=n)),
                       cal.add_working_days(day, np.floor(work_share * p_days).astype(int)))
    agency_end = np.maximum(end_day * DAY + rng.integers(8 * 3600, 17 * 3600, size=n), received + 3600)
    agency_time = agency_end - received

    # Supplements: none, once, twice. The agency asks after part of its own work; the applicant
    # takes 1–10 days (whole tenths of an hour, so Số giờ bổ sung is exact to its one decimal);
    # the agency's clock stops meanwhile, so the dossier finishes that much later. Every request
    # and completion falls between acceptance and the end of processing.
    r = rng.random(n)
    n_supp = np.where(r < 0.02, 2, np.where(r < 0.11, 1, 0))
    share1 = rng.uniform(0.1, 0.6, size=n)
    share2 = rng.uniform(0.2, 0.8, size=n)
    first_req = received + (share1 * agency_time).astype(np.int64)
    wait1 = rng.integers(1, 10, size=n) * DAY + rng.integers(0, 80, size=n) * 360
    second_req = first_req + wait1 + (share2 * (1 - share1) * agency_time).astype(np.int64)
    wait2 = rng.integers(1, 8, size=n) * DAY + rng.integers(0, 80, size=n) * 360
    supp_seconds = np.where(n_supp >= 1, wait1, 0) + np.where(n_supp == 2, wait2, 0)
    last_req = np.where(n_supp == 2, second_req, first_req)
    last_done = np.where(n_supp == 2, second_req + wait2, first_req + wait1)
    # Some applicants never answer the latest request: they withdraw after 30 days (status 7), or
    # the agency stops processing after 15–45 days (status 8); the request stays pending.
    abandoned = (n_supp >= 1) & (rng.random(n) < 0.12) & ~(never_accepted | refused | withdrawn | stopped)
    abandon_withdrawn = rng.random(n) < 0.55
    abandoned_after = np.where(abandon_withdrawn, 30 * DAY, rng.integers(15, 46, size=n) * DAY) + rng.integers(
        3600, 8 * 3600, size=n)

    finish = agency_end + supp_seconds
    finish = np.where(abandoned, last_req + abandoned_after, finish)
    finish = np.where(withdrawn, received + rng.integers(1, 6, size=n) * DAY, finish)
    finish = np.where(stopped, received + rng.integers(2, 15, size=n) * DAY, finish)

    finish = np.where(never_accepted | refused, received, finish)
    status = np.where(never_accepted, 1, np.where(refused, 3, np.where(
        withdrawn | (abandoned & abandon_withdrawn), 7, np.where(stopped | abandoned, 8, 10))))
    not_returned = (status == 10) & (rng.random(n) < 0.1)
    status = np.where(not_returned, 9, status)
    returned = np.where(status == 10, finish + rng.integers(600, 3 * DAY, size=n), -1)
    n_supp = np.where(never_accepted | refused | withdrawn | stopped, 0, n_supp)

    really_late = (status >= 9) & (agency_end > due)
    apology_p = np.array([profile[c][1] for c in u_codes])
    apology = really_late & (rng.random(n) < apology_p)
    new_due = np.where(apology, due + rng.integers(2, 10, size=n) * DAY, -1)

    r = rng.random(n)
    rating = np.where(r < 0.3, "", np.where(r < 0.3 + 0.7 * (0.9 - 0.3 * really_late), "hài lòng",
                                           np.where(r < 0.97, "bình thường", "không hài lòng")))
    rating = np.where(status >= 9, rating, "")
    doi_tuong = rng.choice([1, 2, 3, 4], size=n, p=[0.8, 0.15, 0.03, 0.02])
    yymm = f"{start:%y%m}"
    frame = pl.DataFrame({
        "ma_ho_so": [f"H37.{yymm}.{seq + i:08d}" for i in range(n)],
        "proc": proc_idx, "ma_don_vi": u_codes, "kenh": kenh, "toan_trinh": toan_trinh,
        "submitted": submitted, "received": received, "due": np.where(no_due, -1, due),
        "finish": finish, "returned": returned, "final_status": status, "n_supp": n_supp,
        "first_req": first_req, "last_done": np.where(abandoned, -1, last_done),
        "second_req": second_req, "wait1": wait1, "wait2": wait2,
        "apology": apology.astype(int), "new_due": new_due, "rating": rating,
        "doi_tuong": doi_tuong, "fee": p_fee,
    })
    return frame.with_columns(pl.max_horizontal("received", "finish", "returned").alias("activity_end"))


# --- month-end snapshots --------------------------------------------------------------------

def _snapshot(active: pl.DataFrame, t0: int, t1: int) -> pl.DataFrame:
    """Every dossier with activity in [t0, t1], as it stood at t1."""
    d = active.filter((pl.col("submitted") <= t1) & (pl.col("activity_end") >= t0))
    done = pl.col("finish") <= t1
    refused = pl.col("final_status").is_in([1, 3])  # never accepted: no acceptance date
    # Supplement state at t1: requests made so far, cycles completed so far, one pending?
    # (last_done < 0: the applicant never answered the latest request.)
    req1 = (pl.col("n_supp") >= 1) & (pl.col("first_req") <= t1)
    req2 = (pl.col("n_supp") == 2) & (pl.col("second_req") <= t1)
    done1 = req1 & ~((pl.col("n_supp") == 1) & (pl.col("last_done") < 0)) & (pl.col("first_req") + pl.col("wait1") <= t1)
    done2 = req2 & (pl.col("last_done") >= 0) & (pl.col("last_done") <= t1)
    pending = (req1 & ~req2 & ~done1) | (req2 & ~done2)
    status = (
        pl.when(refused).then(pl.col("final_status"))
        .when(done & (pl.col("final_status") == 10) & (pl.col("returned") > t1)).then(9)
        .when(done).then(pl.col("final_status"))
        .when(pending).then(5)
        .when((pl.col("fee") == 1) & ((pl.col("ma_ho_so").str.slice(-1).cast(pl.Int32) % 3) == 0)).then(6)
        .when(pl.col("received") > t1 - 86400).then(2)
        .otherwise(4)
    )
    requests = req1.cast(pl.Int32) + req2.cast(pl.Int32)
    # Hours waited over the cycles completed by t1: exactly request → completion, summed.
    completed_hours = (pl.when(done1).then(pl.col("wait1")).otherwise(0)
                       + pl.when(done2).then(pl.col("wait2")).otherwise(0)) / 3600
    last_req = pl.when(req2).then(pl.col("second_req")).when(req1).then(pl.col("first_req"))
    last_done = pl.when(req2).then(pl.when(done2).then(pl.col("last_done"))).when(done1).then(
        pl.col("first_req") + pl.col("wait1"))
    d = d.with_columns(
        status.alias("trang_thai"), requests.alias("so_lan_bo_sung"), completed_hours.round(1).alias("gio_bo_sung"),
        last_req.alias("ngay_yeu_cau_bo_sung"), last_done.alias("ngay_hoan_thanh_bo_sung"),
    )
    ended = pl.col("trang_thai").is_in([7, 8, 9, 10])
    return d.with_columns(
        pl.when(refused).then(None).otherwise(pl.col("received")).alias("ngay_tiep_nhan"),
        pl.when(refused | (pl.col("due") < 0)).then(None).otherwise(pl.col("due")).alias("ngay_hen_tra"),
        pl.when(ended).then(pl.col("finish")).alias("ngay_ket_thuc"),
        pl.when(pl.col("trang_thai") == 10).then(pl.col("returned")).alias("ngay_tra"),
        pl.when(ended).then(pl.col("apology")).otherwise(0).alias("co_phieu_xin_loi"),
        pl.when(ended & (pl.col("apology") == 1)).then(pl.col("new_due")).alias("ngay_hen_tra_moi"),
        pl.when(pl.col("trang_thai").is_in([9, 10])).then(pl.col("rating")).otherwise(pl.lit("")).alias("danh_gia"),
        pl.min_horizontal(pl.max_horizontal(
            "received", pl.when(ended).then(pl.col("finish")), pl.when(pl.col("trang_thai") == 10).then(pl.col("returned")),
            "ngay_yeu_cau_bo_sung", "ngay_hoan_thanh_bo_sung"), pl.lit(t1)).alias("ngay_cap_nhat"),
    )


# --- payments and digitized documents -------------------------------------------------------

def _payments(rng, d: pl.DataFrame, index: int, months_total: int) -> pl.DataFrame:
    progress = index / max(1, months_total - 1)
    paying = d.filter((pl.col("fee") == 1) & ~pl.col("final_status").is_in([1, 3]))
    n = paying.height
    online = (paying["kenh"].to_numpy() == 2) & (rng.random(n) < 0.55 + 0.35 * progress)
    r = rng.random(n)
    platform = np.where(r < 0.25 + 0.45 * progress, "dvcqg", np.where(r < 0.95, "tinh", "khac"))
    amount = rng.choice([50_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_250_000, 2_000_000], size=n)
    when = paying["received"].to_numpy() + rng.integers(300, 2 * DAY, size=n)
    r = rng.random(n)
    status = np.where(r < 0.93, "thanh_cong", np.where(r < 0.96, "that_bai", np.where(r < 0.985, "cho_xu_ly", "hoan_tien")))
    base = pl.DataFrame({
        "ma_ho_so": paying["ma_ho_so"], "so_tien": amount,
        "hinh_thuc": np.where(online, "truc_tuyen", np.where(rng.random(n) < 0.7, "tien_mat", "chuyen_khoan")),
        "nen_tang": np.where(online, platform, ""), "trang_thai": status, "thoi_diem_s": when,
    })
    retry = base.filter(pl.col("trang_thai") == "that_bai").with_columns(
        pl.lit("thanh_cong").alias("trang_thai"), (pl.col("thoi_diem_s") + 1800).alias("thoi_diem_s"))
    both = pl.concat([base.with_columns(pl.lit("A").alias("try")), retry.with_columns(pl.lit("B").alias("try"))])
    return both.with_columns(
        (pl.lit("GD") + pl.col("ma_ho_so").str.slice(4) + pl.col("try")).alias("ma_giao_dich")).drop("try")


def _documents(rng, d: pl.DataFrame, index: int, months_total: int) -> pl.DataFrame:
    progress = index / max(1, months_total - 1)
    accepted = d.filter(~pl.col("final_status").is_in([1, 3]))
    n = accepted.height
    parts = rng.integers(1, 4, size=n)
    comp = accepted.select("ma_ho_so", "received").with_columns(pl.Series("k", parts)).with_columns(
        pl.int_ranges(1, pl.col("k") + 1).alias("k")).explode("k")
    m = comp.height
    digitized = rng.random(m) < 0.55 + 0.4 * progress
    components = pl.DataFrame({
        "ma_ho_so": comp["ma_ho_so"], "ma_giay_to": comp["ma_ho_so"] + "-TP" + comp["k"].cast(pl.String),
        "loai": "thanh_phan", "da_so_hoa": digitized.astype(int), "ket_qua_dien_tu": np.zeros(m, dtype=int),
        "tai_su_dung": (digitized & (rng.random(m) < 0.15 + 0.45 * progress)).astype(int),
        "tu_kho_dvcqg": (digitized & (rng.random(m) < 0.05 + 0.25 * progress)).astype(int),
        "ngay_so_hoa_s": comp["received"] + rng.integers(300, 4 * 3600, size=m),
    })
    resolved = accepted.filter(pl.col("final_status") == 10)
    k = resolved.height
    result_digitized = rng.random(k) < 0.6 + 0.35 * progress
    results = pl.DataFrame({
        "ma_ho_so": resolved["ma_ho_so"], "ma_giay_to": resolved["ma_ho_so"] + "-KQ", "loai": "ket_qua",
        "da_so_hoa": result_digitized.astype(int),
        "ket_qua_dien_tu": (result_digitized & (rng.random(k) < 0.25 + 0.65 * progress)).astype(int),
        "tai_su_dung": np.zeros(k, dtype=int), "tu_kho_dvcqg": np.zeros(k, dtype=int),
        "ngay_so_hoa_s": resolved["finish"] + rng.integers(60, 3600, size=k),
    })
    return pl.concat([components, results])


# --- text and files --------------------------------------------------------------------------

def _ts(col: str, lay: Layout) -> pl.Expr:
    """Seconds since EPOCH → the month's timestamp text (empty when missing)."""
    c = pl.col(col)
    as_dt = (pl.lit(dt.datetime(EPOCH.year, EPOCH.month, EPOCH.day)) + pl.duration(seconds=c))
    return pl.when(c.is_null() | (c < 0)).then(pl.lit("")).otherwise(as_dt.dt.strftime(lay.ts)).alias(col)


def _ho_so_text(s: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    procs = procedures()
    catalog = pl.DataFrame({
        "proc": range(len(procs)), "ma_tthc": [p.ma_tthc for p in procs], "ten_tthc": [p.ten_tthc for p in procs],
        "ma_linh_vuc": [p.ma_linh_vuc for p in procs], "ten_linh_vuc": [p.ten_linh_vuc for p in procs]})
    s = s.join(catalog, on="proc", how="left").rename({"submitted": "ngay_nop", "doi_tuong": "loai_doi_tuong"})
    if lay.as_sent:
        s = s.with_columns(_unit_as_sent(s), pl.col("trang_thai").replace_strict(DVCQG_STATUS, return_dtype=pl.String))
    times = ["ngay_nop", "ngay_tiep_nhan", "ngay_hen_tra", "ngay_ket_thuc", "ngay_tra", "ngay_yeu_cau_bo_sung",
             "ngay_hoan_thanh_bo_sung", "ngay_hen_tra_moi", "ngay_cap_nhat"]
    s = s.with_columns([_ts(c, lay) for c in times])
    s = s.with_columns(pl.when(pl.col("kenh") == 2).then(pl.col("toan_trinh").cast(pl.String)).otherwise(pl.lit("")).alias("toan_trinh"))
    if lay.as_sent:
        return s.select([c for c in FILES["ho_so"].names if c != "ngay_cap_nhat"]).cast(pl.String)
    return s.select(FILES["ho_so"].names).cast(pl.String)


def _unit_as_sent(s: pl.DataFrame) -> pl.Series:
    """DonViXuLy as DVCQG-syncing systems write it: the unit's name, with the odd row in other
    case or spacing. A name that is not the name of exactly one unit valid on the day the
    dossier was submitted and accepted (compared as header_key compares) could not be resolved,
    so such a row keeps the code; the sample's units have no such clash in 2026 (the clashing
    names are old communes', valid until 30/6/2025)."""
    all_units = units()
    far = 10 ** 6
    valid = pl.DataFrame({
        "ma_don_vi": [u.ma_don_vi for u in all_units], "ten_don_vi": [u.ten_don_vi for u in all_units],
        "key": [header_key(u.ten_don_vi) for u in all_units],
        "tu": [(u.hieu_luc_tu - EPOCH).days for u in all_units],
        "den": [(u.hieu_luc_den - EPOCH).days if u.hieu_luc_den else far for u in all_units]})
    rows = s.select(pl.int_range(pl.len()).alias("row"), "ma_don_vi", (pl.col("ngay_nop") // DAY).alias("nop"),
                    (pl.col("received") // DAY).alias("nhan"), pl.col("ma_ho_so").str.slice(-2).cast(pl.Int32).alias("v"))
    rows = rows.join(valid.select("ma_don_vi", "ten_don_vi", "key"), on="ma_don_vi", how="left")
    namesakes = (rows.select("row", "key", "nop", "nhan").join(valid.select("key", "tu", "den"), on="key")
                 .group_by("row").agg(
                     ((pl.col("tu") <= pl.col("nop")) & (pl.col("nop") <= pl.col("den"))).sum().alias("at_nop"),
                     ((pl.col("tu") <= pl.col("nhan")) & (pl.col("nhan") <= pl.col("den"))).sum().alias("at_nhan")))
    rows = rows.join(namesakes, on="row", how="left").sort("row")
    name, v = pl.col("ten_don_vi"), pl.col("v")
    written = (
        pl.when(v < 3).then(name.str.to_uppercase())
        .when(v < 5).then(name.str.to_lowercase())
        .when(v < 7).then(name.str.replace_all(" ", "  ", literal=True))
        .when(v < 8).then(pl.lit(" ") + name + pl.lit(" "))
        .otherwise(name))
    unique = (pl.col("at_nop") == 1) & (pl.col("at_nhan") == 1)
    return rows.select(pl.when(unique).then(written).otherwise(pl.col("ma_don_vi")).alias("ma_don_vi")).to_series()


def _money(col: str, lay: Layout) -> pl.Expr:
    text = pl.col(col).cast(pl.String)
    if not lay.money_dots:
        return text
    # 1250000 → 1.250.000
    return text.str.reverse().str.replace_all(r"(\d{3})", "$1.").str.reverse().str.strip_chars_start(".")


def _payments_text(p: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    return p.with_columns(_money("so_tien", lay).alias("so_tien"), _ts("thoi_diem_s", lay).alias("thoi_diem")).select(
        FILES["thanh_toan"].names).cast(pl.String)


def _docs_text(d: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    return d.with_columns(_ts("ngay_so_hoa_s", lay).alias("ngay_so_hoa")).select(FILES["so_hoa"].names).cast(pl.String)


def _headers(kind: str, lay: Layout, names: list[str]) -> list[str]:
    columns = {c.name: c for c in FILES[kind].columns}
    return [(columns[n].dvcqg or columns[n].header) if lay.profile == "dvcqg" else columns[n].header for n in names]


def _write(stem: Path, kind: str, frame: pl.DataFrame, lay: Layout, title: str) -> None:
    headers = _headers(kind, lay, frame.columns)
    if lay.nfd:
        frame = frame.with_columns(pl.col(c).map_elements(lambda v: unicodedata.normalize("NFD", v), return_dtype=pl.String)
                                   for c in ("ten_tthc", "ten_linh_vuc", "danh_gia") if c in frame.columns)
    if lay.fmt == "xlsx":
        _write_xlsx(stem.with_suffix(".xlsx"), kind, frame, headers, title)
        return
    text = frame.rename(dict(zip(frame.columns, headers))).write_csv(separator=lay.sep)
    path = stem.with_suffix(".csv")
    if lay.encoding == "utf-16":
        path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    elif lay.encoding == "utf-8-sig":
        path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    else:
        path.write_bytes(text.encode("utf-8"))


REPORT_TITLES = {"danh_muc_tthc": "DANH MỤC THỦ TỤC HÀNH CHÍNH", "ho_so": "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ TTHC",
                 "thanh_toan": "BÁO CÁO THANH TOÁN TRỰC TUYẾN",
                 "so_hoa": "BÁO CÁO SỐ HÓA HỒ SƠ, KẾT QUẢ"}


def _write_xlsx(path: Path, kind: str, frame: pl.DataFrame, headers: list[str], title: str) -> None:
    """A report as stewards receive it: title rows, the header, data, a totals row; real date cells."""
    import xlsxwriter

    kinds = {c.name: c.kind for c in FILES[kind].columns}
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    wb.set_properties({"created": dt.datetime(2026, 11, 1)})  # byte-identical reruns
    ws = wb.add_worksheet("Báo cáo")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    ws.write_string(0, 0, "UBND TỈNH LẠNG SƠN")
    ws.write_string(1, 0, f"{REPORT_TITLES[kind]} {title}")
    ws.write_row(3, 0, headers)
    names = frame.columns
    row = 4
    for values in frame.iter_rows():
        for col, (name, v) in enumerate(zip(names, values)):
            if not v:
                continue
            if kinds[name] == "timestamp":
                ws.write_datetime(row, col, dt.datetime.strptime(v, "%d/%m/%Y %H:%M:%S"), date_fmt)
            elif kinds[name] == "money":
                ws.write_number(row, col, int(v))
            else:
                ws.write_string(row, col, v)
        row += 1
    ws.write_string(row, 0, "Tổng cộng")
    ws.write_number(row, 1, frame.height)
    wb.close()


def _write_reference(out: Path, all_units: list[Unit], procs, plain: bool) -> None:
    fmt = lambda d: d.strftime("%d/%m/%Y") if d else ""  # noqa: E731
    don_vi = pl.DataFrame({
        "Mã đơn vị": [u.ma_don_vi for u in all_units], "Tên đơn vị": [u.ten_don_vi for u in all_units],
        "Cấp": [u.cap for u in all_units], "Mã đơn vị cha": [u.ma_don_vi_cha or "" for u in all_units],
        "Hiệu lực từ": [fmt(u.hieu_luc_tu) for u in all_units], "Hiệu lực đến": [fmt(u.hieu_luc_den) for u in all_units],
        "Mã đơn vị kế thừa": [u.ma_don_vi_ke_thua or "" for u in all_units],
    })
    catalog = pl.DataFrame({
        "ma_tthc": [p.ma_tthc for p in procs], "ten_tthc": [p.ten_tthc for p in procs],
        "ma_linh_vuc": [p.ma_linh_vuc for p in procs], "ten_linh_vuc": [p.ten_linh_vuc for p in procs],
        "cap_thuc_hien": [p.cap for p in procs], "ma_don_vi_thuc_hien": [p.ma_don_vi or "" for p in procs],
        "muc_do_dvctt": [p.muc_do for p in procs], "co_phi": [str(p.co_phi) for p in procs],
        "tich_hop_tt_dvcqg": [str(p.tich_hop) for p in procs], "thoi_han": [str(p.thoi_han) for p in procs],
        "don_vi_thoi_han": ["ngay_lam_viec"] * len(procs),
    })
    (out / "don_vi.csv").write_bytes(don_vi.write_csv().encode("utf-8"))
    # The catalog as an XLSX report, as the province's catalog system exports it.
    _write(out / "danh_muc_tthc", "danh_muc_tthc", catalog, Layout(fmt="csv" if plain else "xlsx"), "")
