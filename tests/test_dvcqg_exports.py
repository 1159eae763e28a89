"""Exports as DVCQG-synced systems send them, and the month a file belongs to (exports.md, amended):
a unit written by its name, the DVCQG string status codes, no ngay_cap_nhat, and monthly files
that carry rows dated after their month. Every expected value is worked out by hand in the test."""

import json
import unicodedata

import pytest
from inbox_builder import CATALOG, UNITS, dossier, query, set_max_quarantine_share, write_csv, write_month, write_reference

from pipelines.cli import main
from pipelines.contract import header_key
from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import home


def serving(sql, params=None):
    return query(home().serving_db, sql, params)


def build(sql, params=None):
    return query(home().build_db, sql, params)


def dvcqg_time(text: str | None) -> str | None:
    """dd/mm/yyyy HH:MM:SS as DVCQG writes it: yyyyMMddHHmmss."""
    if text is None:
        return None
    day, time = text.split(" ")
    d, m, y = day.split("/")
    return f"{y}{m}{d}{time.replace(':', '')}"


def check_json(capsys, *paths) -> dict:
    main(["check", "--json", *map(str, paths)])
    return {r["file"].rsplit("/", 1)[-1]: r for r in json.loads(capsys.readouterr().out)}


# --- The month a file belongs to -----------------------------------------------------------------

def component(ma_ho_so, digitized="01/10/2025 09:30:00"):
    return (ma_ho_so, f"TP-{ma_ho_so}", "thanh_phan", "1", "0", "0", "0", digitized)


def result(ma_ho_so, n, digitized):
    return (ma_ho_so, f"KQ-{ma_ho_so}-{n}", "ket_qua", "1", "1", "0", "0", digitized)


RESOLVED_IN_NOVEMBER = dict(ngay_hen_tra="20/11/2025 17:00:00", ngay_ket_thuc="05/11/2025 10:00:00",
                            ngay_tra="06/11/2025 10:00:00", ngay_cap_nhat="06/11/2025 10:00:00")


def test_documents_digitized_in_the_next_month_belong_to_their_dossiers_month(inbox, capsys):
    """October's so_hoa file: HS-1 … HS-4, accepted on 1/10, each with a component digitized that day
    (4 rows); HS-3 and HS-4 were resolved in November and their 3 result documents each digitized on
    6/11 (6 rows). By digitization 6 of 10 rows are November's, the bulk; but a document begins when
    its dossier was accepted: all 10 begin in October. (The 1% rule refused a real file with 12 of
    370 rows digitized in the next month, and the whole refresh with it.)"""
    write_reference(inbox)
    documents = [component(f"HS-{i}") for i in range(1, 5)]
    documents += [result(f"HS-{i}", n, "06/11/2025 10:00:00") for i in (3, 4) for n in (1, 2, 3)]
    write_month(inbox, "2025-10", [dossier("HS-1"), dossier("HS-2"), dossier("HS-3", **RESOLVED_IN_NOVEMBER),
                                   dossier("HS-4", **RESOLVED_IN_NOVEMBER)], documents=documents)
    refresh(inbox)
    assert serving("SELECT status FROM meta.refreshes") == [("succeeded",)]
    assert build("SELECT count(*), count(*) FILTER (loai = 'ket_qua') FROM core.fct_so_hoa") == [(10, 6)]
    # `cchc check` says the same: the file alone (its dossiers found among the published ones), and with
    # the dossier file checked beside it in a home with nothing published.
    assert check_json(capsys, inbox / "so_hoa_2025-10.csv")["so_hoa_2025-10.csv"]["status"] == "ok"
    home().serving_db.unlink()
    report = check_json(capsys, inbox / "so_hoa_2025-10.csv", inbox / "ho_so_2025-10.csv", inbox / "don_vi.csv")
    assert {name: r["status"] for name, r in report.items()} == {
        "don_vi.csv": "ok", "ho_so_2025-10.csv": "ok", "so_hoa_2025-10.csv": "ok"}
    # Without its dossiers, the same file is judged by digitization: 6 of 10 in November, misnamed.
    alone = check_json(capsys, inbox / "so_hoa_2025-10.csv")["so_hoa_2025-10.csv"]
    assert alone["status"] == "held_back" and "thuộc kỳ 2025-11: 6/10 giấy tờ" in alone["error_vi"]


