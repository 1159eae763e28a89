"""The one pattern for a kept table (pipelines/model/incremental.py): a config line a model file
gets wrong is refused with its file named, not run as something else, and addition keeps a table
as counting it afresh would, worked out here by hand on a small one. That the pattern keeps the
warehouse equal to a build from scratch is held by tests/test_refresh.py and tests/test_same_numbers.py."""

import duckdb
import pytest

from pipelines.db import sql_files
from pipelines.model.incremental import build, model


def test_the_kept_facts_of_core_and_kpi_are_incremental_models():
    models = {m.name: m for layer in ("core", "indicators") for f in sql_files(layer) if (m := model(f))}
    assert sorted(models) == ["core.fct_ho_so", "core.fct_so_hoa", "core.fct_thanh_toan", "kpi.counts", "kpi.dossiers",
                              "kpi.late_dossiers", "kpi.payments", "kpi.periods"]
    assert (models["kpi.periods"].unique_key, models["kpi.periods"].pending, models["kpi.periods"].compare) == (
        "period", None, True)
    assert models["core.fct_so_hoa"].unique_key == "ma_ho_so"
    assert models["core.fct_ho_so"].description.startswith("Dossiers, one row each")
    assert not models["core.fct_ho_so"].compare and models["kpi.dossiers"].compare
    assert models["kpi.payments"].full_refresh == "changes.counting_basis"
    assert models["kpi.dossiers"].changes("before") == "changes.kpi_dossiers_before"
    counts, late = models["kpi.counts"], models["kpi.late_dossiers"]
    assert (counts.partition, counts.kept, counts.sums) == ("period", "changes.kept_periods", ("numerator", "denominator"))
    assert counts.columns.endswith("numerator BIGINT, denominator BIGINT") and counts.unique_key is None
    assert (late.unique_key, late.pending, late.kind, late.partition) == ("ma_ho_so", "changes.kpi_dossiers_keys", None, "period")


@pytest.mark.parametrize("config", [
    "name=core.x unique_key=k",  # its pending list missing
    "name=core.x unique_key=k pending=staging.core_pending kind",  # not key=value
    "name=core.x unique_key=k pending=staging.core_pending kind=ho_so extra=1",
    "name=core.x unique_key=k;drop pending=staging.core_pending kind=ho_so",  # not an identifier
    "name=core.x unique_key=k pending=staging.core_pending kind=ho_so compare=false",
    "name=core.x partition=period",  # which partitions are kept, missing
    "name=core.x partition=period kept=k sums=n",  # added up, with no columns declared
    "name=core.x unique_key=k pending=p partition=period kept=k sums=n",  # added up, and by key
    "name=core.x partition=period kept=k compare=true",  # compared, with no key
    "name=core.x unique_key=k compare=true kind=ho_so",  # a kind of key, with no pending list
])
def test_a_config_line_it_cannot_read_names_its_file(tmp_path, config):
    f = tmp_path / "40_x.sql"
    f.write_text(f"-- A table.\n-- config: {config}\nSELECT 1 AS k\n", encoding="utf-8")
    with pytest.raises(ValueError, match="40_x.sql"):
        model(f)


