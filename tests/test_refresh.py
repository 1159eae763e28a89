"""The refresh end to end, through real Dagster runs: replace, idempotence, latest version,
atomic publish, failures that leave the last good numbers in place, side-by-side homes."""

import hashlib
import os
import shutil

import duckdb
import polars as pl
import pytest
from inbox_builder import dossier, query, set_max_quarantine_share, write_csv, write_month, write_reference

from pipelines.db import PATCHED, connect
from pipelines.ingest.inbox import scan
from pipelines.ingest.load import ingest, prepare
from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import home
from sample_data.generator import generate

DECEMBER = dict(ngay_nop="01/12/2025 08:00:00", ngay_tiep_nhan="01/12/2025 09:00:00", ngay_hen_tra="22/12/2025 17:00:00",
                ngay_ket_thuc="20/12/2025 10:00:00", ngay_tra="21/12/2025 10:00:00", ngay_cap_nhat="21/12/2025 10:00:00")
OPEN_IN_OCTOBER = dict(trang_thai="4", ngay_ket_thuc=None, ngay_tra=None, danh_gia=None,
                       ngay_cap_nhat="31/10/2025 17:00:00")


def serving(sql, params=None):
    return query(home().serving_db, sql, params)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def two_months(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1", **OPEN_IN_OCTOBER), dossier("HS-2")],
                payments=[("GD-1", "HS-2", "1.250.000", "truc_tuyen", "dvcqg", "thanh_cong", "02/10/2025 10:00:00")])
    write_month(inbox, "2025-11", [dossier("HS-1", ngay_cap_nhat="05/11/2025 10:00:00", ngay_ket_thuc="04/11/2025 10:00:00",
                                           ngay_tra="05/11/2025 10:00:00")], fmt="xlsx")
    return inbox


def test_refresh_loads_every_file_and_publishes(two_months):
    outcome = refresh(two_months)
    assert outcome.changed_periods == ["2025-10", "2025-11"]
    assert len(outcome.files) == 8
    assert serving("SELECT count(*) FROM core.fct_ho_so") == [(2,)]
    assert serving("SELECT so_tien FROM kpi.payments") == [(1250000,)]
    assert serving("SELECT thang, dong_ho_so FROM marts.periods_loaded ORDER BY 1") == [("2025-10", 2), ("2025-11", 1)]
    assert serving("SELECT status, files_loaded FROM meta.refreshes") == [("succeeded", 8)]
    lineage = serving("SELECT _file, _period FROM core.fct_ho_so WHERE ma_ho_so = 'HS-2'")
    assert lineage == [("ho_so_2025-10.csv", "2025-10")]


def test_latest_version_of_a_dossier_wins(two_months):
    refresh(two_months)
    assert serving("SELECT trang_thai, versions, _period FROM core.fct_ho_so WHERE ma_ho_so = 'HS-1'") == [(10, 2, "2025-11")]


def test_within_a_period_the_later_update_wins(inbox):
    set_max_quarantine_share(1)  # the superseded row is 1 of 2
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1", trang_thai="10", ngay_cap_nhat="21/10/2025 10:00:00"),
                                   dossier("HS-1", **OPEN_IN_OCTOBER | {"ngay_cap_nhat": "15/10/2025 10:00:00"})])
    refresh(inbox)
    assert serving("SELECT trang_thai FROM core.fct_ho_so") == [(10,)]


def test_same_files_twice_change_nothing(two_months):
    refresh(two_months)
    before = digest(home().serving_db)
    tables = serving("SELECT count(*) FROM core.fct_ho_so UNION ALL SELECT count(*) FROM meta.files")
    outcome = refresh(two_months)
    assert outcome.run_id is None and digest(home().serving_db) == before
    # Forced through Dagster again (serving copy gone): every file is recognised as unchanged.
    home().serving_db.unlink()
    outcome = refresh(two_months)
    assert outcome.run_id is not None and outcome.files == []
    assert serving("SELECT count(*) FROM core.fct_ho_so UNION ALL SELECT count(*) FROM meta.files") == tables


