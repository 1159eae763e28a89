"""Row-level validation of export files' rows with GX Core, on a pandas frame built in DuckDB.

A batch is the files of one kind in the landing database (pipelines/ingest/load.py), told apart
by `_period`. The frame holds only the columns the suite names: typed columns (`kenh`), whether a
cell was filled in at all (`kenh__written`: true or NULL), the text that did not parse
(`kenh__unparsed`), the control characters in it (`ma_ho_so__control`), a timestamp's day
(`ngay_nop__day`) and derived columns from warehouse/checks (`_unit_valid`). Bounds a setting gives
(the plausible dates, the amount ceiling) reach the suites as parameters, like the code lists, so
each rule stays in one place, its suite, and each bound in one, the settings. Keeping it narrow
and its text categorical is what makes a million rows take seconds: GX copies the frame for
every expectation that filters rows. GX on DuckDB through SQLAlchemy is broken (see
shared/notes/stack.md). The text as written, for the steward, is looked up in the landing table
for the rows that broke a rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import os
import threading
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pyarrow as pa

from pipelines import config
from pipelines.contract import FILES
from pipelines.errors import InputError
from pipelines.settings import PROJECT_ROOT
from pipelines.validate.from_contract import contract_expectations

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
    """The kind's whole suite: the rules the contract makes, then those of expectations/<kind>.json."""
    spec = json.loads((EXPECTATIONS / f"{kind}.json").read_text(encoding="utf-8"))
    return {**spec, "expectations": [*contract_expectations(kind), *spec["expectations"]]}


def validate_rows(con: duckdb.DuckDBPyConnection, kind: str, periods: list[str | None]) -> dict[str | None, Validation]:
    """Runs the kind's suite on the batch in landing (the files of `periods`), in one GX run per
    frame (`_frames`): its fixed cost (about a second for ho_so's 41 expectations) was most of a
    small month's time. Rules across rows say "within the file" by naming `_period`. An expectation
    that needs a code list nobody supplied (the units before don_vi is loaded) is not run."""
    spec, parameters = suite_spec(kind), code_lists(con) | plausibility()
    runnable = [e for e in spec["expectations"] if all(
        parameters.get(v["$PARAMETER"]) for v in e["kwargs"].values() if isinstance(v, dict) and "$PARAMETER" in v)]
    rows = None
    hits: list[tuple[str, int, str, object]] = []
    failed: Counter = Counter()
    for group in _frames(kind, runnable):
        frame = _from_text(con.execute(frame_query(kind, suite_columns(group))).to_arrow_table())
        frame = frame.to_pandas(strings_to_categorical=True)  # GX copies the frame per expectation: codes copy fast
        small_ints = frame.select_dtypes(["int8", "int16", "int32"]).columns.drop("_row", errors="ignore")
        frame[small_ints] = frame[small_ints].astype("int64")  # GX compares int64 vectorized, int32 row by row
        rows = frame["_period"].value_counts() if rows is None else rows
        if frame.empty or not group:
            continue
        result = _validator(frame).validate_expectation_suite(_suite(kind, json.dumps(group)), parameters)
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
        del frame
    issues: dict[str, list[Issue]] = {p or "": [] for p in periods}
    written = _as_written(con, kind, [(period, row, column) for period, row, column, *_ in hits])
    shown = _shown(parameters)
    for (period, row, column, cfg, found), value in zip(hits, written):
        issues[period].append(Issue(row, column, value, cfg.meta["rule"], cfg.severity.value,
                                    _message(cfg.meta["vi"], value, found, shown),
                                    _message(cfg.meta["en"], value, found, shown)))
    return {p: Validation(int(rows.get(p or "", 0)), len(runnable), failed[p or ""], issues[p or ""])
            for p in periods}


def _frames(kind: str, expectations: list[dict]) -> list[list[dict]]:
    """The expectations in groups, each run on a frame of the columns it names. GX copies the whole
    frame for every expectation (its rows where the checked column is filled), so the checks of
    dates (their order and plausible window) and of codes' control characters, which read only the
    typed rows' `__day` and `__control` columns, run on a narrow frame of those, built without the
    text as written: on the wide one they made validating dossiers a third slower. The first group
    is never empty: it counts the rows."""
    own = [e for e in expectations if "row_condition" not in e["kwargs"]
           and all(c == "_period" or _typed_only(c, kind) for c in suite_columns([e]))]
    return [[e for e in expectations if e not in own], *([own] if own else [])]


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
        if suffix == "id":  # numbered in _from_text
            return f"p.{base}"
        if suffix == "day":  # a date written without its time is that day, not its midnight
            # in nanoseconds, which GX compares vectorized (microseconds: value by value, 40x slower);
            # the years nanoseconds cannot hold are clamped, and are date_too_old / date_in_future
            (low, high), day = DAY_RANGE, f"date_trunc('day', p.{base})"
            clamped = f"CASE WHEN {day} < {low} THEN {low} WHEN {day} > {high} THEN {high} ELSE {day} END"
            return f"CAST({clamped} AS TIMESTAMP_NS)"
        if suffix == "control":  # the text, its control characters named in _from_text
            return f"{'p' if _typed_only(name, kind) else 'r'}.{base}"
        return f"d.{name}" if name.startswith("_") else f"p.{name}"

    named = sorted(columns - {"_period"})
    select = "".join(f", {source(c)} AS {c}" for c in named)
    derived = any(c.startswith("_") for c in named)
    written = any(c.partition("__")[2] in ("written", "unparsed", "control") and not _typed_only(c, kind)
                  for c in named)
    return (f"SELECT p._row, coalesce(p._period, '') AS _period{select} FROM landing.{kind}_typed p "
            + (f"JOIN landing.{kind} r USING (_file, _row)" if written else "")
            + (f" JOIN staging.{kind}_derived d USING (_file, _row)" if derived else ""))


