"""The refresh as assets, one per warehouse table: staging → core → kpi → marts → serving copy.

Each layer's SQL runs as one step (one transaction); the step materializes every table and view
the layer makes, each its own asset with the tables it is made from as its upstreams, read from
the SQL (pipelines/model/lineage.py)."""


import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from pipelines.contract import FILES, MONTHLY_KINDS, REFERENCE_KINDS
from pipelines.defs.partitions import monthly
from pipelines.defs.resources import CchcHome, build_connection
from pipelines.errors import held_back
from pipelines.history import record_refresh
from pipelines.indicators.build import build_indicators
from pipelines.ingest import inbox as inbox_files
from pipelines.ingest.load import ingest, prepare
from pipelines.model.build import build_core, build_marts
from pipelines.model.docs import columns, table_descriptions
from pipelines.model.lineage import lineage
from pipelines.publish import publish

single_run = dg.BackfillPolicy.single_run()
STAGED = {f"staging.{kind}" for kind in FILES}  # what the ingest steps make
MODELS = {name: t for name, t in lineage().items() if not name.startswith("staging.")}  # staging.* views: the checks'


def key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def _table_specs(layer: str) -> list[dg.AssetSpec]:
    return [dg.AssetSpec(key(name), deps=[key(r) for r in sorted(t.reads) if r in MODELS or r in STAGED],
                         group_name=name.split(".")[0], kinds={"duckdb"},
                         description=f"{table_descriptions().get(name, '')}\n\n(warehouse/{layer}/{t.file})".lstrip())
            for name, t in MODELS.items() if t.layer == layer]


def _built(duckdb: DuckDBResource, layer: str, build) -> Iterator[dg.MaterializeResult]:
    """Runs the layer's SQL in one transaction, then gives each table it made its columns, with
    their types and meanings (pipelines/model/docs.py), and its number of rows."""
    with build_connection(duckdb) as con:
        build(con)
        for name, t in MODELS.items():
            if t.layer == layer:
                metadata = {"dagster/table_name": name, "dagster/column_schema": dg.TableSchema(columns=[
                    dg.TableColumn(c.name, c.type, c.description) for c in columns(con, name)])}
                if t.kind == "table":
                    metadata["dagster/row_count"] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                yield dg.MaterializeResult(asset_key=key(name), metadata=metadata)


def _ingest(context, duckdb: DuckDBResource, cchc: CchcHome, kinds: list[str],
            periods: list[str | None]) -> Iterator[dg.MaterializeResult]:
    inbox = Path(cchc.inbox)
    files = [f for f in inbox_files.scan(inbox) if f.kind in kinds and f.period in periods]
    with build_connection(duckdb) as con:
        prepare(con)
        results = ingest(con, files, inbox_files.column_mapping(inbox), context.run.run_id)
    changed = [r for r in results if r.status != "unchanged"]
    if changed:  # one message: each is a write to the run's event log
        context.log.info("\n".join(f"{r.file_name}: {r.status}, {r.rows_loaded} rows read, {r.accepted} accepted, "
                                   f"{r.quarantined} quarantined, {r.rows_skipped} skipped" for r in changed))
    held = [r.error for r in results if r.error]
    if held:  # recorded in meta.validations; the run stops before anything is published
        raise held_back(held, exports_wait=kinds == REFERENCE_KINDS
                        and any(f.kind in MONTHLY_KINDS for f in inbox_files.scan(inbox)))
    present = {(f.kind, f.period) for f in files}
    for kind in kinds:
        missing = [f"{kind}_{p}" if p else kind for p in periods if (kind, p) not in present and not FILES[kind].optional]
        if missing:
            context.log.warning(f"Thiếu tệp / missing files: {', '.join(missing)}")
        staged = [r for r in results if r.status == "staged" and r.kind == kind]
        yield dg.MaterializeResult(asset_key=key(f"staging.{kind}"), metadata={
            "files_staged": len(staged),
            "files_unchanged": len([r for r in results if r.kind == kind]) - len(staged),
            "rows_read": sum(r.rows_loaded for r in staged),
            "rows_accepted": sum(r.accepted for r in staged),
            "rows_quarantined": sum(r.quarantined for r in staged),
            "rows_with_warnings": sum(r.warnings for r in staged),
            "rows_skipped": sum(r.rows_skipped for r in staged),
            "expectations_run": sum(r.validation.expectations for r in staged),
            "expectations_failed": sum(r.validation.failed for r in staged),
            "missing_files": ", ".join(missing) or "—",
        })


@dg.multi_asset(name="staging_reference", specs=[
    dg.AssetSpec(key(f"staging.{kind}"), group_name="staging", kinds={"duckdb"},
                 description=f"{kind}.csv|xlsx read, validated and typed (warehouse/staging), with lineage.")
    for kind in REFERENCE_KINDS])
def staging_reference(context: dg.AssetExecutionContext, duckdb: DuckDBResource, cchc: CchcHome):
    """Units (don_vi), the procedure catalog (danh_muc_tthc) and reported values."""
    yield from _ingest(context, duckdb, cchc, REFERENCE_KINDS, [None])


