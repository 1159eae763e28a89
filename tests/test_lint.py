"""The code stays as its linters' settings ask: ruff (pyproject.toml's [tool.ruff]) for the Python,
sqlfluff (.sqlfluff, DuckDB dialect) for the warehouse's SQL; run by the tests, so a lint finding
fails CI like any other defect."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name(tool)), *args], capture_output=True, text=True, cwd=ROOT)


def test_ruff_check_is_clean():
    found = _run("ruff", "check", "--no-cache", "--output-format", "concise", str(ROOT))
    assert found.returncode == 0, found.stdout + found.stderr


def test_sqlfluff_lint_is_clean():
    found = _run("sqlfluff", "lint", "warehouse", "--processes", "2", "--nocolor")
    assert found.returncode == 0, found.stdout + found.stderr
