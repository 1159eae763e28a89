"""Bad inputs, each a small file with its expected outcome: the row quarantined under the rule it
broke (with file, row, column, value and a bilingual message), everything else loaded, and every
file's rows reconciled."""

import dagster as dg
import pytest
from inbox_builder import dossier, query, set_max_quarantine_share, write_csv, write_month, write_reference

from pipelines.contract import FILES
from pipelines.db import connect
from pipelines.defs import assets as asset_defs
from pipelines.defs.resources import resources_for
from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import home
from pipelines.validate.rows import suite_spec

PAYMENT = ("GD-1", "HS-OK", "1.250.000", "truc_tuyen", "dvcqg", "thanh_cong", "02/10/2025 10:00:00")
DOCUMENT = ("HS-OK", "G1", "thanh_phan", "1", "0", "1", "0", "01/10/2025 09:30:00")


@pytest.fixture(autouse=True)
def small_files_may_be_mostly_bad():
    """These files have one or two rows: a bad row is far above the 5% hold-back share."""
    set_max_quarantine_share(1)


def build(sql, params=None):
    return query(home().build_db, sql, params)


def run(inbox, dossiers=(), payments=(), documents=()):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-OK"), *dossiers], payments=[PAYMENT, *payments],
                documents=[DOCUMENT, *documents])
    refresh(inbox)
    return build('SELECT kind, "row", "column", "value", rule, severity, message_vi, message_en FROM meta.quarantine '
                 'ORDER BY kind, "row", rule')


