"""Vietnamese working days: public holidays, Tết and swapped Saturdays from `holidays`, plus
warehouse/seeds/calendar_overrides.csv for the yearly civil-service schedule the package lacks."""

from __future__ import annotations

import datetime as dt

import holidays
import polars as pl

from pipelines.settings import WAREHOUSE_SQL

FIRST_YEAR, LAST_YEAR = 2020, 2030


def calendar_days() -> pl.DataFrame:
    vn = holidays.VN(years=range(FIRST_YEAR, LAST_YEAR + 1))
    days = pl.date_range(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31), eager=True).alias("ngay")
    frame = pl.DataFrame({
        "ngay": days,
        "holiday_name": [vn.get(d) for d in days],
        "is_working_day": [vn.is_working_day(d) for d in days],
    })
    overrides = pl.read_csv(WAREHOUSE_SQL / "seeds" / "calendar_overrides.csv", schema={
        "ngay": pl.Date, "is_working_day": pl.Boolean, "note": pl.String})
    if overrides.height:
        frame = frame.join(overrides, on="ngay", how="left").with_columns(
            pl.coalesce("is_working_day_right", "is_working_day").alias("is_working_day"),
            pl.coalesce("note", "holiday_name").alias("holiday_name"),
        ).drop("is_working_day_right", "note")
    return frame.with_columns(pl.col("holiday_name").is_not_null().alias("is_holiday"))
