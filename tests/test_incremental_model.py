"""The one pattern for a kept table (pipelines/model/incremental.py): a config line a model file
gets wrong is refused with its file named, not run as something else. That the pattern keeps the
facts equal to a build from scratch is held by tests/test_refresh.py and tests/test_same_numbers.py."""

import pytest

from pipelines.db import sql_files
from pipelines.model.incremental import model


def test_the_kept_facts_of_core_and_kpi_are_incremental_models():
    models = {m.name: m for layer in ("core", "indicators") for f in sql_files(layer) if (m := model(f))}
    assert sorted(models) == ["core.fct_ho_so", "core.fct_so_hoa", "core.fct_thanh_toan", "kpi.dossiers", "kpi.payments"]
    assert models["core.fct_so_hoa"].unique_key == "ma_ho_so"
    assert models["core.fct_ho_so"].description.startswith("Dossiers, one row each")
    assert not models["core.fct_ho_so"].compare and models["kpi.dossiers"].compare
    assert models["kpi.payments"].full_refresh == "changes.counting_basis"
    assert models["kpi.dossiers"].changes("before") == "changes.kpi_dossiers_before"


@pytest.mark.parametrize("config", [
    "name=core.x unique_key=k pending=staging.core_pending",  # a key missing
    "name=core.x unique_key=k pending=staging.core_pending kind=ho_so extra=1",
    "name=core.x unique_key=k;drop pending=staging.core_pending kind=ho_so",  # not an identifier
    "name=core.x unique_key=k pending=staging.core_pending kind=ho_so compare=false",
])
def test_a_config_line_it_cannot_read_names_its_file(tmp_path, config):
    f = tmp_path / "40_x.sql"
    f.write_text(f"-- A table.\n-- config: {config}\nSELECT 1 AS k\n", encoding="utf-8")
    with pytest.raises(ValueError, match="40_x.sql"):
        model(f)
