"""The monthly refresh: every layer, the publish, then the alerts; a failed step tells the steward."""

import dagster as dg

from pipelines.defs.alerts import alerts, failed_refresh
from pipelines.defs.assets import core_model, indicators, marts, serving_warehouse, staging_exports, staging_reference

refresh_job = dg.define_asset_job(
    "monthly_refresh",
    selection=dg.AssetSelection.assets(staging_reference, staging_exports,
                                       core_model, indicators, marts, serving_warehouse, alerts),
    description="Nạp tệp xuất của tháng, dựng kho, xuất bản và gửi cảnh báo / "
                "Load the month's exports, build, publish, alert.",
    hooks={failed_refresh},
)