def test_a_file_whose_bulk_begins_in_a_later_month_is_refused_and_names_it(inbox, capsys):
    """ho_so_2025-10.csv holds 2 dossiers submitted and accepted in October and 3 in November: 3 of 5
    begin in November, more than half, and a month's file holds no dossier begun after it. Refused by
    the refresh and by `cchc check` with the same message, naming November and the 3 of 5."""
    write_reference(inbox)
    write_month(inbox, "2025-09", [dossier("HS-0", "2025-09")])
    refresh(inbox)
    published = serving("SELECT count(*) FROM core.fct_ho_so")
    write_month(inbox, "2025-10", [dossier("HS-1"), dossier("HS-2")] + [dossier(f"HS-N{i}", "2025-11") for i in range(3)])
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    said_vi = ("Tên tệp ghi kỳ 2025-10 nhưng phần lớn dữ liệu bên trong thuộc kỳ 2025-11: 3/5 hồ sơ được nộp hoặc "
               "tiếp nhận trong tháng 2025-11. Hãy kiểm tra lại kỳ xuất dữ liệu, hoặc đổi tên tệp thành "
               "ho_so_2025-11.csv nếu đó đúng là dữ liệu kỳ 2025-11.")
    said_en = ("The file name says 2025-10 but most of its data belongs to 2025-11: 3 of 5 dossiers were submitted "
               "or accepted in 2025-11. Check the export's period, or rename the file ho_so_2025-11.csv if it is "
               "2025-11's data.")
    assert said_vi in str(err.value)
    assert serving("SELECT count(*) FROM core.fct_ho_so") == published  # the last good numbers stay
    report = check_json(capsys, inbox / "ho_so_2025-10.csv")["ho_so_2025-10.csv"]
    assert (report["status"], report["error_vi"], report["error_en"]) == ("held_back", said_vi, said_en)
    assert main(["check", str(inbox / "ho_so_2025-10.csv")]) == 1
    assert said_vi in capsys.readouterr().out


def test_payments_whose_bulk_was_paid_in_another_month(inbox, capsys):
    """thanh_toan_2025-10.csv: 1 payment on 2/10, 2 on 3/12: December's, 2 of 3."""
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")], payments=[
        ("GD-1", "HS-1", "10000", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
        ("GD-2", "HS-1", "10000", "tien_mat", None, "thanh_cong", "03/12/2025 10:00:00"),
        ("GD-3", "HS-1", "10000", "tien_mat", None, "thanh_cong", "03/12/2025 11:00:00")])
    report = check_json(capsys, inbox / "thanh_toan_2025-10.csv")["thanh_toan_2025-10.csv"]
    assert report["status"] == "held_back"
    assert "thuộc kỳ 2025-12: 2/3 giao dịch được thanh toán trong tháng 2025-12" in report["error_vi"]
    assert "2 of 3 payments were made in 2025-12" in report["error_en"]


BACKLOG = dict(ngay_nop="20/01/2026 08:00:00", ngay_tiep_nhan="20/01/2026 09:00:00",
               ngay_hen_tra="10/02/2026 17:00:00")


