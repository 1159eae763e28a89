"""Every number, table and message the same before and after a change of the code that makes
them (issue 24): the bundled sample and two samples of other seeds, one in plain CSV, refreshed
from scratch, against the fingerprints in tests/golden/ (tests/golden.py).

A change meant to alter numbers updates them: `CCHC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_same_numbers.py`, and the diff of tests/golden/ shows which tables it altered."""

import os

import pytest
from golden import fingerprint, load, save

from pipelines.refresh import refresh
from sample_data.generator import generate

SAMPLES = {  # name: generate()'s arguments
    "bundled": {"dossiers": 200_000, "seed": 2025},  # what `./start` loads
    "seed7_from_2025-06": {"dossiers": 20_000, "seed": 7, "first": "2025-06"},
    "seed11_plain_from_2024-07": {"dossiers": 30_000, "seed": 11, "plain": True, "first": "2024-07"},
}


@pytest.mark.parametrize("name", SAMPLES)
def test_the_same_numbers_as_before(name, cchc_home, tmp_path):
    inbox = tmp_path / "inbox"
    generate(inbox, **SAMPLES[name])
    refresh(inbox)
    now = fingerprint(cchc_home / "warehouse" / "serving.duckdb")
    if os.environ.get("CCHC_UPDATE_GOLDEN"):
        save(name, now)
    before = load(name)
    assert sorted(now) == sorted(before), "tables made or gone"
    changed = [table for table in before if now[table] != before[table]]
    assert changed == [], f"not as before: {changed}"
