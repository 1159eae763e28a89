"""The refresh as assets by layer: staging → core → indicators → marts → serving copy."""


import datetime as dt
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.contract import FILES, MONTHLY_KINDS, REFERENCE_KINDS
from pipelines.defs.partitions import monthly
from pipelines.defs.resources import CchcHome, build_connection
from pipelines.history import record_refresh
from pipelines.indicators.build import build_indicators
from pipelines.ingest import inbox as inbox_files
from pipelines.ingest.load import ingest, prepare
from pipelines.model.build import build_core, build_marts
from pipelines.publish import publish

single_run = dg.BackfillPolicy.single_run()


def _ingest(context, duckdb: DuckDBResource, cchc: CchcHome, kinds: list[str],
            periods: list[str | None]) -> dg.MaterializeResult:
    inbox = Path(cchc.inbox)
    files = [f for f in inbox_files.scan(inbox) if f.kind in kinds and f.period in periods]
    with build_connection(duckdb) as con:
        prepare(con)
        results = ingest(con, files, inbox_files.column_mapping(inbox), context.run.run_id)
    changed = [r for r in results if r.status != "unchanged"]
    if changed:  # one message: each is a write to the run's event log
        context.log.info("\n".join(f"{r.file_name}: {r.status}, {r.rows_loaded} rows read, {r.accepted} accepted, "
                                   f"{r.quarantined} quarantined, {r.rows_skipped} skipped" for r in changed))
    held = [r for r in results if r.error]
    if held:  # recorded in meta.validations; the run stops before anything is published
        raise held[0].error
    present = {(f.kind, f.period) for f in files}
    missing = [f"{k}_{p}" if p else k for k in kinds for p in periods
               if (k, p) not in present and not FILES[k].optional]
    if missing:
        context.log.warning(f"Thiếu tệp / missing files: {', '.join(missing)}")
    staged = [r for r in results if r.status == "staged"]
    return dg.MaterializeResult(metadata={
        "files_staged": len(staged),
        "files_unchanged": len(results) - len(staged),
        "rows_read": sum(r.rows_loaded for r in staged),
        "rows_accepted": sum(r.accepted for r in staged),
        "rows_quarantined": sum(r.quarantined for r in staged),
        "rows_with_warnings": sum(r.warnings for r in staged),
        "rows_skipped": sum(r.rows_skipped for r in staged),
        "expectations_run": sum(r.validation.expectations for r in staged),
        "expectations_failed": sum(r.validation.failed for r in staged),
        "missing_files": ", ".join(missing) or "—",
    })


@dg.asset(group_name="staging", kinds={"duckdb"})
def staging_reference(context: dg.AssetExecutionContext, duckdb: DuckDBResource, cchc: CchcHome) -> dg.MaterializeResult:
    """Units (don_vi), the procedure catalog (danh_muc_tthc) and reported values, read, validated
    and typed (warehouse/staging/05_don_vi, 40_danh_muc_tthc, 60_chi_so_bao_cao), with lineage."""
    return _ingest(context, duckdb, cchc, REFERENCE_KINDS, [None])


@dg.asset(group_name="staging", kinds={"duckdb"}, deps=[staging_reference], partitions_def=monthly,
          backfill_policy=single_run)
def staging_exports(context: dg.AssetExecutionContext, duckdb: DuckDBResource, cchc: CchcHome) -> dg.MaterializeResult:
    """The month's ho_so, thanh_toan and so_hoa files, read, validated and typed
    (warehouse/staging/10_* to 30_*), with lineage; a re-export replaces its month, an unchanged
    file is skipped."""
    return _ingest(context, duckdb, cchc, MONTHLY_KINDS, list(context.partition_keys))


