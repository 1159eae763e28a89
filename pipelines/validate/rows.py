"""Row-level validation of export files' rows with GX Core, on a pandas frame built in DuckDB.

A batch is the files of one kind in the landing database (pipelines/ingest/load.py), told apart
by `_period`. The frame holds only the columns the suite names: typed columns (`kenh`), whether a
cell was filled in at all (`kenh__written`: true or NULL), the text that did not parse
(`kenh__unparsed`) and derived columns from warehouse/checks (`_unit_valid`). Keeping it narrow
and its text categorical is what makes a million rows take seconds: GX copies the frame for
every expectation that filters rows. GX on DuckDB through SQLAlchemy is broken (see
shared/notes/stack.md). The text as written, for the steward, is looked up in the landing table
for the rows that broke a rule.
"""

from __future__ import annotations

import functools
import importlib
import json
import threading
from collections import Counter
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

from pipelines.contract import FILES
from pipelines.settings import PROJECT_ROOT

EXPECTATIONS = PROJECT_ROOT / "expectations"
RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["_period", "_row"],
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


@dataclass
class Validation:
    rows: int
    expectations: int  # run on this file
    failed: int  # expectations with at least one row breaking them
    issues: list[Issue]

    @property
    def bad_rows(self) -> list[int]:
        return sorted({i.row for i in self.issues if i.severity == "critical"})

    @property
    def warning_rows(self) -> int:
        return len({i.row for i in self.issues if i.severity == "warning"})


def suite_spec(kind: str) -> dict:
    return json.loads((EXPECTATIONS / f"{kind}.json").read_text(encoding="utf-8"))


def validate_rows(con: duckdb.DuckDBPyConnection, kind: str, periods: list[str | None]) -> dict[str | None, Validation]:
    """Runs the kind's suite on the batch in landing (the files of `periods`), in one GX run: its
    fixed cost (about a second for ho_so's 41 expectations) was most of a small month's time. Rules
    across rows say "within the file" by naming `_period`. An expectation that needs a code list
    nobody supplied (the units before don_vi is loaded) is not run."""
    spec, parameters = suite_spec(kind), code_lists(con)
    runnable = [e for e in spec["expectations"] if all(
        parameters.get(v["$PARAMETER"]) for v in e["kwargs"].values() if isinstance(v, dict) and "$PARAMETER" in v)]
    frame = _text_as_ids(con.execute(frame_query(kind, suite_columns(runnable))).to_arrow_table())
    frame = frame.to_pandas(strings_to_categorical=True)  # GX copies the frame per expectation: codes copy fast
    small_ints = frame.select_dtypes(["int8", "int16", "int32"]).columns.drop("_row", errors="ignore")
    frame[small_ints] = frame[small_ints].astype("int64")  # GX compares int64 vectorized, int32 row by row
    rows = frame["_period"].value_counts()
    issues: dict[str, list[Issue]] = {p or "": [] for p in periods}
    failed: Counter = Counter()
    if not frame.empty:
        result = _validator(frame).validate_expectation_suite(_suite(kind, json.dumps(runnable)), parameters)
        hits: list[tuple[str, int, str, object]] = []
        for r in result.results:
            if r.exception_info and r.exception_info.get("raised_exception"):
                raise RuntimeError(f"expectation {r.expectation_config.type} failed to run: {r.exception_info}")
            if r.success:
                continue
            cfg = r.expectation_config
            column = cfg.meta.get("report_column") or _first_column(cfg.kwargs)
            column = column.split("__")[0]  # kenh__written, kenh__unparsed → kenh
            found = r.result.get("unexpected_index_list") or []
            checked = cfg.kwargs.get("column")  # each hit carries the checked column's value
            hits += [(h["_period"], int(h["_row"]), column, cfg, h.get(checked)) for h in found]
            failed.update({h["_period"] for h in found})
        written = _as_written(con, kind, [(period, row, column) for period, row, column, *_ in hits])
        for (period, row, column, cfg, found), value in zip(hits, written):
            issues[period].append(Issue(row, column, value, cfg.meta["rule"], cfg.severity.value,
                                        _message(cfg.meta["vi"], value, found), _message(cfg.meta["en"], value, found)))
    return {p: Validation(int(rows.get(p or "", 0)), len(runnable), failed[p or ""], issues[p or ""])
            for p in periods}


def suite_columns(expectations: list[dict]) -> set[str]:
    """Every column an expectation or its row condition names."""
    names: set[str] = set()

    def condition(c: dict) -> None:
        if "column" in c:
            names.add(c["column"]["name"])
        for inner in c.get("conditions", []):
            condition(inner)

    for e in expectations:
        kw = e["kwargs"]
        names.update(kw[k] for k in ("column", "column_A", "column_B") if k in kw)
        names.update(kw.get("column_list", []))
        if isinstance(kw.get("row_condition"), dict):
            condition(kw["row_condition"])
    return names


