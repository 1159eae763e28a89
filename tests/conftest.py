import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

# As `cchc serve` runs the pages (pipelines/cli.py): without Streamlit's magic, whose ast.parse of
# every page an AppTest opens races CPython 3.11's shared AST state.
from streamlit import config as streamlit_config  # noqa: E402

from pipelines.db import connect  # noqa: E402
from pipelines.ingest.load import prepare  # noqa: E402

streamlit_config.set_option("runner.magicEnabled", False)


@pytest.fixture(autouse=True)
def cchc_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own CCHC_HOME (warehouse, serving copy, Dagster home)."""
    root = tmp_path / "home"
    monkeypatch.setenv("CCHC_HOME", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster"))
    monkeypatch.delenv("CCHC_INBOX", raising=False)
    return root


@pytest.fixture
def build(tmp_path):
    """A prepared build warehouse, without Dagster: for loader and model tests."""
    con = connect(tmp_path / "build.duckdb")
    prepare(con)
    yield con
    con.close()


@pytest.fixture
def inbox(tmp_path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path
