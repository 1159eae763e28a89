"""Build the kpi schema (warehouse/indicators): periods, dossier classification, counts, values
by scope, targets and status, composite score. One transaction."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines import config
from pipelines.db import run_layer, transaction
from pipelines.settings import WAREHOUSE_SQL

TARGETS = WAREHOUSE_SQL / "seeds" / "targets.csv"
REPORTED = WAREHOUSE_SQL / "seeds" / "reported_indicators.csv"


def targets() -> pl.DataFrame:
    """The targets registry: every target of the plans in ../shared/seeds, with its quote."""
    return pl.read_csv(TARGETS, schema_overrides={"plan_number": pl.String, "plan_date": pl.Date, "year": pl.Int32,
                                                  "scope_code": pl.String, "threshold": pl.Float64})


def reported_indicators() -> pl.DataFrame:
    """The measures the plans set that no export measures; a steward enters their values."""
    return pl.read_csv(REPORTED)


def build_indicators(con: duckdb.DuckDBPyConnection) -> list[str]:
    registry, reported = targets().to_arrow(), reported_indicators().to_arrow()  # noqa: F841  read by name below
    with transaction(con):
        con.execute("SET VARIABLE reporting_window = ?", [config.reporting_window()])
        con.execute("SET VARIABLE cutoff_day = CAST(? AS INTEGER)", [config.cutoff_day()])
        con.execute("SET VARIABLE supplement_moves_due_date = ?", [config.supplement_moves_due_date()])
        con.execute("CREATE OR REPLACE TABLE staging.targets AS SELECT * FROM registry")
        con.execute("CREATE OR REPLACE TABLE staging.reported_indicators AS SELECT * FROM reported")
        return run_layer(con, "indicators")
