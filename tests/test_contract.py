"""The contract (pipelines/contract.py) is written once: the staging views parse each column to
its kind's type, the suites leave to the contract the rules it makes, and every column a rule
names is the contract's or one the validation derives."""

import json

import pytest

from pipelines.contract import BAD_PERIOD_NAME, FILE_NAME, FILES, SQL_TYPES
from pipelines.validate.from_contract import contract_expectations, is_contract_rule
from pipelines.validate.rows import EXPECTATIONS, suite_columns, suite_spec


@pytest.mark.parametrize("kind", FILES)
def test_staging_parses_every_column_to_its_kinds_type(build, kind):
    described = build.execute(f"DESCRIBE staging.{kind}_parsed").fetchall()
    assert [(name, sql_type) for name, sql_type, *_ in described] == [
        *((c.name, SQL_TYPES[c.kind]) for c in FILES[kind].columns), ("_period", "VARCHAR"), ("_file", "VARCHAR"),
        ("_row", "INTEGER")]


@pytest.mark.parametrize("kind", FILES)
def test_the_suite_files_leave_the_contracts_rules_to_it(kind):
    written = json.loads((EXPECTATIONS / f"{kind}.json").read_text(encoding="utf-8"))["expectations"]
    assert [e["meta"]["rule"] for e in written if is_contract_rule(e)] == []
    assert suite_spec(kind)["expectations"][:len(contract_expectations(kind))] == contract_expectations(kind)


@pytest.mark.parametrize("kind", FILES)
def test_every_required_or_typed_column_has_its_rules(kind):
    rules = {e["meta"]["rule"] for e in suite_spec(kind)["expectations"]}
    for c in FILES[kind].columns:
        assert (f"required_{c.name}" in rules) == c.required, c.name
        assert (f"type_{c.name}" in rules) == (c.kind not in ("code", "text")), c.name


@pytest.mark.parametrize("kind", FILES)
def test_every_column_a_rule_names_is_the_contracts_or_derived(kind):
    names = set(FILES[kind].names)
    for e in suite_spec(kind)["expectations"]:
        for column in suite_columns([e]):
            assert column.split("__")[0] in names or column.startswith("_"), (e["meta"]["rule"], column)


def test_file_names_follow_the_kinds():
    for kind, f in FILES.items():
        name = f"{kind}_2025-10.csv" if f.monthly else f"{kind}.xlsx"
        match = FILE_NAME.match(name)
        assert match and (match["kind"] or match["ref"]) == kind
        assert bool(BAD_PERIOD_NAME.match(f"{kind}_2025-13.csv")) == f.monthly
    assert not FILE_NAME.match("ho_so.csv") and not FILE_NAME.match("don_vi_2025-10.csv")