def test_a_month_whose_dossiers_are_mostly_a_backlog_received_before_it_is_not_refused(inbox, capsys):
    """February 2026 (Tết): 2 dossiers received in February, 5 received on 20/01 and still handled in
    February (exports.md: a month's file holds every dossier with any activity in it): 3 finished in
    February, 2 still open with no date in February (and, as DVCQG sends it, no ngay_cap_nhat). Read
    literally, "the bulk of its rows begins in another month" (5 of 7 in January) would refuse this
    file, which follows the contract; a bulk in an EARLIER month refuses a file only when none of its
    rows reaches into its month."""
    write_reference(inbox)
    finished = dict(BACKLOG, ngay_ket_thuc="09/02/2026 10:00:00", ngay_tra="10/02/2026 10:00:00")
    still_open = dict(BACKLOG, trang_thai="4", ngay_ket_thuc=None, ngay_tra=None, danh_gia=None)
    write_csv(inbox / "ho_so_2026-02.csv", "ho_so",
              [dossier(f"HS-F{i}", "2026-02") for i in range(2)] + [dossier(f"HS-B{i}", "2026-02", **finished)
                                                                     for i in range(3)]
              + [dossier(f"HS-O{i}", "2026-02", **still_open) for i in range(2)], without=("ngay_cap_nhat",))
    write_csv(inbox / "thanh_toan_2026-02.csv", "thanh_toan", [])
    write_csv(inbox / "so_hoa_2026-02.csv", "so_hoa", [])
    assert check_json(capsys, inbox / "ho_so_2026-02.csv")["ho_so_2026-02.csv"]["status"] == "ok"
    refresh(inbox)
    assert serving("SELECT count(*) FROM core.fct_ho_so") == [(7,)]
    # The same 5 January dossiers alone, all finished in January, under February's name: nothing in
    # the file reaches February: January's export, misnamed.
    in_january = dict(BACKLOG, ngay_hen_tra="30/01/2026 17:00:00", ngay_ket_thuc="28/01/2026 10:00:00",
                      ngay_tra="29/01/2026 10:00:00")
    write_csv(inbox / "ho_so_2026-02.csv", "ho_so", [dossier(f"HS-B{i}", "2026-02", **in_january) for i in range(5)],
              without=("ngay_cap_nhat",))
    with pytest.raises(RefreshFailed, match="thuộc kỳ 2026-01: 5/5 hồ sơ"):
        refresh(inbox)


# --- DVCQG's dossier file -----------------------------------------------------------------------------

OCTOBER = [
    # (dossier, unit as DVCQG writes it, status as DVCQG writes it)
    (dossier("HS-1"), "Sở Xây dựng", "done"),
    (dossier("HS-2", ngay_hen_tra="10/10/2025 17:00:00"), "SỞ XÂY DỰNG", "DONE"),  # late
    (dossier("HS-3", trang_thai="4", ngay_ket_thuc=None, ngay_tra=None, danh_gia=None,
             ngay_hen_tra="05/11/2025 17:00:00"), "sở   xây  dựng", "Processing"),
    (dossier("HS-4", ma_tthc="1.002", ma_don_vi="05977", kenh="1", ngay_hen_tra="02/10/2025 17:00:00",
             ngay_ket_thuc="01/10/2025 15:00:00", ngay_tra="02/10/2025 08:00:00"),
     unicodedata.normalize("NFD", "Phường Đông Kinh"), "done"),
    (dossier("HS-5", ma_tthc="1.002", ma_don_vi="05977", trang_thai="5", ngay_ket_thuc=None, ngay_tra=None,
             danh_gia=None, so_lan_bo_sung="1", ngay_yeu_cau_bo_sung="03/10/2025 10:00:00"),
     "phường đông kinh", "waiting"),
    (dossier("HS-6"), "SXD", "10"),  # a code among the names
    (dossier("HS-7", trang_thai="7", ngay_tra=None, danh_gia=None), "Sở Xây dựng", "cancelled"),
    (dossier("HS-8", trang_thai="1", ngay_tiep_nhan=None, ngay_hen_tra=None, ngay_ket_thuc=None, ngay_tra=None,
             danh_gia=None), "Sở Xây dựng", "receiving"),  # not accepted: the name is read on its submission day
]
TIMES = ("ngay_nop", "ngay_tiep_nhan", "ngay_hen_tra", "ngay_ket_thuc", "ngay_tra", "ngay_yeu_cau_bo_sung")


