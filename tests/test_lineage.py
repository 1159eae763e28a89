"""The asset graph is the SQL's own lineage (pipelines/model/lineage.py): every table the layers
make is an asset, made from the tables its SQL reads, and nothing the regular expressions miss or
invent: held to a warehouse that was built."""

import dagster as dg
from inbox_builder import dossier, write_month, write_reference

from pipelines.db import connect
from pipelines.model.lineage import lineage
from pipelines.refresh import refresh
from pipelines.settings import home


def test_lineage_names_every_table_the_build_made_and_only_those(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    refresh(inbox)
    con = connect(home().build_db, read_only=True)
    built = {f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database()").fetchall()}
    con.close()
    made = lineage()
    assert {n for n in built if n.split(".")[0] in ("core", "kpi", "marts")} == {
        n for n in made if n.split(".")[0] in ("core", "kpi", "marts")}
    assert {r for t in made.values() for r in t.reads} - built == set()


def test_each_table_is_an_asset_with_its_upstreams():
    from pipelines.definitions import defs

    graph = defs().resolve_asset_graph()
    upstream = lambda table: {"/".join(k.path) for k in graph.get(dg.AssetKey(table.split("."))).parent_keys}  # noqa: E731
    assert upstream("core.fct_ho_so") == {"staging/ho_so"}
    assert {"kpi/counts", "core/dim_don_vi"} <= upstream("kpi.unit_sums")
    assert upstream("marts.scorecard_tiles") == {"kpi/indicators", "kpi/periods", "kpi/scorecard"}
    assert upstream("serving_warehouse") >= {"marts/scorecard_tiles", "marts/ranking", "marts/year_projection"}
    assert upstream("alerts") == {"serving_warehouse"}


def test_each_file_makes_one_table_or_view():
    """A model is one file, named after it (dbt's layout): a file of a layer makes one table or
    view, with the macros and temp tables it is made with; a file that makes none defines macros
    (35_counting_rules.sql), notes or checks."""
    from collections import Counter

    made = Counter((t.layer, t.file) for t in lineage().values())
    assert {f: n for f, n in made.items() if n > 1} == {}
    assert [(t.file, name) for name, t in lineage().items() if t.file.split("_", 1)[1] != f"{name.split('.')[1]}.sql"] == []