def frame_query(kind: str, columns: set[str]) -> str:
    """SQL for the frame of the batch in landing: `_row`, `_period` ('' for a reference file) and
    the named columns, each from its source."""

    def source(name: str) -> str:
        base, _, suffix = name.partition("__")
        if suffix == "written":  # only its nullness is checked: true or NULL keeps the frame light
            return f"(r.{base} IS NOT NULL OR NULL)"
        if suffix == "unparsed":
            return f"CASE WHEN p.{base} IS NULL THEN r.{base} END"
        if suffix == "id":  # numbered in _text_as_ids
            return f"p.{base}"
        if suffix == "day":  # a date written without its time is that day, not its midnight
            return f"date_trunc('day', p.{base})"
        return f"d.{name}" if name.startswith("_") else f"p.{name}"

    named = sorted(columns - {"_period"})
    select = "".join(f", {source(c)} AS {c}" for c in named)
    derived = any(c.startswith("_") for c in named)
    return (f"SELECT p._row, coalesce(p._period, '') AS _period{select} FROM landing.{kind}_typed p "
            f"JOIN landing.{kind} r USING (_file, _row)"
            + (f" JOIN staging.{kind}_derived d USING (_file, _row)" if derived else ""))


def _text_as_ids(frame: pa.Table) -> pa.Table:
    """`<column>__id` columns as numbers, one per distinct text (its dense rank): the uniqueness
    rules compare codes that are nearly all distinct (ma_giao_dich, ma_giay_to), which pandas makes
    categorical and GX hashes ten times faster as numbers than as text."""
    for i, name in enumerate(frame.column_names):
        if name.endswith("__id"):
            frame = frame.set_column(i, name, pl.from_arrow(frame[name]).rank("dense").to_arrow())
    return frame


def code_lists(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The lists suites check codes against: units and procedures of the loaded reference files,
    and the reported indicators of the registry."""
    from pipelines.indicators.build import reported_indicators

    return {
        "reported_indicators": reported_indicators()["code"].to_list(),
        "units": [c for (c,) in con.execute(
            "SELECT DISTINCT ma_don_vi FROM staging.don_vi WHERE ma_don_vi IS NOT NULL").fetchall()],
        "procedures": [c for (c,) in con.execute(
            "SELECT DISTINCT ma_tthc FROM staging.danh_muc_tthc WHERE ma_tthc IS NOT NULL").fetchall()],
    }


def _message(template: str, value: str | None, found: object) -> str:
    """A rule's message for one row: `{value}` is the value as written, `{found}` the checked
    column's value in that row (for a derived column, what the check found: the code a unit's name
    was read as, the candidate codes)."""
    if "{" not in template:
        return template
    return template.replace("{value}", "" if value is None else str(value)).replace(
        "{found}", "" if found is None else str(found))


def _first_column(kwargs: dict) -> str:
    return kwargs.get("column") or kwargs.get("column_A") or ", ".join(kwargs.get("column_list", []))


def _as_written(con: duckdb.DuckDBPyConnection, kind: str, cells: list[tuple[str, int, str]]) -> list:
    """The text as written in each (period, row, column) that broke a rule, in order."""
    if not cells:
        return []
    wanted = pl.DataFrame(cells, schema={"period": pl.String, "row": pl.Int32, "column": pl.String},
                          orient="row").with_row_index("i").to_arrow()
    pick = " ".join(f"WHEN '{c}' THEN r.{c}" for c in FILES[kind].names)
    return [v for (v,) in con.execute(
        f"SELECT CASE w.column {pick} END FROM wanted w LEFT JOIN landing.{kind} r "
        "ON r._row = w.row AND r._period IS NOT DISTINCT FROM nullif(w.period, '') ORDER BY w.i").fetchall()]


@functools.cache
def import_gx_meanwhile() -> threading.Thread:
    """Import GX (two seconds) in a thread of its own, while the files are read: reading them
    (polars, hashing) leaves the interpreter free most of the time."""
    thread = threading.Thread(target=importlib.import_module, args=("great_expectations",), daemon=True)
    thread.start()
    return thread


def _gx(module: str = "great_expectations"):
    """A module of GX, once GX is imported: importing one while the thread still imports GX deadlocks."""
    import_gx_meanwhile().join()
    return importlib.import_module(module)


@functools.cache
def _batch_definition():
    """The pandas batch definition of GX's ephemeral context that every batch goes through."""
    gx = _gx()
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = gx.data_context.types.base.ProgressBarsConfig(globally=False)
    return ctx.data_sources.add_pandas("exports").add_dataframe_asset("rows").add_batch_definition_whole_dataframe("file")


@functools.lru_cache(maxsize=32)
def _suite(kind: str, expectations: str):
    """The suite of the expectations that can run, built once: building it (GX's checks and
    copies of each expectation) was an eighth of validating half a million dossiers."""
    return _gx().ExpectationSuite(name=kind, expectations=json.loads(expectations))


def _validator(frame):
    """GX's validator on one batch, the frame. Not through ValidationDefinition.run: that also
    keeps every result in the context's store (a tenth of the time, and memory that grew with
    each batch of a full refresh)."""
    validator = _gx("great_expectations.validator.v1_validator").Validator
    return validator(_batch_definition(), result_format=RESULT_FORMAT, batch_parameters={"dataframe": frame})
