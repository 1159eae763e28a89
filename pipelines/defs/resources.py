"""Resources: the build warehouse (DuckDBResource) and the home's paths (CchcHome).

The Dagster process (`cchc dagster`) builds them from its environment (`dg.EnvVar`); a refresh
names its home and inbox as run config (`run_config_for`), so one process can refresh two homes
side by side, and tests give them as resources (`resources_for`)."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from contextvars import Token
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines import config
from pipelines.db import CONNECTION_CONFIG, configure
from pipelines.settings import Home, enter_run, leave_run


class CchcHome(dg.ConfigurableResource):
    """Where this refresh reads (inbox), publishes (serving copy), keeps its settings and alert
    state: the run's home while the run lasts (pipelines/settings.py), for every module it calls."""

    root: str
    inbox: str
    _entered: Token | None = PrivateAttr(default=None)

    @property
    def home(self) -> Home:
        return Home(Path(self.root), Path(self.inbox))

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._entered = enter_run(self.home)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._entered is not None:
            leave_run(self._entered)


class BuildWarehouse(DuckDBResource):
    """The build file, held open for the whole run: the connection each asset opens then joins one
    database instance, which keeps its cache, and the file is checkpointed once, when the run ends,
    not each time an asset closes the last connection to it."""

    _held: ExitStack | None = PrivateAttr(default=None)

    @contextmanager
    def get_connection(self):
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)  # a new home
        with super().get_connection() as con:
            yield con

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._held = ExitStack()
        self._held.enter_context(self.get_connection())

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held:
            self._held.close()


@contextmanager
def build_connection(duckdb: DuckDBResource):
    """DuckDBResource closes its connection only on success; close it on failure too, or the
    file stays open in this process (and locked) for as long as the traceback lives. The refresh
    keeps to the memory the settings give it."""
    with duckdb.get_connection() as con:
        try:
            con.execute(f"SET memory_limit = '{config.memory_limit_gb()}GB'")
            yield configure(con)
        finally:
            con.close()


def _values(root: Path, inbox: Path) -> dict[str, dict]:
    """Every resource's settings for a home (CCHC_HOME) and an inbox, in one place."""
    return {"duckdb": {"database": str(root / "warehouse" / "build.duckdb"), "connection_config": CONNECTION_CONFIG},
            "cchc": {"root": str(root), "inbox": str(inbox)}}


def run_config_for(root: Path, inbox: Path) -> dict:
    """The resources of one run, as run config: they replace the environment's."""
    return {"resources": {name: {"config": values} for name, values in _values(root, inbox).items()}}


def resources_for(root: Path, inbox: Path) -> dict:
    values = _values(root, inbox)
    return {"duckdb": BuildWarehouse(**values["duckdb"]), "cchc": CchcHome(**values["cchc"])}


def environment_for(root: Path, inbox: Path) -> dict[str, str]:
    """What the Dagster process's resources read (`cchc dagster` sets it)."""
    values = _values(root, inbox)
    return {"CCHC_HOME": values["cchc"]["root"], "CCHC_INBOX": values["cchc"]["inbox"],
            "CCHC_BUILD_DB": values["duckdb"]["database"]}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={
        "duckdb": BuildWarehouse(database=dg.EnvVar("CCHC_BUILD_DB"), connection_config=CONNECTION_CONFIG),
        "cchc": CchcHome(root=dg.EnvVar("CCHC_HOME"), inbox=dg.EnvVar("CCHC_INBOX")),
    }, executor=dg.in_process_executor)
