"""Reference files (don_vi, danh_muc_tthc) are checked against what the warehouse holds before they
replace anything: a file that is empty, repeats a key, or drops a unit or procedure the loaded
dossiers use is held back with a message naming its codes, and the last good reference stays in
force, in the published copy and for the alerts, until a corrected file loads."""

import hashlib

import pytest
from inbox_builder import CATALOG, UNITS, dossier, query, write_csv, write_month, write_reference

from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import home
from pipelines.validate.check import check_files

LATE = dict(ngay_hen_tra="10/10/2025 17:00:00")  # finished on 20/10
NEW_UNIT = ("06001", "Xã Mới", "xa", "H39", "01/07/2025", None, None)


def october():
    return ([dossier(f"HS-{i}", **(LATE if i < 3 else {})) for i in range(6)]  # SXD, 1.001: 2 late
            + [dossier(f"HX-{i}", ma_don_vi="05977", ma_tthc="1.002") for i in range(2)])


@pytest.fixture
def loaded(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", october())
    refresh(inbox)
    return inbox


def published():
    """What readers and the alerts see: the serving file's bytes, the province's numbers, and the
    alert episodes open."""
    import sqlite3

    con = sqlite3.connect(home().alerts_db)
    episodes = {r for (r,) in con.execute("SELECT episode_id FROM episodes WHERE closed_at IS NULL "
                                          "AND rule <> 'refresh_failed'")}  # a failure has its own
    con.close()
    numbers = query(home().serving_db, "SELECT indicator, numerator, denominator FROM kpi.values "
                    "WHERE scope = 'province' AND period = '2025-10' ORDER BY ALL")
    return hashlib.sha256(home().serving_db.read_bytes()).hexdigest(), numbers, episodes


def refused(inbox, *expected: str) -> str:
    """The refresh fails, naming the file and `expected`, in Vietnamese and English; nothing
    published changes and no open alert closes."""
    before = published()
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    message = str(err.value)
    assert "Tệp bị giữ lại" in message and "File held back" in message
    for text in expected:
        assert text in message
    digest, numbers, episodes = published()
    assert (digest, numbers, episodes) == before  # no alert recovered
    return message


def test_a_header_only_don_vi_is_refused_and_the_units_stay(loaded):
    assert published()[2], "the sample month should open alerts"
    units = query(home().serving_db, "SELECT count(*) FROM core.dim_don_vi")
    write_csv(loaded / "don_vi.csv", "don_vi", [])
    refused(loaded, "don_vi.csv", "reference_empty")
    assert query(home().build_db, "SELECT count(*) FROM staging.don_vi") == units  # the build keeps them too
    write_csv(loaded / "don_vi.csv", "don_vi", UNITS + [NEW_UNIT])  # corrected
    refresh(loaded)
    assert query(home().serving_db, "SELECT count(*) FROM core.dim_don_vi") == [(units[0][0] + 1,)]


def test_a_catalog_whose_rows_are_all_quarantined_is_refused(loaded):
    from inbox_builder import set_max_quarantine_share

    set_max_quarantine_share(1)  # the share of quarantined rows alone would let it through
    write_csv(loaded / "danh_muc_tthc.csv", "danh_muc_tthc", [(c[0], None, *c[2:]) for c in CATALOG])  # no name
    refused(loaded, "danh_muc_tthc.csv", "reference_empty", "2 dòng đọc, 2 bị cách ly", "2 read, 2 quarantined")


def test_a_repeated_unit_is_refused_naming_its_rows(loaded):
    """One duplicated row quarantined both copies and moved the unit's dossiers out of the
    province's figures. A code with successive validity ranges is a repeated key too: the
    contract keeps a unit's whole validity on its one row."""
    sxd = UNITS[1]
    more = [(f"X{i:02d}", f"Xã {i}", "xa", "H39", "01/07/2025", None, None) for i in range(40)]
    write_csv(loaded / "don_vi.csv", "don_vi", UNITS + [sxd] + more)  # 2 rows of 47: under the 5% share
    refused(loaded, "don_vi.csv", "reference_duplicate_key", "SXD (dòng 3, 8)", "SXD (rows 3, 8)")
    write_csv(loaded / "don_vi.csv", "don_vi", [sxd[:5] + ("30/06/2023", None)] + UNITS[:1] + UNITS[2:]
              + [sxd[:4] + ("01/07/2023", None, None)] + more)
    refused(loaded, "reference_duplicate_key", "SXD (dòng 2, 8)")
    write_csv(loaded / "don_vi.csv", "don_vi", UNITS + [NEW_UNIT])
    refresh(loaded)


def test_a_unit_or_procedure_still_used_cannot_be_dropped(loaded):
    write_csv(loaded / "don_vi.csv", "don_vi", [u for u in UNITS if u[0] not in ("SXD", "05977")])
    refused(loaded, "don_vi.csv", "reference_drops_codes_in_use",
            "SXD (6 hồ sơ, không còn trong tệp), 05977 (2 hồ sơ", "SXD (6 dossiers, not in the file)",
            "8 hồ sơ (100.0% số hồ sơ đã nạp")
    # a validity that no longer covers the dossiers is as good as a unit gone
    write_csv(loaded / "don_vi.csv", "don_vi", [u[:5] + ("30/09/2025", None) if u[0] == "SXD" else u for u in UNITS])
    refused(loaded, "SXD (6 hồ sơ, hiệu lực không còn bao", "SXD (6 dossiers, its validity no longer covers them)")
    write_csv(loaded / "don_vi.csv", "don_vi", UNITS)
    write_csv(loaded / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG[:1])
    refused(loaded, "danh_muc_tthc.csv", "1.002 (2 hồ sơ", "1.002 (2 dossiers, not in the file)")
    # Units nobody uses may go (SGTVT ended before these dossiers), and the unit a new month uses may
    # arrive with it: the reference is staged first, then the month is checked against it.
    write_csv(loaded / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_csv(loaded / "don_vi.csv", "don_vi", [u for u in UNITS if u[0] != "SGTVT"] + [NEW_UNIT])
    write_month(loaded, "2025-11", [dossier("HN-1", month="2025-11", ma_don_vi="06001", ma_tthc="1.002")])
    refresh(loaded)
    assert query(home().serving_db, "SELECT ma_don_vi FROM core.fct_ho_so WHERE ma_ho_so = 'HN-1'") == [("06001",)]
    assert query(home().serving_db, "SELECT count(*) FROM core.dim_don_vi WHERE ma_don_vi = 'SGTVT'") == [(0,)]


def test_the_codes_listed_are_the_first_ten_and_a_count(inbox):
    units = UNITS + [(f"X{i:02d}", f"Xã {i}", "xa", "H39", "01/07/2025", None, None) for i in range(12)]
    write_csv(inbox / "don_vi.csv", "don_vi", units)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}", ma_don_vi=f"X{i:02d}", ma_tthc="1.002") for i in range(12)])
    refresh(inbox)
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    message = refused(inbox, "X00 (1 hồ sơ", "X09 (1 dossier, not in the file)", "và 2 mã khác", "and 2 more codes")
    assert "X10" not in message


def test_a_share_of_dossiers_may_be_let_go_by_the_setting(loaded):
    """[validation] max_unknown_share: the share of the loaded dossiers a reference change may leave
    without a unit or procedure (0 by default)."""
    config = home().root / "config.toml"
    write_csv(loaded / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG[:1])  # 1.002: 2 of 8 dossiers
    config.write_text("[validation]\nmax_unknown_share = 0.2\n", encoding="utf-8")
    refused(loaded, "25.0% số hồ sơ đã nạp; ngưỡng max_unknown_share 20%")
    config.write_text("[validation]\nmax_unknown_share = 0.3\n", encoding="utf-8")
    refresh(loaded)
    assert query(home().serving_db, "SELECT count(*) FROM core.dim_tthc") == [(1,)]


def test_check_gives_the_refresh_s_verdict_against_the_published_dossiers(loaded, tmp_path):
    draft = tmp_path / "draft"
    draft.mkdir()
    write_csv(draft / "don_vi.csv", "don_vi", [u for u in UNITS if u[0] != "SXD"])
    [report] = check_files([draft / "don_vi.csv"])
    assert report["status"] == "held_back" and "SXD (6 hồ sơ" in report["error_vi"]
    write_csv(draft / "don_vi.csv", "don_vi", UNITS + [UNITS[1]])
    [report] = check_files([draft / "don_vi.csv"])
    assert report["status"] == "held_back" and "reference_duplicate_key" in report["error_en"]
    write_csv(draft / "don_vi.csv", "don_vi", UNITS + [NEW_UNIT])
    assert check_files([draft / "don_vi.csv"])[0]["status"] == "ok"
