"""The bundled sample: deterministic, every file of the contract in every form, every shape real
exports have (supplements pending across a month end, withdrawals and stops while one is pending,
result documents digitized after their file's month, a month of ho_so as DVCQG sends it), and a
refresh of it loads every row with every value parsed and every contract rule holding."""

import codecs
import csv
import datetime as dt

import polars as pl
import pytest

from pipelines.contract import FILES, header_key
from pipelines.db import connect
from pipelines.ingest.read import read_export
from pipelines.refresh import refresh
from pipelines.settings import WAREHOUSE_SQL, home
from sample_data.generator import DVCQG_AS_SENT, DVCQG_STATUS, Layout, generate, layout, months


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    summary = generate(out, dossiers=6000, seed=7)
    return out, summary


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The same sample with --plain: the same rows, every file a UTF-8 comma CSV with Vietnamese
    headers and dd/mm/yyyy timestamps, easy to read here apart from the loader."""
    out = tmp_path_factory.mktemp("plain")
    generate(out, dossiers=6000, seed=7, plain=True)
    return out


TS = "%d/%m/%Y %H:%M:%S"
HO_SO = {"Mã hồ sơ": "ma_ho_so", "Mã đơn vị": "ma_don_vi", "Ngày nộp": "nop", "Ngày tiếp nhận": "tn",
         "Ngày kết thúc xử lý": "kt", "Trạng thái": "st", "Số lần yêu cầu bổ sung": "n", "Ngày yêu cầu bổ sung": "yc",
         "Ngày hoàn thành bổ sung": "ht", "Số giờ bổ sung": "gio"}


def _monthly(folder, kind) -> pl.DataFrame:
    """Every month's file of a kind, as text, with the month its name gives ("file")."""
    return pl.concat([pl.read_csv(f, infer_schema=False).with_columns(pl.lit(f.stem[-7:]).alias("file"))
                      for f in sorted(folder.glob(f"{kind}_*.csv"))])


def _ho_so(folder) -> pl.DataFrame:
    h = _monthly(folder, "ho_so").select(*HO_SO, "file").rename(HO_SO)
    times = (pl.col(c).replace("", None).str.strptime(pl.Datetime, TS) for c in ("nop", "tn", "kt", "yc", "ht"))
    return h.with_columns(*times, pl.col("st").cast(pl.Int32), pl.col("n").cast(pl.Int32), pl.col("gio").cast(pl.Float64))


def _hours(a: str, b: str) -> pl.Expr:
    return (pl.col(b) - pl.col(a)).dt.total_seconds() / 3600


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
           OR CAST(coalesce(h.ngay_tiep_nhan, h.ngay_nop) AS DATE)
              NOT BETWEEN u.hieu_luc_tu AND coalesce(u.hieu_luc_den, DATE '2100-01-01')""") == [(0,)]
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


def test_plain_changes_only_the_form(sample, plain):
    """A month written in the plain form is the same file with --plain, byte for byte: the plain
    sample the tests below read has the bundled sample's rows."""
    out, _ = sample
    same = [(y, m) for i, (y, m) in enumerate(months()) if layout(i, False, (y, m)) == Layout()]
    assert len(same) >= 4
    for y, m in same:
        for kind in ("ho_so", "thanh_toan", "so_hoa"):
            name = f"{kind}_{y}-{m:02d}.csv"
            assert (out / name).read_bytes() == (plain / name).read_bytes(), name
    assert (out / "don_vi.csv").read_bytes() == (plain / "don_vi.csv").read_bytes()


def test_the_province_is_h37(sample):
    """Lạng Sơn's code on DVCQG is H37: the province, its departments' invented codes, every
    dossier code, and the targets registry's province rows."""
    out, _ = sample
    units = pl.read_csv(out / "don_vi.csv", infer_schema=False)
    root = units.filter(pl.col("Mã đơn vị cha").fill_null("") == "")
    assert root.select("Mã đơn vị", "Tên đơn vị", "Cấp").rows() == [("H37", "UBND tỉnh Lạng Sơn", "tinh")]
    departments = units.filter((pl.col("Cấp") == "tinh") & (pl.col("Mã đơn vị cha") == "H37"))["Mã đơn vị"]
    assert departments.len() >= 20 and departments.str.contains(r"^H37\.\d\d$").all()
    assert not units["Mã đơn vị"].str.contains("H39").any()
    with (WAREHOUSE_SQL / "seeds" / "targets.csv").open(encoding="utf-8", newline="") as f:
        registry = list(csv.DictReader(f))
    assert {t["scope_code"] for t in registry if t["scope_type"] == "province"} == {"H37"}
    assert {t["scope_code"] for t in registry if t["scope_type"] == "unit"} <= {"06001"} | set(departments)