def test_reexport_replaces_its_month(two_months):
    refresh(two_months)
    write_csv(two_months / "ho_so_2025-10.csv", "ho_so", [dossier("HS-2", trang_thai="9")])
    outcome = refresh(two_months)
    assert outcome.changed_periods == ["2025-10"]
    assert [f["file_name"] for f in outcome.files] == ["ho_so_2025-10.csv"]
    assert serving("SELECT ma_ho_so, trang_thai FROM core.fct_ho_so ORDER BY 1") == [("HS-1", 10), ("HS-2", 9)]
    con = connect(home().build_db, read_only=True)
    assert con.execute("SELECT count(*) FROM staging.ho_so WHERE _period = '2025-10'").fetchone() == (1,)
    con.close()


def test_a_reexport_rebuilds_the_facts_it_touches_as_a_whole_build_would(inbox):
    """Core rebuilds only the keys a re-export touches (staging.core_pending): a dossier whose
    winning version leaves the re-exported month falls back to its earlier one, a dossier whose
    earlier version leaves counts one version fewer, a payment gone is gone, the rest stays."""
    pay = ("truc_tuyen", "dvcqg", "thanh_cong")
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1", **OPEN_IN_OCTOBER), dossier("HS-2"), dossier("HS-3")],
                payments=[("GD-1", "HS-2", "100000", *pay, "02/10/2025 10:00:00")],
                documents=[("HS-2", "G1", "thanh_phan", "1", "0", "0", "0", "01/10/2025 09:30:00")])
    november = [dossier("HS-1", month="2025-11"), dossier("HS-3", month="2025-11")]
    write_month(inbox, "2025-11", november, payments=[("GD-2", "HS-1", "100000", *pay, "02/11/2025 10:00:00")])
    refresh(inbox)

    def facts():
        return (query(home().build_db, "SELECT ma_ho_so, _period, versions FROM core.fct_ho_so ORDER BY 1"),
                query(home().build_db, "SELECT ma_giao_dich FROM core.fct_thanh_toan ORDER BY 1"),
                query(home().build_db, "SELECT ma_ho_so, ma_giay_to FROM core.fct_so_hoa ORDER BY 1, 2"))

    def as_a_whole_build():  # the winners over every staged row, as core chose them before it was incremental
        return query(home().build_db, """SELECT ma_ho_so, _period, count(*) OVER (PARTITION BY ma_ho_so) FROM staging.ho_so
            QUALIFY row_number() OVER (PARTITION BY ma_ho_so ORDER BY _period DESC, ngay_cap_nhat DESC NULLS LAST, _row DESC) = 1
            ORDER BY 1""")

    assert facts()[0] == [("HS-1", "2025-11", 2), ("HS-2", "2025-10", 1), ("HS-3", "2025-11", 2)]
    write_month(inbox, "2025-11", november[1:])  # HS-1 and GD-2 leave November
    refresh(inbox)
    assert facts() == ([("HS-1", "2025-10", 1), ("HS-2", "2025-10", 1), ("HS-3", "2025-11", 2)], [("GD-1",)],
                       [("HS-2", "G1")])
    assert facts()[0] == as_a_whole_build()
    write_month(inbox, "2025-10", [dossier("HS-1", **OPEN_IN_OCTOBER), dossier("HS-2")],  # HS-3 leaves October
                payments=[("GD-1", "HS-2", "100000", *pay, "02/10/2025 10:00:00")],
                documents=[("HS-2", "G1", "thanh_phan", "1", "0", "0", "0", "01/10/2025 09:30:00")])
    refresh(inbox)
    assert facts()[0] == [("HS-1", "2025-10", 1), ("HS-2", "2025-10", 1), ("HS-3", "2025-11", 1)] == as_a_whole_build()
    assert query(home().build_db, "SELECT count(*) FROM staging.core_pending") == [(0,)]