ROW_CASES = [
    # (case, kwargs for run(), kind, column, value, rule)
    ("dates in the wrong order", dict(dossiers=[dossier("HS-B", ngay_ket_thuc="30/09/2025 10:00:00")]),
     "ho_so", "ngay_ket_thuc", "30/09/2025 10:00:00", "order_ngay_tiep_nhan_ngay_ket_thuc"),
    ("result before end", dict(dossiers=[dossier("HS-B", ngay_tra="19/10/2025 10:00:00")]),
     "ho_so", "ngay_tra", "19/10/2025 10:00:00", "order_ngay_ket_thuc_ngay_tra"),
    ("unknown unit", dict(dossiers=[dossier("HS-B", ma_don_vi="X99")]), "ho_so", "ma_don_vi", "X99", "known_ma_don_vi"),
    ("unknown procedure", dict(dossiers=[dossier("HS-B", ma_tthc="9.999")]), "ho_so", "ma_tthc", "9.999", "known_ma_tthc"),
    ("status 10 without a return date", dict(dossiers=[dossier("HS-B", ngay_tra=None)]),
     "ho_so", "ngay_tra", None, "returned_has_ngay_tra"),
    ("withdrawn without an end date", dict(dossiers=[dossier("HS-B", trang_thai="7", ngay_ket_thuc=None, ngay_tra=None)]),
     "ho_so", "ngay_ket_thuc", None, "ended_has_ngay_ket_thuc"),
    ("supplement without its request date", dict(dossiers=[dossier("HS-B", trang_thai="5", ngay_ket_thuc=None, ngay_tra=None)]),
     "ho_so", "ngay_yeu_cau_bo_sung", None, "supplement_has_request_date"),
    ("accepted without an acceptance date",
     dict(dossiers=[dossier("HS-B", trang_thai="4", ngay_tiep_nhan=None, ngay_ket_thuc=None, ngay_tra=None)]),
     "ho_so", "ngay_tiep_nhan", None, "accepted_has_ngay_tiep_nhan"),
    ("channel outside 1-3", dict(dossiers=[dossier("HS-B", kenh="5")]), "ho_so", "kenh", "5", "allowed_kenh"),
    ("status outside 1-10", dict(dossiers=[dossier("HS-B", trang_thai="11")]), "ho_so", "trang_thai", "11", "allowed_trang_thai"),
    ("a date that is not a date", dict(dossiers=[dossier("HS-B", ngay_tiep_nhan="31/02/2025")]),
     "ho_so", "ngay_tiep_nhan", "31/02/2025", "type_ngay_tiep_nhan"),
    ("a missing dossier code", dict(dossiers=[dossier(None)]), "ho_so", "ma_don_vi", None, None),
    ("a district used after it was abolished", dict(dossiers=[dossier("HS-B", ma_don_vi="178")]),
     "ho_so", "ma_don_vi", "178", "unit_valid_on_date"),
    ("a negative amount", dict(payments=[("GD-2", "HS-OK", "-20.000", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00")]),
     "thanh_toan", "so_tien", "-20.000", "positive_so_tien"),
    ("an amount that is not a number",
     dict(payments=[("GD-2", "HS-OK", "mười nghìn", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00")]),
     "thanh_toan", "so_tien", "mười nghìn", "type_so_tien"),
    ("an unknown payment status", dict(payments=[("GD-2", "HS-OK", "10000", "tien_mat", None, "xong", "02/10/2025 10:00:00")]),
     "thanh_toan", "trang_thai", "xong", "allowed_trang_thai"),
    ("an unknown document type", dict(documents=[("HS-OK", "G2", "phu_luc", "1", "0", "0", "0", "01/10/2025 09:30:00")]),
     "so_hoa", "loai", "phu_luc", "allowed_loai"),
]


@pytest.mark.parametrize("case, kwargs, kind, column, value, rule", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_bad_row_is_quarantined_with_its_rule(inbox, case, kwargs, kind, column, value, rule):
    issues = run(inbox, **kwargs)
    if rule is None:  # a missing dossier code
        assert ("ho_so", 3, "ma_ho_so", None, "required_ma_ho_so") in [i[:5] for i in issues]
    else:
        critical = [i for i in issues if i[5] == "critical"]
        assert [(k, c, v, r) for k, _, c, v, r, *_ in critical] == [(kind, column, value, rule)]
        assert critical[0][1] == 3  # spreadsheet row: header 1, the good row 2, the bad row 3
        assert critical[0][6] and critical[0][7]  # Vietnamese and English
    good = {"ho_so": "HS-OK", "thanh_toan": "GD-1", "so_hoa": "G1"}[kind]
    key = {"ho_so": "ma_ho_so", "thanh_toan": "ma_giao_dich", "so_hoa": "ma_giay_to"}[kind]
    assert build(f"SELECT {key} FROM staging.{kind}") == [(good,)]
    assert build("SELECT count(*) FROM staging.reconciliation WHERE NOT balanced") == [(0,)]


def test_a_unit_is_checked_against_the_time_the_dossier_was_handled(inbox):
    """Communes merged on 1/7/2025; July's file holds dossiers as they stand at its export date.
    HS-C1, accepted 25/06 and still open in July, has gone on to the new commune 05977 (from 1/7):
    loaded. HS-C3, accepted 20/06 by district 178 (until 30/6) and open since: loaded. HS-C2 was
    accepted, finished and returned in June by 05977, which did not exist yet: quarantined."""
    write_reference(inbox)
    june = dict(ngay_nop="20/06/2025 08:00:00", ngay_tiep_nhan="20/06/2025 09:00:00", ngay_hen_tra="15/07/2025 17:00:00")
    still_open = dict(trang_thai="4", ngay_ket_thuc=None, ngay_tra=None, ngay_cap_nhat="10/07/2025 10:00:00")
    write_month(inbox, "2025-07", [dossier(f"HS-{i}", "2025-07") for i in range(20)] + [
        dossier("HS-C1", ma_don_vi="05977", ma_tthc="1.002", **june | dict(ngay_tiep_nhan="25/06/2025 09:00:00"),
                **still_open),
        dossier("HS-C2", ma_don_vi="05977", ma_tthc="1.002", **june, trang_thai="10", ngay_ket_thuc="27/06/2025 10:00:00",
                ngay_tra="28/06/2025 10:00:00", ngay_cap_nhat="28/06/2025 10:00:00"),
        dossier("HS-C3", ma_don_vi="178", ma_tthc="1.002", **june, **still_open)])
    refresh(inbox)
    assert build('SELECT "row", rule FROM meta.quarantine') == [(23, "unit_valid_on_date")]
    assert build("SELECT ma_ho_so FROM staging.ho_so WHERE ma_ho_so LIKE 'HS-C%' ORDER BY 1") == [("HS-C1",), ("HS-C3",)]


def test_dates_are_in_order_by_the_day_when_one_is_written_without_its_time(inbox):
    """Accepted 01/10 at 09:00 and ended "01/10/2025": the same day, in order (a date alone is not its
    midnight). Ended the day before is out of order, as the catalogue's case shows."""
    issues = run(inbox, dossiers=[dossier("HS-B", ngay_ket_thuc="01/10/2025", ngay_tra="01/10/2025 10:00:00")])
    assert issues == []


def test_repeated_dossier_keeps_the_latest_update(inbox):
    issues = run(inbox, dossiers=[dossier("HS-OK", trang_thai="9", ngay_tra=None, ngay_cap_nhat="25/10/2025 10:00:00")])
    assert [(i[1], i[4]) for i in issues] == [(2, "duplicate_ma_ho_so")]
    assert build("SELECT trang_thai FROM staging.ho_so") == [(9,)]


def test_a_payment_without_an_amount_is_loaded(inbox):
    """The contract does not require so_tien (exports.md, thanh_toan): a failed transaction may have
    none. An amount given must still be a positive number."""
    issues = run(inbox, payments=[("GD-2", "HS-OK", None, "truc_tuyen", "dvcqg", "that_bai", "02/10/2025 10:00:00")])
    assert issues == []
    assert build("SELECT ma_giao_dich, so_tien FROM staging.thanh_toan ORDER BY 1") == [("GD-1", 1250000), ("GD-2", None)]


def test_duplicate_transaction_is_quarantined_both_times(inbox):
    issues = run(inbox, payments=[PAYMENT])
    assert [(i[1], i[4]) for i in issues] == [(2, "unique_ma_giao_dich"), (3, "unique_ma_giao_dich")]


def test_duplicate_document_within_a_dossier(inbox):
    issues = run(inbox, documents=[DOCUMENT])
    assert {i[4] for i in issues} == {"unique_ma_giay_to"}


def test_codes_are_unique_within_a_file_not_across_the_files_validated_together(inbox):
    """Two months are validated in one GX run: the same transaction and document exported again
    the next month is an update, not a duplicate; twice in one file still is."""
    write_month(inbox, "2025-11", [dossier("HS-N", "2025-11")],
                payments=[("GD-1", "HS-OK", "1.250.000", "truc_tuyen", "dvcqg", "thanh_cong", "03/11/2025 10:00:00"),
                          ("GD-9", "HS-N", "10000", "tien_mat", None, "thanh_cong", "03/11/2025 10:00:00"),
                          ("GD-9", "HS-N", "10000", "tien_mat", None, "thanh_cong", "03/11/2025 11:00:00")],
                documents=[("HS-OK", "G1", "thanh_phan", "1", "0", "1", "0", "03/11/2025 09:30:00")])
    issues = run(inbox)
    assert [(i[0], i[1], i[4]) for i in issues] == [("thanh_toan", 3, "unique_ma_giao_dich"),
                                                    ("thanh_toan", 4, "unique_ma_giao_dich")]
    assert build("SELECT period FROM meta.quarantine") == [("2025-11",), ("2025-11",)]
    assert build("SELECT _period, ma_giao_dich FROM staging.thanh_toan ORDER BY ALL") == [
        ("2025-10", "GD-1"), ("2025-11", "GD-1")]
    assert build("SELECT count(*) FROM staging.so_hoa") == [(2,)]


def test_warning_rows_are_loaded_and_reported(inbox):
    issues = run(inbox, dossiers=[dossier("HS-B", ngay_hen_tra=None)],
                 payments=[("GD-2", "HS-OK", "10000", "truc_tuyen", None, "thanh_cong", "02/10/2025 10:00:00")])
    assert [(i[0], i[4], i[5]) for i in issues] == [("ho_so", "due_date_present", "warning"),
                                                    ("thanh_toan", "online_has_nen_tang", "warning")]
    assert build("SELECT count(*) FROM staging.ho_so") == [(2,)]
    assert build("SELECT count(*) FROM staging.thanh_toan") == [(2,)]
    con = connect(home().serving_db, read_only=True)  # published, each with its flag
    assert con.execute("SELECT ma_ho_so, warnings FROM core.fct_ho_so ORDER BY 1").fetchall() == [
        ("HS-B", ["due_date_present"]), ("HS-OK", [])]
    con.close()
    # Payments are published as kpi.payments; the fact keeps its flag in the warehouse.
    assert build("SELECT ma_giao_dich, warnings FROM core.fct_thanh_toan ORDER BY 1") == [
        ("GD-1", []), ("GD-2", ["online_has_nen_tang"])]


def test_quarantine_is_published_and_replaced_with_its_file(inbox):
    run(inbox, dossiers=[dossier("HS-B", kenh="5")])
    con = connect(home().serving_db, read_only=True)
    assert con.execute("SELECT file_name, rule FROM meta.quarantine").fetchall() == [("ho_so_2025-10.csv", "allowed_kenh")]
    assert con.execute("SELECT rule, rows FROM marts.quarantine_by_rule").fetchall() == [("allowed_kenh", 1)]
    assert con.execute("SELECT rows_read, rows_accepted, rows_quarantined, balanced FROM marts.file_quality "
                       "WHERE file_name = 'ho_so_2025-10.csv'").fetchall() == [(2, 1, 1, True)]
    con.close()
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [dossier("HS-OK"), dossier("HS-B")])  # the steward's fix
    refresh(inbox)
    assert build("SELECT count(*) FROM meta.quarantine") == [(0,)]
    assert build("SELECT count(*) FROM staging.ho_so") == [(2,)]


def test_reconciliation_check_fails_when_a_row_is_dropped(inbox, cchc_home):
    run(inbox)
    con = connect(home().build_db)
    con.execute("DELETE FROM staging.ho_so WHERE ma_ho_so = 'HS-OK'")  # a row lost between raw and staging
    con.close()
    result = dg.materialize([asset_defs.core_model, asset_defs.rows_reconcile], resources=resources_for(cchc_home, inbox),
                            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    evaluation = result.get_asset_check_evaluations()[0]
    assert not evaluation.passed
    assert "ho_so_2025-10.csv: 1 ≠ 0 + 0 + 0" in evaluation.metadata["unbalanced"].value


def test_rollups_check_fails_when_a_value_misses_a_count(inbox, cchc_home):
    """Each province value must be the sum of its counts, read in a connection of its own: a count
    the indicators' transaction did not see (as DuckDB 1.5.5 once hid one) stops the publish."""
    run(inbox)
    con = connect(home().build_db)
    con.execute("UPDATE kpi.values SET denominator = denominator - 1 WHERE scope = 'province' "
                "AND indicator = 'on_time_rate' AND period = '2025-10'")
    con.close()
    result = dg.materialize([asset_defs.indicators, asset_defs.rollups_reconcile],
                            selection=dg.AssetSelection.checks(asset_defs.rollups_reconcile),
                            resources=resources_for(cchc_home, inbox), instance=dg.DagsterInstance.ephemeral(),
                            raise_on_error=False)
    evaluation = result.get_asset_check_evaluations()[0]
    assert not evaluation.passed
    assert evaluation.metadata["unbalanced"].value == 1
    assert evaluation.metadata["first"].value.startswith("2025-10 on_time_rate: ")
    from pipelines.history import failure_message  # what the steward reads: not the file's fault

    assert "lỗi phần mềm" in failure_message("kpi__values_rollups_reconcile", RuntimeError("check failed"))


def test_a_file_whose_contents_contradict_its_name_is_rejected(inbox):
    import hashlib

    from pipelines.refresh import RefreshFailed

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-OK")])
    refresh(inbox)
    published = hashlib.sha256(home().serving_db.read_bytes()).hexdigest()
    september = dict(ngay_nop="01/09/2025 08:00:00", ngay_tiep_nhan="01/09/2025 09:00:00", ngay_hen_tra="22/09/2025 17:00:00",
                     ngay_ket_thuc="20/09/2025 10:00:00", ngay_tra="21/09/2025 10:00:00", ngay_cap_nhat="21/09/2025 10:00:00")
    write_csv(inbox / "ho_so_2025-11.csv", "ho_so", [dossier("HS-9", **september)])
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    assert "ho_so_2025-11.csv" in str(err.value) and "thuộc kỳ 2025-09" in str(err.value)
    assert hashlib.sha256(home().serving_db.read_bytes()).hexdigest() == published


def test_a_late_reexport_is_still_its_months_file(inbox):
    """A month's dossier file holds each dossier as it stands at the export date: October exported
    again at the end of November carries HS-1 finished on 25/11. Its dates run past October, but it
    began in October: the file replaces October. Since exports.md was amended, a file is misnamed
    only when the bulk of its rows begins in another month: 1 dossier of 5 begun in November loads
    (the old rule refused more than 1%); 3 of 5 is November's file, and the message says so."""
    from pipelines.refresh import RefreshFailed

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1", trang_thai="4", ngay_ket_thuc=None, ngay_tra=None)])
    refresh(inbox)
    later = dict(ngay_ket_thuc="25/11/2025 10:00:00", ngay_tra="26/11/2025 10:00:00", ngay_cap_nhat="26/11/2025 10:00:00")
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [dossier("HS-1", **later)])
    refresh(inbox)
    assert query(home().serving_db, "SELECT trang_thai, ngay_tra::VARCHAR FROM core.fct_ho_so") == [(10, "2025-11-26 10:00:00")]
    november = dict(ngay_nop="20/11/2025 08:00:00", ngay_tiep_nhan="20/11/2025 09:00:00", **later)
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [dossier(f"HS-{i}") for i in range(2, 6)] + [dossier("HS-9", **november)])
    refresh(inbox)
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so") == [(5,)]
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [dossier(f"HS-{i}") for i in range(2, 4)]
              + [dossier(f"HS-N{i}", **november) for i in range(3)])
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    assert "thuộc kỳ 2025-11: 3/5 hồ sơ được nộp hoặc tiếp nhận trong tháng 2025-11" in str(err.value)


def test_a_file_with_too_many_bad_rows_is_held_back(inbox):
    import hashlib

    from pipelines.refresh import RefreshFailed

    (home().root / "config.toml").unlink()  # the default, 5%
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(30)])
    refresh(inbox)
    published = hashlib.sha256(home().serving_db.read_bytes()).hexdigest()
    rows = [dossier(f"HS-{i}") for i in range(28)] + [dossier("HS-X1", kenh="9"), dossier("HS-X2", kenh="9")]
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", rows)  # 2/30 = 6.7% > 5%
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    assert "Tệp bị giữ lại: 2/30 dòng (6.7%)" in str(err.value) and "allowed_kenh (2)" in str(err.value)
    assert hashlib.sha256(home().serving_db.read_bytes()).hexdigest() == published
    with pytest.raises(RefreshFailed, match="Tệp bị giữ lại"):  # the same bytes again: held back again
        refresh(inbox)
    set_max_quarantine_share(0.10)  # the steward accepts it
    refresh(inbox)
    assert build("SELECT count(*) FROM staging.ho_so") == [(28,)]


def test_every_file_held_back_is_said_at_once(inbox):
    """The steward fixes every file in one go, not one refresh per file."""
    (home().root / "config.toml").unlink()  # the default, 5%
    write_reference(inbox)
    for month in ("2025-10", "2025-11"):
        write_month(inbox, month, [dossier(f"HS-{month}-{i}", month=month) for i in range(28)]
                    + [dossier(f"HS-{month}-X{i}", month=month, kenh="9") for i in range(2)])
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    said = str(err.value)
    assert "2 tệp bị giữ lại" in said and "2 files held back" in said
    for name in ("ho_so_2025-10.csv", "ho_so_2025-11.csv"):
        assert said.count(name) == 2  # in Vietnamese, then in English
    assert said.count("Tệp bị giữ lại: 2/30 dòng (6.7%)") == 2 and said.count("File held back: 2/30 rows") == 2


def test_files_that_cannot_be_read_are_said_with_the_ones_held_back(inbox):
    """A workbook whose copy stopped, an empty file and a month over the quarantine limit: one
    refresh names all three, where it stopped at the first unreadable one."""
    (home().root / "config.toml").unlink()  # the default, 5%
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(28)] + [dossier(f"HS-X{i}", kenh="9") for i in range(2)])
    write_month(inbox, "2025-11", [dossier("HS-11", month="2025-11")], fmt="xlsx")
    workbook = inbox / "ho_so_2025-11.xlsx"
    workbook.write_bytes(workbook.read_bytes()[:300])
    (inbox / "thanh_toan_2025-10.csv").write_bytes(b"")
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    said = str(err.value)
    assert "3 tệp bị giữ lại" in said and "3 files held back" in said, said
    for name in ("ho_so_2025-10.csv", "ho_so_2025-11.xlsx", "thanh_toan_2025-10.csv"):
        assert said.count(f"[{name}]") == 2, name  # in Vietnamese, then in English
    assert "Tệp rỗng" in said and "Tệp bị giữ lại: 2/30 dòng (6.7%)" in said
    assert "Traceback" not in said and not home().serving_db.exists()


