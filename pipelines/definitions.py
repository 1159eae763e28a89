"""Entry point for `dg dev` / `dagster dev -m pipelines.definitions`: everything under defs/."""

from pathlib import Path

import dagster as dg

from pipelines.settings import prepare_dagster_home

prepare_dagster_home()


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
