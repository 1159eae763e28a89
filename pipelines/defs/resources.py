"""Resources: the build warehouse (DuckDBResource) and the CCHC_HOME paths, resolved from the
environment when the definitions load."""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from pipelines import config
from pipelines.db import CONNECTION_CONFIG, configure
from pipelines.settings import home


class CchcHome(dg.ConfigurableResource):
    """Where this refresh reads (inbox) and publishes (serving copy)."""

    root: str
    inbox: str

    @property
    def serving_db(self) -> Path:
        return Path(self.root) / "warehouse" / "serving.duckdb"


class BuildWarehouse(DuckDBResource):
    """The build file, held open for the whole run: the connection each asset opens then joins one
    database instance, which keeps its cache, and the file is checkpointed once, when the run ends,
    not each time an asset closes the last connection to it."""

    _held: ExitStack | None = PrivateAttr(default=None)

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


def resources_for(root: Path | None = None, inbox: Path | None = None) -> dict:
    h = home()
    root = root or h.root
    build = root / "warehouse" / "build.duckdb"
    build.parent.mkdir(parents=True, exist_ok=True)
    return {
        "duckdb": BuildWarehouse(database=str(build), connection_config=CONNECTION_CONFIG),
        "cchc": CchcHome(root=str(root), inbox=str(inbox or h.inbox)),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=resources_for(), executor=dg.in_process_executor)