def test_dossier_codes_carry_the_province_code(plain):
    assert _monthly(plain, "ho_so")["Mã hồ sơ"].str.starts_with("H37.").all()


def test_supplement_dates_and_hours_agree_in_every_row(plain):
    """Every row: requests and completions lie between acceptance and the end of processing;
    ngay_yeu_cau_bo_sung is the latest request, ngay_hoan_thanh_bo_sung its completion (empty
    while pending); gio_bo_sung is the hours between request and completion summed over the
    completed cycles (exactly the latest cycle's when there was one request); status 5 is pending."""
    h = _ho_so(plain)
    assert h.filter(pl.col("yc") < pl.col("tn")).height == 0
    assert h.filter((pl.col("ht") < pl.col("yc")) | (pl.col("ht") > pl.col("kt"))
                    | (pl.col("yc") > pl.col("kt"))).height == 0
    assert h.filter((pl.col("n") == 0) & (pl.col("yc").is_not_null() | (pl.col("gio") != 0))).height == 0
    assert h.filter((pl.col("n") > 0) & pl.col("yc").is_null()).height == 0
    one = h.filter((pl.col("n") == 1) & pl.col("ht").is_not_null())
    assert one.height > 100
    assert one.filter((pl.col("gio") - _hours("yc", "ht")).abs() > 1e-6).height == 0
    two = h.filter((pl.col("n") == 2) & pl.col("ht").is_not_null())
    assert two.height > 10 and two.filter(pl.col("gio") <= _hours("yc", "ht")).height == 0
    assert h.filter((pl.col("n") == 1) & pl.col("ht").is_null() & (pl.col("gio") != 0)).height == 0
    assert h.filter((pl.col("st") == 5) & (pl.col("yc").is_null() | pl.col("ht").is_not_null())).height == 0


def test_a_supplement_pending_at_a_month_end_is_completed_in_a_later_months_file(plain):
    """M's file shows the month-end snapshot (status 5, the request, no completion); a later
    month's file shows the same request completed, its hours, and the state then."""
    h = _ho_so(plain)
    pending = h.filter((pl.col("st") == 5) & pl.col("ht").is_null()).select("ma_ho_so", "file", "yc", "n")
    later = h.select("ma_ho_so", pl.col("file").alias("later_file"), pl.col("yc").alias("yc_later"),
                     pl.col("ht").alias("ht_later"), pl.col("gio").alias("gio_later"), pl.col("n").alias("n_later"),
                     pl.col("st").alias("st_later"))
    completed = pending.join(later, on="ma_ho_so").filter(
        (pl.col("later_file") > pl.col("file")) & (pl.col("yc_later") == pl.col("yc")) & pl.col("ht_later").is_not_null())
    assert completed["ma_ho_so"].n_unique() >= 20
    assert (completed["ht_later"] > completed["yc"]).all()
    assert (completed["ht_later"].dt.strftime("%Y-%m") > completed["file"]).all()  # completed after M
    once = completed.filter(pl.col("n_later") == 1)
    assert once.height > 0
    assert (once["gio_later"] - (once["ht_later"] - once["yc"]).dt.total_seconds() / 3600).abs().max() < 1e-6
    assert {9, 10} & set(completed["st_later"]) and {2, 4, 6} & set(completed["st_later"])  # finished, or still open


def test_some_dossiers_are_withdrawn_or_stopped_while_a_request_is_pending(plain):
    """Status 7 and 8 with the request still pending at their end (ngay_ket_thuc after the
    request, no completion), some of them pending at a month end before."""
    h = _ho_so(plain)
    ended = h.filter(pl.col("st").is_in([7, 8]) & pl.col("yc").is_not_null() & pl.col("ht").is_null())
    assert ended.filter(pl.col("kt") < pl.col("yc")).height == 0
    assert ended.group_by("st").len().filter(pl.col("len") >= 10).height == 2
    before = h.filter(pl.col("st") == 5).select("ma_ho_so", pl.col("file").alias("pending_file"), pl.col("yc").alias("yc5"))
    crossed = ended.join(before, on="ma_ho_so").filter(
        (pl.col("pending_file") < pl.col("file")) & (pl.col("yc5") == pl.col("yc")))
    assert set(crossed["st"]) == {7, 8}