def as_dvcqg(row: dict, unit: str, status: str) -> dict:
    return row | {"ma_don_vi": unit, "trang_thai": status} | {c: dvcqg_time(row[c]) for c in TIMES}


def test_a_dvcqg_dossier_file_loads_and_counts_as_the_same_data_with_codes(tmp_path, monkeypatch):
    """The same October twice: with the contract's codes and Vietnamese headers, and as DVCQG sends it
    (its field names, no ngay_cap_nhat, units by name in any case, spacing or NFD, string status codes,
    yyyyMMddHHmmss). Every row loads, each named unit with a warning saying what its name was read
    as, and every indicator counts the same."""
    values = {}
    documents = [component("HS-1"), component("HS-4")]
    payments = [("GD-1", "HS-1", "1.250.000", "truc_tuyen", "dvcqg", "thanh_cong", "02/10/2025 10:00:00")]
    for profile in ("codes", "dvcqg"):
        inbox = tmp_path / f"inbox-{profile}"
        monkeypatch.setenv("CCHC_HOME", str(tmp_path / f"home-{profile}"))
        write_reference(inbox)
        write_month(inbox, "2025-10", [], payments=payments, documents=documents)
        if profile == "codes":
            write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [row for row, _, _ in OCTOBER])
        else:
            write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [as_dvcqg(*case) for case in OCTOBER], profile="dvcqg",
                      without=("ngay_cap_nhat",))
        refresh(inbox)
        values[profile] = serving("SELECT period, scope, scope_code, indicator, numerator, denominator, value "
                                  "FROM kpi.values ORDER BY ALL")
        facts = serving("SELECT ma_ho_so, ma_don_vi, trang_thai, ngay_tiep_nhan, ngay_ket_thuc, ngay_tra "
                        "FROM core.fct_ho_so ORDER BY 1")
        assert [f[:3] for f in facts] == [("HS-1", "SXD", 10), ("HS-2", "SXD", 10), ("HS-3", "SXD", 4),
                                          ("HS-4", "05977", 10), ("HS-5", "05977", 5), ("HS-6", "SXD", 10),
                                          ("HS-7", "SXD", 7), ("HS-8", "SXD", 1)]
        values[profile + " facts"] = facts
    assert values["dvcqg"] == values["codes"] and len(values["codes"]) > 16
    assert values["dvcqg facts"] == values["codes facts"]
    assert serving("SELECT profile, missing_columns FROM meta.files WHERE kind = 'ho_so'") == [
        ("dvcqg", ["ngay_cap_nhat"])]
    warned = serving('SELECT "row", "column", value, rule, severity, message_vi, message_en FROM meta.quarantine '
                     "ORDER BY 1")
    named = [(2, "Sở Xây dựng", "SXD"), (3, "SỞ XÂY DỰNG", "SXD"), (4, "sở   xây  dựng", "SXD"),
             (5, "Phường Đông Kinh", "05977"), (6, "phường đông kinh", "05977"), (8, "Sở Xây dựng", "SXD"),
             (9, "Sở Xây dựng", "SXD")]
    assert [w[:5] for w in warned] == [(r, "ma_don_vi", v, "unit_by_name", "warning") for r, v, _ in named]
    for (_, value, code), (*_, vi, en) in zip(named, warned):
        assert f"«{value}» được đọc là đơn vị mã {code}" in vi
        assert f"'{value}' is read as the unit with code {code}" in en
    assert serving("SELECT ma_ho_so FROM core.fct_ho_so WHERE list_contains(warnings, 'unit_by_name') ORDER BY 1") == [
        ("HS-1",), ("HS-2",), ("HS-3",), ("HS-4",), ("HS-5",), ("HS-7",), ("HS-8",)]
    assert serving("SELECT rows_read, rows_accepted, rows_quarantined, balanced, warnings FROM marts.file_quality "
                   "WHERE file_name = 'ho_so_2025-10.csv'") == [(8, 8, 0, True, 7)]


