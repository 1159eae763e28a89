"""Where everything the product writes lives: one directory, CCHC_HOME.

Every command, the Dagster definitions and the dashboard resolve paths here, at call time. Inside
a Dagster run the home is the run's `cchc` resource (pipelines/defs/resources.py), which makes
itself the home while the run lasts: every module of the run then reads its settings, state and
published copy from the home the run was given, not from the process's environment, so two homes
can be refreshed side by side.
"""

from __future__ import annotations

import os
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_SQL = PROJECT_ROOT / "warehouse"


@dataclass(frozen=True)
class Home:
    root: Path
    inbox: Path

    @property
    def build_db(self) -> Path:
        """The refresh's own working file: raw history and every layer, one writer."""
        return self.root / "warehouse" / "build.duckdb"

    @property
    def serving_db(self) -> Path:
        """The published copy the dashboards open read-only; replaced atomically."""
        return self.root / "warehouse" / "serving.duckdb"

    @property
    def alerts_db(self) -> Path:
        """Alert episodes, history and outbox: kept across refreshes, written by several processes."""
        return self.root / "alerts.sqlite"

    @property
    def last_failure(self) -> Path:
        """The last failed refresh, for the dashboards: they never open the build file."""
        return self.root / "warehouse" / "last_failure.json"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"


_of_run: ContextVar[Home | None] = ContextVar("cchc_home_of_run", default=None)


def home() -> Home:
    """The home of the Dagster run in progress, else CCHC_HOME (and CCHC_INBOX)."""
    if (h := _of_run.get()) is not None:
        return h
    root = Path(os.environ.get("CCHC_HOME") or PROJECT_ROOT / "data").resolve()
    return Home(root, Path(os.environ.get("CCHC_INBOX") or root / "inbox"))


def enter_run(h: Home) -> Token:
    """Make `h` the home until `leave_run` (the `cchc` resource's setup and teardown)."""
    return _of_run.set(h)


def leave_run(token: Token) -> None:
    try:
        _of_run.reset(token)
    except ValueError:  # torn down in another context than it was set up in
        _of_run.set(None)


# Telemetry off; one run at a time, since every run writes the same DuckDB file (one writer).
DAGSTER_YAML = """telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
"""


def prepare_dagster_home(h: Home | None = None) -> Path:
    """Point DAGSTER_HOME into CCHC_HOME with our instance settings, before any instance is made."""
    h = h or home()
    h.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = h.dagster_home / "dagster.yaml"
    if not cfg.exists() or cfg.read_text(encoding="utf-8") != DAGSTER_YAML:
        cfg.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(h.dagster_home)
    return h.dagster_home