@dg.asset(group_name="core", kinds={"duckdb"}, deps=[staging_reference, staging_exports])
def core_model(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Dimensions (units with successors, procedures, fields) and deduplicated facts."""
    with build_connection(duckdb) as con:
        build_core(con)
        counts = {t: con.execute(f"SELECT count(*) FROM core.{t}").fetchone()[0]
                  for t in ("fct_ho_so", "fct_thanh_toan", "fct_so_hoa", "dim_don_vi", "dim_tthc")}
    return dg.MaterializeResult(metadata=counts)


def _unbalanced(duckdb: DuckDBResource, view: str, columns: str) -> tuple[int, list[tuple]]:
    """A reconciliation view (staging.reconciliation, staging.rollup_reconciliation) read once: its
    number of rows, and the `columns` of those that do not balance, in order."""
    with build_connection(duckdb) as con:
        rows = con.execute(f"SELECT balanced, {columns} FROM staging.{view} ORDER BY {columns}").fetchall()
    return len(rows), [row[1:] for row in rows if not row[0]]


@dg.asset_check(asset=core_model, blocking=True, description=(
    "Mỗi tệp: số dòng đọc = dòng nhận + dòng cách ly + dòng bỏ qua / "
    "every file: rows read = accepted + quarantined + skipped rows"))
def rows_reconcile(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    files, off = _unbalanced(duckdb, "reconciliation",
                             "file_name, rows_read, rows_accepted, rows_quarantined, rows_skipped")
    return dg.AssetCheckResult(passed=not off, metadata={
        "files": files, "unbalanced": "; ".join(f"{f}: {r} ≠ {a} + {q} + {s}" for f, r, a, q, s in off) or "—"})


@dg.asset(group_name="indicators", kinds={"duckdb"}, deps=[core_model])
def indicators(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Every indicator for every period, unit, level and the province, against the plans' targets,
    with the composite score (warehouse/indicators)."""
    with build_connection(duckdb) as con:
        build_indicators(con)
        stats = con.execute("SELECT count(DISTINCT period), count(*), count(*) FILTER (status = 'not_met') "
                            "FROM kpi.scorecard").fetchone()
    return dg.MaterializeResult(metadata={"periods": stats[0], "values": stats[1], "targets_not_met": stats[2]})


@dg.asset_check(asset=indicators, blocking=True, description=(
    "Mỗi chỉ số toàn tỉnh = tổng các số đếm của nó / every province value is the sum of its counts"))
def rollups_reconcile(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    values, off = _unbalanced(duckdb, "rollup_reconciliation",
                              "period, indicator, counted_numerator, counted_denominator, numerator, denominator")
    return dg.AssetCheckResult(passed=not off, metadata={
        "values": values, "unbalanced": len(off),
        "first": "; ".join(f"{p} {i}: {cn}/{cd} ≠ {n}/{d}" for p, i, cn, cd, n, d in off[:10]) or "—"})


@dg.asset_check(asset=indicators, blocking=True, description=(
    "Biểu báo cáo định kỳ: mỗi dòng cân (3 = 7 + 11 + 14 + 15) và khớp với các chỉ số / "
    "the periodic report table: every row balances and agrees with the indicators"))
def report_reconciles(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    months, off = _unbalanced(duckdb, "report_reconciliation", "period, c3, c7, c11, c14, c15, in_scope, resolved")
    return dg.AssetCheckResult(passed=not off, metadata={
        "months": months, "unbalanced": len(off),
        "first": "; ".join(f"{p}: c3 {c3} = {c7} + {c11} + {c14} + {c15}, in scope {i}, resolved {r}"
                           for p, c3, c7, c11, c14, c15, i, r in off[:10]) or "—"})


@dg.asset(group_name="marts", kinds={"duckdb"}, deps=[indicators])
def marts(duckdb: DuckDBResource) -> dg.MaterializeResult:
    """Tables shaped for the dashboards (warehouse/marts)."""
    with build_connection(duckdb) as con:
        return dg.MaterializeResult(metadata={"tables": ", ".join(build_marts(con))})


@dg.asset(group_name="publish", kinds={"duckdb"}, deps=[marts])
def serving_warehouse(context: dg.AssetExecutionContext, duckdb: DuckDBResource, cchc: CchcHome) -> dg.MaterializeResult:
    """The read-only copy the dashboards open, swapped in atomically."""
    stats = context.instance.get_run_stats(context.run.run_id)
    started = dt.datetime.fromtimestamp(stats.start_time or dt.datetime.now().timestamp(), dt.UTC)
    with build_connection(duckdb) as con:
        record_refresh(con, context.run.run_id, cchc.inbox, started, "succeeded")
        counts = publish(con, cchc.serving_db)
    return dg.MaterializeResult(metadata={"path": str(cchc.serving_db), "dossiers": counts.get("core.fct_ho_so", 0)})