def test_a_reference_file_held_back_says_the_exports_wait_for_it(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    (inbox / "don_vi.csv").write_bytes(b"")
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    said = str(err.value)
    assert "[don_vi.csv]" in said and "Tệp rỗng" in said
    assert "Các tệp tháng chưa được kiểm tra" in said and "The monthly exports were not checked yet" in said


def test_csv_cut_off_midway(inbox):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-OK"), dossier("HS-CUT")])
    path = inbox / "ho_so_2025-10.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("HS-CUT") + 40], encoding="utf-8")  # the transfer stopped inside the last row
    with pytest.raises(RefreshFailed, match="file_last_line_cut"):  # the whole file waits for a full copy
        refresh(inbox)
    assert build("SELECT outcome FROM meta.validations WHERE file_name = 'ho_so_2025-10.csv'") == [("held_back",)]


def test_xlsx_header_on_row_6_with_totals(inbox):
    import xlsxwriter
    from inbox_builder import headers

    write_reference(inbox)
    write_month(inbox, "2025-10", [])
    path = inbox / "ho_so_2025-10.xlsx"
    (inbox / "ho_so_2025-10.csv").unlink()
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for r, title in enumerate(["UBND TỈNH LẠNG SƠN", "SỞ NỘI VỤ", "", "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ", ""]):
        ws.write(r, 0, title)
    ws.write_row(5, 0, headers("ho_so", "vi"))
    ws.write_row(6, 0, list(dossier("HS-1").values()))
    ws.write_row(7, 0, list(dossier("HS-2").values()))
    ws.write_row(8, 0, ["Tổng cộng", 2])
    wb.close()
    refresh(inbox)
    assert build("SELECT _row FROM staging.ho_so ORDER BY 1") == [(7,), (8,)]
    assert build("SELECT header_row, rows_read, rows_skipped FROM meta.files WHERE kind = 'ho_so'") == [(6, 3, 1)]


def test_a_copy_of_a_loaded_file_under_another_month_is_rejected(inbox):
    import hashlib
    import shutil

    from pipelines.refresh import RefreshFailed

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-OK")])
    refresh(inbox)
    published = hashlib.sha256(home().serving_db.read_bytes()).hexdigest()
    shutil.copy(inbox / "ho_so_2025-10.csv", inbox / "ho_so_2025-11.csv")  # copied instead of exported
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    assert "ho_so_2025-11.csv" in str(err.value) and "trùng hoàn toàn với tệp đã nạp ho_so_2025-10.csv" in str(err.value)
    assert hashlib.sha256(home().serving_db.read_bytes()).hexdigest() == published


def test_every_refresh_leaves_a_data_quality_record(inbox):
    from pipelines.refresh import RefreshFailed

    run(inbox, dossiers=[dossier("HS-B", kenh="5"), dossier("HS-C", ngay_hen_tra=None)])
    con = connect(home().serving_db, read_only=True)
    (refresh_id, status, files_loaded, files_validated, rows, accepted, quarantined, warned, run_, failed,
     seconds) = con.execute(
        "SELECT refresh_id, status, files_loaded, files_validated, rows_validated, rows_accepted, rows_quarantined, "
        "rows_with_warnings, expectations_run, expectations_failed, epoch(finished_at - started_at) FROM meta.refreshes"
    ).fetchone()
    assert (status, files_loaded, files_validated) == ("succeeded", 5, 5)  # 2 reference files + 3 of the month
    assert (rows, accepted, quarantined, warned) == (3 + 1 + 1 + 6 + 2, 2 + 1 + 1 + 6 + 2, 1, 1)  # + 6 units, 2 procedures
    assert failed == 2 and run_ == sum(len(suite_spec(k)["expectations"]) for k in FILES if not FILES[k].optional)
    assert 0 < seconds < 600
    ho_so = con.execute("SELECT rows_validated, rows_accepted, rows_quarantined, expectations_failed, rules, outcome "
                        "FROM meta.validations WHERE refresh_id = ? AND kind = 'ho_so'", [refresh_id]).fetchone()
    assert ho_so == (3, 2, 1, 2, [{"rule": "allowed_kenh", "severity": "critical", "rows": 1},
                                  {"rule": "due_date_present", "severity": "warning", "rows": 1}], "staged")
    con.close()
    write_csv(inbox / "ho_so_2025-10.csv", "ho_so", [dossier("HS-OK"), dossier("HS-B", kenh="5")])
    set_max_quarantine_share(0.2)  # 1 of 2 rows is above it: held back
    with pytest.raises(RefreshFailed):
        refresh(inbox)
    held = build("SELECT r.status, v.outcome, v.rows_validated, v.rows_accepted, v.rows_quarantined, v.message LIKE 'Tệp bị giữ lại%' "
                 "FROM meta.refreshes r JOIN meta.validations v USING (refresh_id) WHERE r.status = 'failed' AND v.kind = 'ho_so'")
    assert held == [("failed", "held_back", 2, None, 1, True)]