# Two departments under one name (an error in don_vi, or a name reused), and a ward that kept its name
# through the merger of 1/7/2025 under a new code.
MORE_UNITS = [
    ("STP", "Sở Tư pháp", "tinh", "H39", "01/01/2020", None, None),
    ("STP2", "Sở Tư pháp", "tinh", "H39", "01/03/2025", None, None),
    ("05980.01", "Phường Tam Thanh", "xa", "178", "01/01/2020", "30/06/2025", "05980"),
    ("05980", "Phường Tam Thanh", "xa", "H39", "01/07/2025", None, None),
]


def test_a_name_of_several_units_or_of_none_is_an_unknown_unit(inbox):
    """Sở Tư pháp names two units valid in October: quarantined, naming both codes. Phường Tam Thanh
    names two units too, but only one at a time: a dossier accepted in June is the old ward's, one
    accepted in October the new one's. "Thành phố Lạng Sơn" names a district abolished on 30/6, and
    "Sở Không Tồn Tại" no unit: no unit has such a code or, while the dossier was handled, such a
    name; the steward is not told to add them to don_vi as codes, as an unknown code (X99) still is."""
    set_max_quarantine_share(1)
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS + MORE_UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    june = dict(ma_tthc="1.002", ngay_nop="20/06/2025 08:00:00", ngay_tiep_nhan="20/06/2025 09:00:00",
                ngay_hen_tra="21/07/2025 17:00:00", ngay_ket_thuc="10/07/2025 10:00:00", ngay_tra="11/07/2025 10:00:00")
    write_month(inbox, "2025-07", [dossier(f"HS-{i}", "2025-07") for i in range(4)] + [
        dossier("HS-JUNE", "2025-07", ma_don_vi="phường tam thanh", **june)])
    write_month(inbox, "2025-10", [dossier("HS-OK"), dossier("HS-OCT", ma_tthc="1.002", ma_don_vi="Phường Tam Thanh"),
                                   dossier("HS-AMB", ma_don_vi="sở tư pháp"),
                                   dossier("HS-GONE", ma_don_vi="Thành phố Lạng Sơn"),
                                   dossier("HS-NONE", ma_don_vi="Sở Không Tồn Tại"), dossier("HS-X", ma_don_vi="X99")])
    refresh(inbox)
    assert build("SELECT ma_ho_so, ma_don_vi FROM staging.ho_so WHERE ma_ho_so IN ('HS-JUNE', 'HS-OCT') ORDER BY 1") == [
        ("HS-JUNE", "05980.01"), ("HS-OCT", "05980")]
    issues = build('SELECT period, "row", value, rule, severity, message_vi, message_en FROM meta.quarantine '
                   "ORDER BY period, \"row\"")
    assert [i[:5] for i in issues] == [
        ("2025-07", 6, "phường tam thanh", "unit_by_name", "warning"),
        ("2025-10", 3, "Phường Tam Thanh", "unit_by_name", "warning"),
        ("2025-10", 4, "sở tư pháp", "unit_name_ambiguous", "critical"),
        ("2025-10", 5, "Thành phố Lạng Sơn", "unit_name_unknown", "critical"),
        ("2025-10", 6, "Sở Không Tồn Tại", "unit_name_unknown", "critical"),
        ("2025-10", 7, "X99", "known_ma_don_vi", "critical")]
    june_vi, oct_vi = issues[0][5], issues[1][5]
    assert "được đọc là đơn vị mã 05980.01." in june_vi and "được đọc là đơn vị mã 05980. " in oct_vi
    ambiguous = issues[2]
    assert ("là tên của nhiều đơn vị có hiệu lực khi xử lý hồ sơ: STP, STP2. Hãy ghi mã của đúng đơn vị "
            "(một trong STP, STP2) thay cho tên.") in ambiguous[5]
    assert "the name of several units valid while the dossier was handled: STP, STP2" in ambiguous[6]
    for unknown in issues[3:5]:
        assert f"«{unknown[2]}» không phải mã của đơn vị nào, cũng không phải tên của đơn vị nào" in unknown[5]
        assert "neither the code of any unit nor the name of a unit valid" in unknown[6]
        assert "bổ sung" not in unknown[5] and "add" not in unknown[6]
    assert "hãy bổ sung" in issues[5][5]  # a code: told to add it, as before
    assert build("SELECT count(*) FROM staging.ho_so WHERE _period = '2025-10'") == [(2,)]


