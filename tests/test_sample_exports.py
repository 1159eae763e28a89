"""The bundled sample: deterministic, every file of the contract in every form, and a refresh of
it loads every row with every value parsed and every contract rule holding."""

import codecs

import polars as pl
import pytest

from pipelines.db import connect
from pipelines.ingest.read import read_export
from pipelines.refresh import refresh
from pipelines.settings import home
from sample_data.generator import generate, months


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    summary = generate(out, dossiers=6000, seed=7)
    return out, summary


def test_same_seed_same_bytes(sample, tmp_path):
    out, _ = sample
    again = tmp_path / "again"
    generate(again, dossiers=6000, seed=7)
    for f in out.iterdir():
        assert (again / f.name).read_bytes() == f.read_bytes(), f.name


def test_every_month_every_file_every_form(sample):
    out, summary = sample
    names = {f.name for f in out.iterdir()}
    assert len(months()) == 34 and summary["months"] == 34
    for y, m in months():
        for kind in ("ho_so", "thanh_toan", "so_hoa"):
            assert f"{kind}_{y}-{m:02d}.csv" in names or f"{kind}_{y}-{m:02d}.xlsx" in names
    assert {"don_vi.csv", "danh_muc_tthc.xlsx"} <= names
    heads = {f.name: f.read_bytes()[:400] for f in out.glob("ho_so_*.csv")}
    assert any(h.startswith(codecs.BOM_UTF16_LE) for h in heads.values())
    assert any(h.startswith(codecs.BOM_UTF8) and b";" in h for h in heads.values())
    assert any(b"MaHoSo" in h for h in heads.values())
    assert sum(n.endswith(".xlsx") for n in names) >= 15


def test_sample_refreshes_cleanly(sample):
    out, summary = sample
    refresh(out)
    con = connect(home().build_db, read_only=True)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    assert q("SELECT count(*) FROM core.fct_ho_so") == [(summary["dossiers"],)]
    assert q("SELECT sum(rows_loaded) FROM meta.files WHERE kind = 'ho_so'") == [(summary["rows"]["ho_so"],)]
    assert q("SELECT count(*) FROM staging.ho_so") == [(summary["rows"]["ho_so"],)]
    # every value parsed: each column holds as many values as the files' text (read apart from SQL)
    for kind in ("ho_so", "thanh_toan", "so_hoa"):
        written = pl.concat([read_export(f, kind).frame.drop("_row") for f in sorted(out.glob(f"{kind}_*"))],
                            how="diagonal").count()
        columns = written.columns
        typed = q(f"SELECT {', '.join(f'count({c})' for c in columns)} FROM staging.{kind}")[0]
        assert dict(zip(columns, typed)) == written.row(0, named=True), kind
    # every contract rule holds
    assert q("""SELECT count(*) FROM staging.ho_so WHERE ngay_tiep_nhan > ngay_ket_thuc OR ngay_ket_thuc > ngay_tra
        OR (trang_thai IN (7, 8, 9, 10) AND ngay_ket_thuc IS NULL) OR (trang_thai = 5 AND ngay_yeu_cau_bo_sung IS NULL)
        OR (trang_thai = 10 AND ngay_tra IS NULL) OR (trang_thai NOT IN (1, 3) AND ngay_tiep_nhan IS NULL)
        OR kenh NOT IN (1, 2, 3)""") == [(0,)]
    # codes known, units used only while valid (no district after 30/6/2025)
    assert q("""SELECT count(*) FROM core.fct_ho_so h LEFT JOIN core.dim_don_vi u USING (ma_don_vi)
        LEFT JOIN core.dim_tthc p USING (ma_tthc)
        WHERE u.ma_don_vi IS NULL OR p.ma_tthc IS NULL
           OR CAST(coalesce(h.ngay_tiep_nhan, h.ngay_nop) AS DATE) NOT BETWEEN u.hieu_luc_tu AND coalesce(u.hieu_luc_den, DATE '2100-01-01')""") == [(0,)]
    # the behaviours indicators need
    assert {s for (s,) in q("SELECT DISTINCT trang_thai FROM staging.ho_so")} == set(range(1, 11))
    assert {n for (n,) in q("SELECT DISTINCT so_lan_bo_sung FROM core.fct_ho_so")} >= {0, 1, 2}
    late = q("""SELECT DISTINCT co_phieu_xin_loi FROM core.fct_ho_so WHERE trang_thai IN (9, 10)
        AND CAST(ngay_ket_thuc - to_hours(CAST(gio_bo_sung AS BIGINT)) AS DATE) > CAST(ngay_hen_tra AS DATE)""")
    assert {a for (a,) in late} == {True, False}
    assert q("SELECT count(DISTINCT kenh) FROM core.fct_ho_so") == [(3,)]
    assert q("SELECT count(*) FROM core.fct_ho_so WHERE versions > 1")[0][0] > 0
    assert {p for (p,) in q("SELECT DISTINCT nen_tang FROM core.fct_thanh_toan")} == {"dvcqg", "tinh", "khac", None}
    assert q("SELECT count(DISTINCT trang_thai) FROM core.fct_thanh_toan") == [(4,)]
    assert q("SELECT count(*) FROM core.dim_don_vi WHERE cap = 'xa' AND hieu_luc_den IS NULL") == [(65,)]
    assert q("SELECT count(*) FROM core.dim_don_vi WHERE cap = 'huyen'") == [(11,)]
    assert q("SELECT count(*) FROM core.dim_tthc")[0][0] >= 150 and q("SELECT count(*) FROM core.dim_linh_vuc")[0][0] >= 15
    con.close()
