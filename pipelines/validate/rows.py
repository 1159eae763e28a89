"""Row-level validation with GX Core on a pandas frame of one file's rows.

The frame holds every typed column, the text as written (`<column>__raw`) and derived columns
(`_unit_valid`); the suites in expectations/ say which rows break which rule. GX on DuckDB
through SQLAlchemy is broken (see shared/notes/stack.md), and a file is the natural batch.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import pandas as pd

from pipelines.settings import PROJECT_ROOT

EXPECTATIONS = PROJECT_ROOT / "expectations"
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["_row"],
                 "return_unexpected_index_query": False}


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    value: str | None
    rule: str
    severity: str  # critical: the row is quarantined; warning: loaded and reported
    message_vi: str
    message_en: str


def suite_spec(kind: str) -> dict:
    return json.loads((EXPECTATIONS / f"{kind}.json").read_text(encoding="utf-8"))


@functools.cache
def _batch_definition():
    import great_expectations as gx  # ~2 s to import: only when validating

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    return ctx.data_sources.add_pandas("exports").add_dataframe_asset("rows").add_batch_definition_whole_dataframe("file")


def validate_rows(kind: str, frame: pd.DataFrame, parameters: dict[str, list]) -> tuple[list[Issue], int]:
    """Returns the issues found and the number of expectations run. An expectation that needs a
    parameter nobody supplied (e.g. the unit list before don_vi is loaded) is not run."""
    import great_expectations as gx

    spec = suite_spec(kind)
    runnable = [e for e in spec["expectations"] if all(
        parameters.get(v["$PARAMETER"]) for v in e["kwargs"].values() if isinstance(v, dict) and "$PARAMETER" in v)]
    if frame.empty:
        return [], len(runnable)
    suite = gx.ExpectationSuite(name=kind, expectations=runnable)
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
    raw = frame.set_index("_row")
    issues: list[Issue] = []
    for r in result.results:
        if r.exception_info and r.exception_info.get("raised_exception"):
            raise RuntimeError(f"expectation {r.expectation_config.type} failed to run: {r.exception_info}")
        if r.success:
            continue
        cfg = r.expectation_config
        kwargs = cfg.kwargs
        # the column a steward should look at: a derived column points back to its source
        column = cfg.meta.get("report_column") or kwargs.get("column") or kwargs.get("column_A") \
            or ", ".join(kwargs.get("column_list", []))
        column = column.removesuffix("__raw")
        source = f"{column}__raw" if f"{column}__raw" in raw.columns else None
        for hit in r.result.get("unexpected_index_list") or []:
            row = int(hit["_row"])
            value = raw.at[row, source] if source else None
            issues.append(Issue(row, column, None if pd.isna(value) else str(value), cfg.meta["rule"],
                                cfg.severity.value, cfg.meta["vi"], cfg.meta["en"]))
    return issues, len(runnable)