def _typed_only(name: str, kind: str) -> bool:
    """Whether a frame column is read from the typed rows alone, without the text as written: a
    timestamp's day, and a code's control characters (staging passes codes on as written, but for
    a unit's name in DonViXuLy read as its code: a name, compared as names are). A name's are read
    in the text as written, since staging cleans them (control_characters_cleaned)."""
    base, _, suffix = name.partition("__")
    return suffix == "day" or (suffix == "control" and _kinds(kind).get(base) == "code")


@functools.cache
def _kinds(kind: str) -> dict[str, str]:
    return {c.name: c.kind for c in FILES[kind].columns}


# The days a `__day` column can hold (nanoseconds since 1970 in 64 bits reach 1677 … 2262).
DAY_RANGE = ("TIMESTAMP '1678-01-01'", "TIMESTAMP '2261-12-31'")


# Control characters: C0 (NUL, tab, line breaks …), DEL and C1. The same class cleans names in
# warehouse/staging/00_macros.sql (clean_name).
CONTROL = r"[\x00-\x1F\x7F-\x9F]"
CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LF", 13: "CR"}


def _from_text(frame: pa.Table) -> pa.Table:
    """`<column>__id` columns as numbers, one per distinct text (its dense rank): the uniqueness
    rules compare codes that are nearly all distinct (ma_giao_dich, ma_giay_to), which pandas makes
    categorical and GX hashes ten times faster as numbers than as text. `<column>__control`
    columns as the control characters each text holds, named (`U+0000 (NUL)`), else NULL: polars
    finds them five to ten times faster than DuckDB's regular expressions."""
    for i, name in enumerate(frame.column_names):
        if name.endswith("__id"):
            frame = frame.set_column(i, name, pl.from_arrow(frame[name]).rank("dense").to_arrow())
        elif name.endswith("__control"):
            text = pl.from_arrow(frame[name]).cast(pl.String)
            found = text.str.contains(CONTROL).fill_null(False).arg_true()
            named = pl.repeat(None, len(text), dtype=pl.String, eager=True).scatter(
                found, [control_characters(t) for t in text.gather(found)])
            frame = frame.set_column(i, name, named.to_arrow())
    return frame


def control_characters(text: str) -> str:
    """The control characters in a text, as the steward is told them: 'U+0000 (NUL), U+000A (LF)'."""
    found = sorted({ord(c) for c in text if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F})
    return ", ".join(f"U+{c:04X}" + (f" ({CONTROL_NAMES[c]})" if c in CONTROL_NAMES else "") for c in found)


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


def plausibility() -> dict:
    """The plausibility bounds suites take as parameters (`$PARAMETER`), from the settings in force
    ([validation]) and CCHC_FIRST_MONTH: an event date from `oldest_date` (the first day of the month
    oldest_date_months before the first month) to `latest_date` (the day the file is read, in
    Vietnam, plus future_date_days), compared by the day; an amount up to `max_amount_vnd`."""
    settings = config.validation()
    first = os.environ.get("CCHC_FIRST_MONTH", "2024-01")  # as pipelines/defs/partitions.py reads it
    try:
        year, month = (int(x) for x in first.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise InputError(f"CCHC_FIRST_MONTH phải có dạng YYYY-MM (đang là {first!r}).",
                         f"CCHC_FIRST_MONTH must read YYYY-MM (it is {first!r}).") from None
    months = year * 12 + month - 1 - int(settings["oldest_date_months"])
    today = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    latest = today + dt.timedelta(days=int(settings["future_date_days"]))
    return {"oldest_date": dt.datetime(months // 12, months % 12 + 1, 1),
            "latest_date": dt.datetime(latest.year, latest.month, latest.day),
            "max_amount_vnd": int(settings["max_amount_vnd"])}


def _shown(parameters: dict) -> dict[str, str]:
    """The bounds as a message shows them: 01/01/2022, 10.000.000.000."""
    return {name: f"{value:%d/%m/%Y}" if isinstance(value, dt.datetime) else f"{value:,}".replace(",", ".")
            for name, value in parameters.items() if isinstance(value, (dt.datetime, int))}


def _message(template: str, value: str | None, found: object, shown: dict[str, str] | None = None) -> str:
    """A rule's message for one row: `{value}` is the value as written, `{found}` the checked
    column's value in that row (for a derived column, what the check found: the code a unit's name
    was read as, the candidate codes, the control characters), `{<parameter>}` a bound the suite
    took from the settings (`{oldest_date}`)."""
    if "{" not in template:
        return template
    for name, text in (shown or {}).items():
        template = template.replace(f"{{{name}}}", text)
    return template.replace("{value}", "" if value is None else str(value)).replace(
        "{found}", "" if found is None else str(found))


def _first_column(kwargs: dict) -> str:
    return kwargs.get("column") or kwargs.get("column_A") or ", ".join(kwargs.get("column_list", []))


def _as_written(con: duckdb.DuckDBPyConnection, kind: str, cells: list[tuple[str, int, str]]) -> list:
    """The text as written in each (period, row, column) that broke a rule, in order."""
    if not cells:
        return []
    wanted = pl.DataFrame(cells,  # noqa: F841  read by name in the SQL below
                          schema={"period": pl.String, "row": pl.Int32, "column": pl.String},
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