def warehouse() -> duckdb.DuckDBPyConnection:
    """The schemas a model's build writes in, and the publish's notes."""
    con = duckdb.connect()
    for schema in ("m", "changes", "staging"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE staging.unpublished (tbl VARCHAR, col VARCHAR, val VARCHAR)")
    return con


ADDED = """-- A table kept by addition.
-- config: name=m.t partition=period kept=m.kept sums=n,d full_refresh=m.basis
-- columns: period VARCHAR, k VARCHAR, n BIGINT, d BIGINT
FROM m.whole WHERE period NOT IN (SELECT period FROM m.kept)
UNION ALL
FROM m.delta
ORDER BY period, k
"""


def test_addition_adds_to_the_kept_partitions_and_makes_the_others_whole(tmp_path):
    """Worked by hand: P1 is kept and its deltas added (a row brought to 0 goes, a NULL key is a key,
    a delta that cancels out changes nothing); P2 is counted whole again; P3, neither kept nor
    counted, goes; the publish is told of every partition that changed."""
    f = tmp_path / "40_t.sql"
    f.write_text(ADDED, encoding="utf-8")
    m = model(f)
    con = warehouse()
    con.execute("CREATE TABLE m.basis AS SELECT true AS full_refresh")
    con.execute("CREATE TABLE m.kept (period VARCHAR)")
    con.execute("CREATE TABLE m.delta (period VARCHAR, k VARCHAR, n BIGINT, d BIGINT)")
    con.execute("CREATE TABLE m.whole AS FROM (VALUES ('P1', 'a', 1, 1), ('P1', NULL, 2, 3), ('P2', 'a', 5, 5), "
                "('P3', 'a', 1, 1)) v(period, k, n, d)")
    build(con, m)
    assert con.execute("FROM m.t ORDER BY ALL").fetchall() == [
        ("P1", "a", 1, 1), ("P1", None, 2, 3), ("P2", "a", 5, 5), ("P3", "a", 1, 1)]
    assert con.execute("FROM staging.unpublished WHERE col IS NULL").fetchall() == [("m.t", None, None)]

    con.execute("DELETE FROM staging.unpublished")
    con.execute("UPDATE m.basis SET full_refresh = false")
    con.execute("INSERT INTO m.kept VALUES ('P1')")
    con.execute("CREATE OR REPLACE TABLE m.whole AS FROM (VALUES ('P1', 'z', 9, 9), ('P2', 'b', 7, 7)) v(period, k, n, d)")
    con.execute("INSERT INTO m.delta VALUES ('P1', 'a', -1, -1), ('P1', NULL, 1, 0), ('P1', 'c', 2, 2), "
                "('P1', 'd', 1, -1), ('P1', 'd', -1, 1)")
    build(con, m)
    assert con.execute("FROM m.t ORDER BY ALL").fetchall() == [("P1", "c", 2, 2), ("P1", None, 3, 3), ("P2", "b", 7, 7)]
    assert con.execute("FROM changes.m_t_partitions ORDER BY 1").fetchall() == [("P1",), ("P2",)]
    assert con.execute("SELECT DISTINCT * FROM staging.unpublished ORDER BY ALL").fetchall() == [
        ("m.t", "period", "P1"), ("m.t", "period", "P2"), ("m.t", "period", "P3")]

    con.execute("DROP TABLE m.t")  # gone, while a partition is said to be kept: its rows cannot be added to
    with pytest.raises(RuntimeError, match="m.t is built anew while m.kept keeps partitions"):
        build(con, m)


def test_a_table_rebuilt_whole_and_compared_leaves_what_changed(tmp_path):
    """Worked by hand (kpi.periods): of P1 the same, P2 changed, P3 dropped and P4 new, the keys
    P2, P3, P4 changed, with their rows before and after; the table is the SELECT's rows."""
    f = tmp_path / "10_t.sql"
    f.write_text("-- A small table.\n-- config: name=m.t unique_key=period compare=true\nFROM m.src\n", encoding="utf-8")
    m = model(f)
    con = warehouse()
    con.execute("CREATE TABLE m.src AS FROM (VALUES ('P1', 1, NULL), ('P2', 2, 'x'), ('P3', 3, 'y')) v(period, n, s)")
    build(con, m)
    assert con.execute("FROM changes.m_t_keys").fetchall() == []
    con.execute("CREATE OR REPLACE TABLE m.src AS FROM (VALUES ('P1', 1, NULL), ('P2', 2, 'z'), ('P4', 4, NULL)) v(period, n, s)")
    build(con, m)
    assert con.execute("FROM m.t ORDER BY ALL").fetchall() == [("P1", 1, None), ("P2", 2, "z"), ("P4", 4, None)]
    assert con.execute("FROM changes.m_t_keys ORDER BY ALL").fetchall() == [("P2",), ("P3",), ("P4",)]
    assert con.execute("FROM changes.m_t_before ORDER BY ALL").fetchall() == [("P2", 2, "x"), ("P3", 3, "y")]
    assert con.execute("FROM changes.m_t_after ORDER BY ALL").fetchall() == [("P2", 2, "z"), ("P4", 4, None)]