def test_a_reexport_tells_core_to_rebuild_only_the_dossiers_whose_rows_changed(inbox, tmp_path):
    """The loader compares a month exported again with the rows it staged: core is told to rebuild
    the dossiers whose rows changed a value or left, not the whole month, nor a dossier whose row
    only moved (the test above and the one comparing with a build from scratch check that what core
    then builds is what a whole build would)."""
    write_reference(inbox)
    october = [dossier(f"HS-{i}") for i in range(1, 6)]
    write_month(inbox, "2025-10", october)
    con = connect(tmp_path / "build.duckdb")
    prepare(con)
    ingest(con, scan(inbox), {}, "first")
    pending = "SELECT kind, period, \"key\" FROM staging.core_pending ORDER BY ALL"
    assert con.execute(pending).fetchall() == [  # a period staged for the first time: all of it
        ("ho_so", "2025-10", None), ("so_hoa", "2025-10", None), ("thanh_toan", "2025-10", None)]
    con.execute("DELETE FROM staging.core_pending")  # as core does once it has rebuilt them
    october[1]["kenh"] = "1"  # HS-2 changes; HS-4 leaves, so HS-5 moves up a row
    write_month(inbox, "2025-10", october[:3] + october[4:])
    ingest(con, scan(inbox), {}, "again")
    assert con.execute(pending).fetchall() == [("ho_so", "2025-10", "HS-2"), ("ho_so", "2025-10", "HS-4")]


def _reexport(path, edits) -> None:
    """The file exported again with `edits` (polars expressions by column) on some rows and
    every 7th row gone."""
    frame = pl.read_csv(path, infer_schema=False).with_row_index("i")
    frame = frame.with_columns(**edits).filter(pl.col("i") % 7 != 3)
    frame.drop("i").write_csv(path)


