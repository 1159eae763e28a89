"""Entry point for `dg dev` / `dagster dev -m pipelines.definitions`: everything under defs/.

Importing it writes nothing: `cchc dagster` prepares DAGSTER_HOME (telemetry off) and the
environment the resources read before it starts Dagster."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
