"""Monthly partitions keyed like the export files (YYYY-MM), up to the current month."""

from __future__ import annotations

import os

import dagster as dg

FIRST_MONTH = os.environ.get("CCHC_FIRST_MONTH", "2024-01")

monthly = dg.MonthlyPartitionsDefinition(
    start_date=FIRST_MONTH, fmt="%Y-%m", end_offset=1, timezone="Asia/Ho_Chi_Minh"
)