def _tables(db) -> list[str]:
    return [t for (t,) in query(db, "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                                    "UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal")]


def _differences(a, b, tables) -> dict[str, int]:
    """Rows in one build's table and not in the other's, each way. A load time is not compared, and
    a double to 9 decimals: a sum of doubles (the composite score) depends on the order it is taken
    in."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")

    def rows(db, t):
        schema, name = t.split(".")
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = ? AND table_schema = ? "
            "AND table_name = ? AND column_name NOT IN ('loaded_at', 'nap_luc', 'refresh_id') ORDER BY ordinal_position",
            [db, schema, name]).fetchall()
        return "SELECT " + ", ".join(f'round("{c}", 9)' if kind == "DOUBLE" else f'"{c}"' for c, kind in columns) + f" FROM {db}.{t}"

    return {t: con.execute(f"SELECT (SELECT count(*) FROM ({rows('a', t)} EXCEPT ALL {rows('b', t)})) "
                           f"+ (SELECT count(*) FROM ({rows('b', t)} EXCEPT ALL {rows('a', t)}))").fetchone()[0]
            for t in tables}


def test_refreshes_that_count_only_what_changed_agree_with_a_count_from_scratch(tmp_path, monkeypatch):
    """The indicators are counted once and then kept: each refresh counts new periods whole, and
    the periods not over yet whose end moves with the new month's data; in the others it adds what
    the dossiers and payments that changed count now, less what they counted before. After new
    months and re-exports that drop and change dossiers, payments and documents (channel,
    apology, unit; a payment moved to another dossier), every kept table equals a build of the
    same inbox from scratch, and the serving copy, patched, equals the build."""
    monkeypatch.setattr("pipelines.publish.PATCH_AT_MOST", float("inf"))  # a small inbox changes a large share
    source, inbox = tmp_path / "generated", tmp_path / "inbox"
    generate(source, dossiers=3000, seed=11, plain=True, first="2026-07")
    inbox.mkdir()
    for f in source.iterdir():
        if not f.name.endswith(("2026-09.csv", "2026-10.csv")):
            shutil.copy(f, inbox)
    refresh(inbox)
    for f in source.glob("*_2026-09.csv"):
        shutil.copy(f, inbox)
    refresh(inbox)
    first = home().build_db
    assert query(first, "SELECT whole, periods_counted_whole FROM kpi.counting") == [  # and those September ends:
        (False, ["2026", "2026-09", "2026-9M", "2026-H2", "2026-Q3", "2026-YTD-09"])]  # they ended with August

    i = pl.col("i")
    _reexport(inbox / "ho_so_2026-09.csv", {
        "Kênh thực hiện": pl.when(i % 5 == 0).then(pl.lit("2")).otherwise(pl.col("Kênh thực hiện")),
        "Phiếu xin lỗi": pl.when(i % 11 == 0).then(pl.lit("1")).otherwise(pl.col("Phiếu xin lỗi")),
        "Mã đơn vị": pl.when(i % 13 == 0).then(pl.col("Mã đơn vị").first()).otherwise(pl.col("Mã đơn vị"))})
    _reexport(inbox / "thanh_toan_2026-09.csv", {
        "Hình thức thanh toán": pl.when(i % 4 == 0).then(pl.lit("truc_tuyen")).otherwise(pl.col("Hình thức thanh toán")),
        "Mã hồ sơ": pl.when(i % 6 == 0).then(pl.col("Mã hồ sơ").shift(1)).otherwise(pl.col("Mã hồ sơ"))})
    _reexport(inbox / "so_hoa_2026-09.csv", {
        "Đã số hóa": pl.when(i % 5 == 0).then(pl.lit("1")).otherwise(pl.col("Đã số hóa"))})
    for f in source.glob("*_2026-10.csv"):
        shutil.copy(f, inbox)
    refresh(inbox)
    (whole, counted_whole, dossiers, payments), = query(
        first, "SELECT whole, periods_counted_whole, dossiers_changed, payments_changed FROM kpi.counting")
    assert (whole, counted_whole) == (False, ["2026", "2026-10", "2026-H2", "2026-Q4", "2026-YTD-10"])
    assert dossiers > 100 and payments > 10
    # The serving copy was patched, not made again, and holds what the build holds.
    assert query(home().serving_db, "SELECT patched FROM meta.publication") == [(sorted(PATCHED),)]
    published = [t for (t,) in query(home().serving_db, "SELECT schema_name || '.' || table_name FROM duckdb_tables()")]
    assert _differences(first, home().serving_db, published) == dict.fromkeys(published, 0)

    monkeypatch.setenv("CCHC_HOME", str(tmp_path / "scratch"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "scratch" / "dagster"))
    refresh(inbox)
    assert query(home().build_db, "SELECT whole FROM kpi.counting") == [(True,)]
    # Every table and view of the model, the kept ones and all made from them, but for what says
    # when it was loaded, what this count did (kpi.counting: whole, not by addition) and the
    # refreshes' log (marts.refreshes, validations, quarantine: four refreshes against one).
    log = {"kpi.counting", "marts.refreshes", "marts.validations", "marts.quarantine"}
    model = [t for t in _tables(first) if t.split(".")[0] in ("core", "kpi", "marts") and t not in log]
    assert len(model) > 40
    assert _differences(first, home().build_db, model) == dict.fromkeys(model, 0)


def test_a_refresh_with_no_new_period_rolls_up_a_large_count_it_adds(inbox):
    """A re-export adds no new period, yet the provisions are counted again whole, here more than
    a DuckDB row group (122,880 rows: 15,000 commune procedures with fees × 5 periods × 2
    indicators). DuckDB 1.5.5 hid such an insert from the rest of its transaction after an insert
    of nothing with ORDER BY (the new periods'), so the roll-ups lost every provision: online
    service uptake and payment integration read 0 of 0 after every re-export."""
    from inbox_builder import CATALOG, UNITS

    many = [(f"9.{n:05d}", f"Thủ tục {n}", "HT", "Hộ tịch", "xa", None, "toan_trinh", "1", "1", "1",
             "ngay_lam_viec") for n in range(15_000)]
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG + many)
    write_month(inbox, "2025-10", [dossier("HS-1", ma_don_vi="05977", ma_tthc="9.00001", kenh="2"), dossier("HS-2")])
    uptake = ("SELECT numerator, denominator FROM kpi.values WHERE period = '2025-10' AND scope = 'province' "
              "AND indicator = ?")
    refresh(inbox)
    counted = [serving(uptake, [i]) for i in ("online_service_uptake_rate", "payment_integration_rate")]
    # provided: the 15,000, 1.002 (commune) and 1.001 (the department); used online: 9.00001, 1.001
    assert counted == [[(2, 15_002)], [(15_001, 15_001)]]
    write_month(inbox, "2025-10", [dossier("HS-1", ma_don_vi="05977", ma_tthc="9.00001", kenh="2"),
                                   dossier("HS-2", co_phieu_xin_loi="1")])
    refresh(inbox)
    assert query(home().build_db, "SELECT whole, periods_counted_whole FROM kpi.counting") == [(False, [])]
    assert [serving(uptake, [i]) for i in ("online_service_uptake_rate", "payment_integration_rate")] == counted


def test_a_file_is_read_again_only_when_its_size_or_time_changed(two_months):
    """Hashing every export at each refresh took 6 s at 10 million dossiers: a file with the size
    and modification time it had when hashed is taken as the same file."""
    refresh(two_months)
    path = two_months / "ho_so_2025-10.csv"
    was = path.stat()
    os.utime(path, ns=(was.st_atime_ns, was.st_mtime_ns + 10**9))  # the same bytes copied again
    assert refresh(two_months).changed_periods == []
    path.write_bytes(path.read_bytes().replace(b"HS-2", b"HS-9"))  # other bytes, the same size and time
    os.utime(path, ns=(was.st_atime_ns, was.st_mtime_ns))
    assert refresh(two_months).changed_periods == []
    path.touch()  # a new export
    assert refresh(two_months).changed_periods == ["2025-10"]
    assert serving("SELECT ma_ho_so FROM core.fct_ho_so ORDER BY 1") == [("HS-1",), ("HS-9",)]


def test_a_reader_keeps_working_during_a_refresh(two_months):
    refresh(two_months)
    reader = connect(home().serving_db, read_only=True)
    assert reader.execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (2,)
    write_month(two_months, "2025-12", [dossier("HS-3", **DECEMBER)])
    refresh(two_months)  # publishes while the reader holds the old copy open
    assert reader.execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (2,)
    reader.close()
    assert serving("SELECT count(*) FROM core.fct_ho_so") == [(3,)]


def test_a_bad_file_fails_the_refresh_and_keeps_the_last_good_copy(two_months):
    refresh(two_months)
    before = digest(home().serving_db)
    (two_months / "ho_so_2025-12.csv").write_bytes(b"")
    with pytest.raises(RefreshFailed) as err:
        refresh(two_months)
    assert "ho_so_2025-12.csv" in str(err.value) and "rỗng" in str(err.value)
    assert digest(home().serving_db) == before
    con = connect(home().build_db, read_only=True)
    assert con.execute("SELECT status FROM meta.refreshes ORDER BY finished_at DESC LIMIT 1").fetchone() == ("failed",)
    con.close()


def test_a_refresh_failing_midway_keeps_the_last_good_copy(two_months, monkeypatch):
    refresh(two_months)
    before = digest(home().serving_db)
    write_month(two_months, "2025-12", [dossier("HS-3", **DECEMBER)])

    def broken(con):
        raise RuntimeError("disk full")

    from pipelines.defs import assets

    working = assets.build_marts
    monkeypatch.setattr(assets, "build_marts", broken)
    with pytest.raises(RefreshFailed, match="disk full"):
        refresh(two_months)
    assert digest(home().serving_db) == before
    monkeypatch.setattr(assets, "build_marts", working)  # (undo() would also drop this test's CCHC_HOME)
    refresh(two_months)  # the next good run picks the month up
    assert serving("SELECT count(*) FROM core.fct_ho_so") == [(3,)]


def test_two_homes_side_by_side(tmp_path, monkeypatch):
    counts = {}
    for name, n in (("a", 1), ("b", 3)):
        inbox = tmp_path / f"inbox-{name}"
        write_reference(inbox)
        write_month(inbox, "2025-10", [dossier(f"{name}-{i}") for i in range(n)])
        monkeypatch.setenv("CCHC_HOME", str(tmp_path / f"home-{name}"))
        refresh(inbox)
        counts[name] = serving("SELECT count(*) FROM core.fct_ho_so")[0][0]
    assert counts == {"a": 1, "b": 3}
    assert (tmp_path / "home-a" / "dagster" / "dagster.yaml").read_text().count("enabled: false") == 1


def test_a_new_model_version_rebuilds_from_the_whole_inbox(two_months, monkeypatch):
    """After an upgrade changes the contract, SQL or seeds, the next refresh rebuilds every period,
    not only those whose files changed (the build file is made afresh)."""
    refresh(two_months)
    monkeypatch.setattr("pipelines.ingest.load.model_version", lambda: "next-release")
    monkeypatch.setattr("pipelines.refresh.model_version", lambda: "next-release")
    outcome = refresh(two_months)
    assert outcome.changed_periods == ["2025-10", "2025-11"]
    assert serving("SELECT count(*) FROM core.fct_ho_so") == [(2,)]
    assert serving("SELECT max(version) FROM meta.model") == [("next-release",)]