def test_a_name_is_compared_as_the_contract_compares_text(build):
    """text_key (SQL) agrees with header_key (Python): NFC, case, white space of any kind."""
    samples = ["Sở Xây dựng", " SỞ  XÂY\tDỰNG ", unicodedata.normalize("NFD", "Phường Đông Kinh"),
               "Phường\u00a0Đông Kinh", "UBND tỉnh Lạng Sơn"]
    for text in samples:
        assert build.execute("SELECT text_key(?)", [text]).fetchone()[0] == header_key(text)


# --- Status codes and duplicates without ngay_cap_nhat ------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("receiving", 1), ("new", 2), ("denied", 3), ("processing", 4), ("waiting", 5), ("paying", 6),
    ("cancelled", 7), ("unresolved", 8), ("releasing", 9), ("done", 10), ("DONE", 10), (" Waiting ", 5),
    ("10", 10), ("2.0", 2), ("11", 11), ("finished", None), ("canceled", None),
])
def test_status_codes(build, text, expected):
    assert build.execute("SELECT parse_status(?)", [text]).fetchone()[0] == expected


def test_a_status_that_is_no_code_is_quarantined(inbox):
    set_max_quarantine_share(1)
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1", trang_thai="Done"), dossier("HS-2", trang_thai="finished")])
    refresh(inbox)
    [(row, value, rule, vi)] = build('SELECT "row", value, rule, message_vi FROM meta.quarantine')
    assert (row, value, rule) == (3, "finished", "type_trang_thai")
    assert "số từ 1 đến 10, hoặc mã chữ của DVCQG (receiving, new, denied" in vi
    assert build("SELECT ma_ho_so, trang_thai FROM staging.ho_so") == [("HS-1", 10)]


@pytest.mark.parametrize("first, second, kept", [("4", "10", 10), ("10", "4", 4)])
def test_without_ngay_cap_nhat_the_later_row_of_a_dossier_wins(inbox, first, second, kept):
    """HS-1 twice in a file with no ngay_cap_nhat column: the row written later wins, whichever its
    status; the earlier one is quarantined as a duplicate. Across months the latest month still wins."""
    set_max_quarantine_share(1)
    write_reference(inbox)
    open_ = dict(ngay_ket_thuc=None, ngay_tra=None, danh_gia=None)
    rows = [dossier("HS-1", trang_thai=s, **(open_ if s == "4" else {})) for s in (first, second)]
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [dossier("HS-2")] + rows, without=("ngay_cap_nhat",))
    write_csv(inbox / "thanh_toan_2025-10.csv", "thanh_toan", [])
    write_csv(inbox / "so_hoa_2025-10.csv", "so_hoa", [])
    refresh(inbox)
    assert build('SELECT "row", rule FROM meta.quarantine') == [(3, "duplicate_ma_ho_so")]
    assert build("SELECT trang_thai, _row FROM staging.ho_so WHERE ma_ho_so = 'HS-1'") == [(kept, 4)]
    assert serving("SELECT trang_thai FROM core.fct_ho_so WHERE ma_ho_so = 'HS-1'") == [(kept,)]
    write_month(inbox, "2025-11", [dossier("HS-1", "2025-11", ngay_nop="01/10/2025 08:00:00",
                                           ngay_tiep_nhan="01/10/2025 09:00:00", trang_thai="10")],
                without=("ngay_cap_nhat",))
    refresh(inbox)
    assert serving("SELECT trang_thai, _period, versions FROM core.fct_ho_so WHERE ma_ho_so = 'HS-1'") == [
        (10, "2025-11", 2)]
