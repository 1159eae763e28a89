"""Alerts as part of every refresh: evaluated once the new copy is published, and, when a step
fails, the failure noted for the dashboards and sent to the steward."""

import dagster as dg

from pipelines.alert.run import evaluate
from pipelines.defs.assets import serving_warehouse
from pipelines.history import failure_message, record_failure


def _evaluate(log, refresh_id: str) -> dict:
    """The published numbers stand whatever happens here: a broken contacts file or mail server
    must not fail the refresh. Episodes, events and messages are one transaction, so an error
    (or a crash) here loses nothing: the next refresh sees the copy was not evaluated to the end
    and evaluates it again; the error is logged and returned for `cchc refresh` to print."""
    try:
        return evaluate(refresh_id=refresh_id)
    except Exception as e:
        log.exception("Đánh giá cảnh báo thất bại / alert evaluation failed")
        return {"error": str(e)}


@dg.asset(group_name="alert", kinds={"sqlite"}, deps=[serving_warehouse])
def alerts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """The rules over the new published copy: episodes opened, reminded, recovered; the messages
    for each unit's people, the province digest and the steward put in the outbox and sent
    (warehouse/alerts, pipelines/alert)."""
    return dg.MaterializeResult(metadata=_evaluate(context.log, context.run.run_id))


@dg.failure_hook(required_resource_keys={"cchc"})
def failed_refresh(context: dg.HookContext) -> None:
    """A step failed: the published copy stays; note why, and tell the steward."""
    stats = context.instance.get_run_stats(context.run_id)
    for problem in record_failure(context.run_id, context.resources.cchc.inbox, stats.start_time,
                                  failure_message(context.step_key, context.op_exception)):
        context.log.error(f"Không ghi được lần thất bại / the failure could not be recorded: {problem}")
    _evaluate(context.log, context.run_id)
