"""What a user would write: on_time_rate for every unit and month with pandas, the ordinary way
(read every ho_so CSV, keep the latest version of each dossier, classify it for each month it
is in scope of, count). Same definition as benchmarks/on_time_rate.sql; `cchc bench` runs both.

    python -m benchmarks.on_time_pandas INBOX OUT.csv
"""

import sys
from pathlib import Path

import pandas as pd

FMT = "%d/%m/%Y %H:%M:%S"


def on_time_rate(inbox: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(inbox.glob("ho_so_*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["file_period"] = path.stem.removeprefix("ho_so_")
        frames.append(frame)
    raw = pd.concat(frames, ignore_index=True)
    raw["updated"] = pd.to_datetime(raw["Ngày cập nhật"], format=FMT)
    latest = raw.sort_values(["file_period", "updated"]).drop_duplicates("Mã hồ sơ", keep="last")

    d = pd.DataFrame({"unit": latest["Mã đơn vị"], "status": latest["Trạng thái"].astype(int)})
    for column, name in [("tiep_nhan", "Ngày tiếp nhận"), ("hen_tra", "Ngày hẹn trả"),
                         ("ket_thuc", "Ngày kết thúc xử lý"), ("yeu_cau", "Ngày yêu cầu bổ sung"),
                         ("hoan_thanh", "Ngày hoàn thành bổ sung")]:
        d[column] = pd.to_datetime(latest[name].replace("", None), format=FMT)
    d["so_lan"] = pd.to_numeric(latest["Số lần yêu cầu bổ sung"].replace("", "0"))
    d["gio"] = pd.to_numeric(latest["Số giờ bổ sung"].replace("", "0"))
    d = d[~d["status"].isin([1, 3]) & d["tiep_nhan"].notna()]
    d["end"] = d["ket_thuc"].where(d["status"].isin([7, 8, 9, 10]))
    # the supplement window [request, completion); pending (no end) when not completed after the request
    d["w_end"] = d["hoan_thanh"].where(d["hoan_thanh"] >= d["yeu_cau"], pd.Timestamp.max)
    d["due"] = d["hen_tra"].dt.normalize()

    units = pd.read_csv(inbox / "don_vi.csv", dtype=str, keep_default_na=False)
    until = dict(zip(units["Mã đơn vị"], pd.to_datetime(units["Hiệu lực đến"].replace("", None), format="%d/%m/%Y")))
    since = dict(zip(units["Mã đơn vị"], pd.to_datetime(units["Hiệu lực từ"].replace("", None), format="%d/%m/%Y")))
    successor = dict(zip(units["Mã đơn vị"], units["Mã đơn vị kế thừa"]))

    rows = []
    for month in pd.period_range(raw["file_period"].min(), raw["file_period"].max(), freq="M"):
        start, stop = month.start_time, month.end_time.normalize() + pd.Timedelta(days=1)
        last = stop - pd.Timedelta(days=1)
        received = d[(d["tiep_nhan"] < stop) & (d["end"].isna() | (d["end"] >= start))]  # T is never after E
        # where each dossier stood at the month's end, and its time T
        waiting = ((received["yeu_cau"] < stop) & (received["w_end"] >= stop)
                   & (received["end"].isna() | (received["end"] >= stop)))
        dropped_waiting = (received["status"].isin([7, 8]) & (received["end"] < stop)
                           & (received["yeu_cau"] <= received["end"]) & (received["end"] < received["w_end"]))
        stopped = waiting | dropped_waiting
        t = received["yeu_cau"].where(stopped, received["end"].where(received["end"] < stop,
                                                                     stop - pd.Timedelta(microseconds=1)))
        keep = t >= start
        scoped, t = received[keep], t[keep]
        taken_off = pd.to_timedelta(scoped["gio"].where(scoped["hoan_thanh"] <= t, 0), unit="h")
        on_time = (scoped["so_lan"] < 2) & (scoped["due"].isna() | ((t - taken_off).dt.normalize() <= scoped["due"]))

        def reporting(unit: str, last=last) -> str:  # this month's `last`, bound here
            gone, heir = until.get(unit), successor.get(unit)
            heir_from = since.get(heir) if heir else None
            if heir and pd.notna(gone) and gone < last and (pd.isna(heir_from) or heir_from <= last):
                return heir
            return unit

        counted = pd.DataFrame({"unit": scoped["unit"].map(reporting), "on_time": on_time})
        grouped = counted.groupby("unit")["on_time"].agg(["sum", "count"]).reset_index()
        grouped.insert(0, "period", str(month))
        rows.append(grouped)
    result = pd.concat(rows).rename(columns={"sum": "numerator", "count": "denominator"})
    return result.astype({"numerator": "int64", "denominator": "int64"})


if __name__ == "__main__":
    on_time_rate(Path(sys.argv[1])).to_csv(sys.argv[2], index=False)