@dg.multi_asset(name="staging_exports", partitions_def=monthly, backfill_policy=single_run, specs=[
    dg.AssetSpec(key(f"staging.{kind}"), group_name="staging", kinds={"duckdb"},
                 deps=[key(f"staging.{r}") for r in REFERENCE_KINDS],
                 description=f"The month's {kind} file read, validated and typed (warehouse/staging), with lineage; "
                             "a re-export replaces its month, an unchanged file is skipped.")
    for kind in MONTHLY_KINDS])
def staging_exports(context: dg.AssetExecutionContext, duckdb: DuckDBResource, cchc: CchcHome):
    """The month's ho_so, thanh_toan and so_hoa files."""
    yield from _ingest(context, duckdb, cchc, MONTHLY_KINDS, list(context.partition_keys))


@dg.multi_asset(name="core_model", specs=_table_specs("core"))
def core_model(duckdb: DuckDBResource):
    """Dimensions (units with successors, procedures, fields) and deduplicated facts (warehouse/core)."""
    yield from _built(duckdb, "core", build_core)


def _unbalanced(duckdb: DuckDBResource, view: str, columns: str) -> tuple[int, list[tuple]]:
    """A reconciliation view (staging.reconciliation, staging.rollup_reconciliation) read once: its
    number of rows, and the `columns` of those that do not balance, in order."""
    with build_connection(duckdb) as con:
        rows = con.execute(f"SELECT balanced, {columns} FROM staging.{view} ORDER BY {columns}").fetchall()
    return len(rows), [row[1:] for row in rows if not row[0]]


@dg.asset_check(asset=key("core.fct_ho_so"), blocking=True, description=(
    "Mỗi tệp: số dòng đọc = dòng nhận + dòng cách ly + dòng bỏ qua / "
    "every file: rows read = accepted + quarantined + skipped rows"))
def rows_reconcile(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    files, off = _unbalanced(duckdb, "reconciliation",
                             "file_name, rows_read, rows_accepted, rows_quarantined, rows_skipped")
    return dg.AssetCheckResult(passed=not off, metadata={
        "files": files, "unbalanced": "; ".join(f"{f}: {r} ≠ {a} + {q} + {s}" for f, r, a, q, s in off) or "—"})


@dg.multi_asset(name="indicators", specs=_table_specs("indicators"))
def indicators(duckdb: DuckDBResource):
    """Every indicator for every period, unit, level and the province, against the plans' targets,
    with the composite score (warehouse/indicators)."""
    yield from _built(duckdb, "indicators", build_indicators)


@dg.asset_check(asset=key("kpi.values"), blocking=True, description=(
    "Mỗi chỉ số toàn tỉnh = tổng các số đếm của nó / every province value is the sum of its counts"))
def rollups_reconcile(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    values, off = _unbalanced(duckdb, "rollup_reconciliation",
                              "period, indicator, counted_numerator, counted_denominator, numerator, denominator")
    return dg.AssetCheckResult(passed=not off, metadata={
        "values": values, "unbalanced": len(off),
        "first": "; ".join(f"{p} {i}: {cn}/{cd} ≠ {n}/{d}" for p, i, cn, cd, n, d in off[:10]) or "—"})


@dg.asset_check(asset=key("kpi.report_counts"), blocking=True, description=(
    "Biểu báo cáo định kỳ: mỗi dòng cân (3 = 7 + 11 + 14 + 15) và khớp với các chỉ số / "
    "the periodic report table: every row balances and agrees with the indicators"))
def report_reconciles(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    months, off = _unbalanced(duckdb, "report_reconciliation", "period, c3, c7, c11, c14, c15, in_scope, resolved")
    return dg.AssetCheckResult(passed=not off, metadata={
        "months": months, "unbalanced": len(off),
        "first": "; ".join(f"{p}: c3 {c3} = {c7} + {c11} + {c14} + {c15}, in scope {i}, resolved {r}"
                           for p, c3, c7, c11, c14, c15, i, r in off[:10]) or "—"})


@dg.multi_asset(name="marts", specs=_table_specs("marts"))
def marts(duckdb: DuckDBResource):
    """Tables shaped for the dashboards and the alerts (warehouse/marts)."""
    yield from _built(duckdb, "marts", build_marts)


@dg.asset(group_name="publish", kinds={"duckdb"}, deps=[marts])
def serving_warehouse(context: dg.AssetExecutionContext, duckdb: DuckDBResource, cchc: CchcHome) -> dg.MaterializeResult:
    """The read-only copy the dashboards open, swapped in atomically."""
    stats = context.instance.get_run_stats(context.run.run_id)
    started = dt.datetime.fromtimestamp(stats.start_time or dt.datetime.now().timestamp(), dt.UTC)
    with build_connection(duckdb) as con:
        record_refresh(con, context.run.run_id, cchc.inbox, started, "succeeded")
        counts = publish(con, cchc.home.serving_db)
    return dg.MaterializeResult(metadata={"path": str(cchc.home.serving_db), "dossiers": counts.get("core.fct_ho_so", 0)})
