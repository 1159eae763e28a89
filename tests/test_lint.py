"""The code stays as pyproject.toml's [tool.ruff] asks: ruff check, run by the tests, so a lint
finding fails CI like any other defect."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_ruff_check_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    found = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", str(ROOT)],
                           capture_output=True, text=True, cwd=ROOT)
    assert found.returncode == 0, found.stdout + found.stderr