def test_some_so_hoa_files_hold_documents_digitized_after_their_month(plain):
    """A month's so_hoa exported after the month holds the result documents of the month's
    dossiers digitized since (a few percent of its rows), and the next month's file does not
    repeat them. No file has more than half of its rows beginning (dossier accepted) in one
    other month, so none looks misnamed."""
    docs = _monthly(plain, "so_hoa").with_columns(pl.col("Ngày số hóa").str.strptime(pl.Datetime, TS).alias("ngay"))
    accepted = _ho_so(plain).group_by("ma_ho_so").agg(pl.col("tn").drop_nulls().first())
    docs = docs.join(accepted, left_on="Mã hồ sơ", right_on="ma_ho_so", how="left")
    assert docs["tn"].null_count() == 0
    docs = docs.with_columns(pl.col("ngay").dt.strftime("%Y-%m").alias("digitized"),
                             pl.col("tn").dt.strftime("%Y-%m").alias("begins"))
    after = docs.filter(pl.col("digitized") > pl.col("file"))
    assert after.height > 0
    assert (after["begins"] == after["file"]).all() and (after["Loại"] == "ket_qua").all()
    share = (docs.group_by("file").agg((pl.col("digitized") > pl.col("file")).mean().alias("after"))
             .filter(pl.col("after") > 0))
    assert 3 <= share.height <= 12 and share["after"].max() < 0.15
    other = docs.filter(pl.col("begins") != pl.col("file")).group_by("file", "begins").len().join(
        docs.group_by("file").len().rename({"len": "rows"}), on="file")
    assert (other["len"] / other["rows"]).max() < 0.5
    assert docs.select("Mã hồ sơ", "Mã giấy tờ").is_duplicated().sum() == 0


def test_one_month_of_ho_so_is_as_dvcqg_sends_it(sample, plain):
    """2026-03: the DVCQG field names (the Vietnamese header where DVCQG has none) and no Ngày cập
    nhật; DonViXuLy holds the unit's name, in varying case and spacing, each resolving to exactly
    one unit valid when the dossier was submitted and accepted (the unit of the same dossier in
    the plain sample); TrangThaiHoSo the DVCQG string codes; timestamps yyyyMMddHHmmss."""
    out, _ = sample
    y, m = DVCQG_AS_SENT
    assert (y, m) == (2026, 3)
    path = out / f"ho_so_{y}-{m:02d}.csv"
    sent = pl.read_csv(path, infer_schema=False)
    assert sent.columns == [c.dvcqg or c.header for c in FILES["ho_so"].columns if c.name != "ngay_cap_nhat"]
    assert "Ngày cập nhật" not in sent.columns and "DonViXuLy" in sent.columns
    truth = pl.read_csv(plain / path.name, infer_schema=False)
    assert sent["MaHoSo"].to_list() == truth["Mã hồ sơ"].to_list() and sent.height > 100

    assert sent["TrangThaiHoSo"].to_list() == [DVCQG_STATUS[int(v)] for v in truth["Trạng thái"]]
    assert len(set(sent["TrangThaiHoSo"])) >= 6
    assert sent["NgayNopHoSo"].str.contains(r"^\d{14}$").all()

    units = pl.read_csv(out / "don_vi.csv", infer_schema=False)
    day = lambda v: dt.datetime.strptime(v, "%d/%m/%Y").date() if v else None  # noqa: E731
    catalog = [(r["Mã đơn vị"], header_key(r["Tên đơn vị"]), day(r["Hiệu lực từ"]), day(r["Hiệu lực đến"]))
               for r in units.iter_rows(named=True)]

    def named(key, when):
        return [code for code, k, start, end in catalog if k == key and start <= when and (end is None or when <= end)]

    exact = variants = 0
    for value, submitted, accepted, code in zip(sent["DonViXuLy"], sent["NgayNopHoSo"], sent["NgayTiepNhan"],
                                               truth["Mã đơn vị"]):
        days = {dt.datetime.strptime(v, "%Y%m%d%H%M%S").date() for v in (submitted, accepted) if v}
        assert value not in {c for c, *_ in catalog}, value  # no name in the sample clashes in 2026
        for when in days:
            assert named(header_key(value), when) == [code], (value, when)
        name = units.filter(pl.col("Mã đơn vị") == code)["Tên đơn vị"][0]
        exact += value == name
        variants += value != name
    assert exact > variants > 0
