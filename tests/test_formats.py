"""Every format, encoding, header profile and value form of the contract loads to the same values."""

import datetime as dt
import unicodedata

import pytest
from inbox_builder import dossier, headers, write_csv, write_xlsx

from pipelines.errors import InputError
from pipelines.ingest.inbox import InboxFile, column_mapping
from pipelines.ingest.load import ingest

PERIOD = "2025-10"
EXPECTED_RECEIVED = dt.datetime(2025, 10, 1, 9, 0)


def load(build, path, kind="ho_so", period=PERIOD, mapping=None):
    [result] = ingest(build, [InboxFile(path, kind, period)], {kind: mapping or {}}, "test")
    if result.error:
        raise result.error
    return result


def staged(build, sql):
    return build.execute(sql).fetchall()


@pytest.mark.parametrize("variant", [
    dict(sep=","), dict(sep=";"), dict(sep="\t"),
    dict(sep=",", encoding="utf-8-sig"), dict(sep=";", encoding="utf-8-sig"),
    dict(sep="\t", encoding="utf-16"), dict(sep=",", profile="dvcqg"),
])
def test_csv_variants_load_identically(build, inbox, variant):
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1"), dossier("HS-2", kenh="1")], **variant)
    result = load(build, path)
    assert result.rows_loaded == 2
    assert result.profile == variant.get("profile", "vi")
    rows = staged(build, "SELECT ma_ho_so, kenh, ngay_tiep_nhan, trang_thai, toan_trinh FROM staging.ho_so ORDER BY 1")
    assert rows == [("HS-1", 2, EXPECTED_RECEIVED, 10, True), ("HS-2", 1, EXPECTED_RECEIVED, 10, True)]


def test_xlsx_with_title_rows_and_totals_row(build, inbox):
    path = write_xlsx(inbox / f"ho_so_{PERIOD}.xlsx", "ho_so", [dossier("HS-1"), dossier("HS-2")])
    result = load(build, path)
    assert result.rows_loaded == 2 and result.rows_skipped == 1
    assert staged(build, "SELECT _row FROM staging.ho_so ORDER BY 1") == [(5,), (6,)]  # header on spreadsheet row 4
    skipped = staged(build, "SELECT \"row\", reason, content FROM meta.skipped_rows")
    assert skipped[0][0] == 7 and skipped[0][1] == "dong_tong_cong" and skipped[0][2].startswith("Tổng cộng")
    assert staged(build, "SELECT header_row, sheet FROM meta.files") == [(4, "Báo cáo")]


@pytest.mark.parametrize("label", ["Tổng cộng", "Tổng:", "TỔNG CỘNG"])
def test_a_totals_row_labelled_in_a_column_the_contract_does_not_name(build, inbox, label):
    """Exports often number their rows (STT) and put the totals row's label there: it is the row's
    first filled cell, wherever that sits."""
    path = inbox / f"thanh_toan_{PERIOD}.csv"
    path.write_text("\n".join([
        "STT," + ",".join(headers("thanh_toan", "vi")),
        "1,GD-1,HS-1,100000,truc_tuyen,dvcqg,thanh_cong,02/10/2025 10:00:00",
        "2,GD-2,HS-2,50000,tien_mat,,thanh_cong,03/10/2025 10:00:00",
        f"{label},,,150000,,,,"]) + "\n", encoding="utf-8")
    result = load(build, path, kind="thanh_toan")
    assert (result.rows_loaded, result.rows_skipped, result.quarantined) == (2, 1, 0)
    assert result.extra_columns == ["STT"]
    assert staged(build, "SELECT reason, content FROM meta.skipped_rows") == [
        ("dong_tong_cong", f"{label} |  |  | 150000 |  |  |  | ")]


def test_xlsx_real_date_cells_and_serials(build, inbox):
    import xlsxwriter

    path = inbox / f"ho_so_{PERIOD}.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    row = dossier("HS-1")
    ws.write_row(0, 0, list(_headers()))
    ws.write_row(1, 0, list(row.values()))
    date_format = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    col = list(row).index("ngay_tiep_nhan")
    ws.write_datetime(1, col, dt.datetime(2025, 10, 1, 9, 0), date_format)  # a real date cell
    ws.write_number(1, list(row).index("ngay_hen_tra"), 45952.75)  # a bare serial: 22/10/2025 18:00
    wb.close()
    load(build, path)
    assert staged(build, "SELECT ngay_tiep_nhan, ngay_hen_tra FROM staging.ho_so") == [
        (EXPECTED_RECEIVED, dt.datetime(2025, 10, 22, 18, 0))]


def _headers():
    from pipelines.contract import FILES
    return [c.header for c in FILES["ho_so"].columns]


@pytest.mark.parametrize("text, expected", [
    ("01/10/2025", dt.datetime(2025, 10, 1)),
    ("1/10/2025 9:05", dt.datetime(2025, 10, 1, 9, 5)),
    ("01/10/2025 09:05:30", dt.datetime(2025, 10, 1, 9, 5, 30)),
    ("20251001090530", dt.datetime(2025, 10, 1, 9, 5, 30)),
    ("2025-10-01T09:05:30", dt.datetime(2025, 10, 1, 9, 5, 30)),
    ("2025-10-01 09:05:30", dt.datetime(2025, 10, 1, 9, 5, 30)),
    ("2025-10-01T02:05:30Z", dt.datetime(2025, 10, 1, 9, 5, 30)),  # UTC → Asia/Ho_Chi_Minh
    ("2025-10-01T09:05:30+07:00", dt.datetime(2025, 10, 1, 9, 5, 30)),
    ("45931.5", None),  # a serial is an Excel form only; in a CSV it does not parse
    ("32/10/2025", None),
])
def test_timestamp_forms(build, text, expected):
    assert build.execute("SELECT parse_ts(?, 'csv')", [text]).fetchone()[0] == expected


@pytest.mark.parametrize("text, expected", [
    ("1.250.000", 1250000), ("1250000", 1250000), ("1,250,000", 1250000), ("1250000.0", 1250000),
    ("1.250.000 đ", 1250000), ("50.000", 50000), ("1250000.5", None), ("abc", None), ("-20.000", -20000),
])
def test_money_forms(build, text, expected):
    assert build.execute("SELECT parse_money(?)", [text]).fetchone()[0] == expected


def test_text_is_normalised_to_nfc(build, inbox):
    nfd = unicodedata.normalize("NFD", "Cấp giấy phép xây dựng")
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so",
                     [dossier("HS-1", ten_tthc=nfd, danh_gia=unicodedata.normalize("NFD", "hài lòng"))])
    load(build, path)
    name, rating = staged(build, "SELECT ten_tthc, danh_gia FROM staging.ho_so")[0]
    assert name == unicodedata.normalize("NFC", name) == "Cấp giấy phép xây dựng"
    assert rating == "hài lòng"


def test_nfd_headers_are_recognised(build, inbox):
    headers = [unicodedata.normalize("NFD", h) for h in _headers()]
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1")], header_names=headers)
    assert load(build, path).rows_loaded == 1


def test_column_mapping_file_for_other_sources(build, inbox):
    (inbox / "column_mapping.csv").write_text(
        "file,source_header,canonical\nho_so,So ho so,ma_ho_so\nho_so,Don vi giai quyet,ma_don_vi\n*,Cap nhat luc,ngay_cap_nhat\n",
        encoding="utf-8")
    headers = ["So ho so" if h == "Mã hồ sơ" else "Don vi giai quyet" if h == "Mã đơn vị"
               else "Cap nhat luc" if h == "Ngày cập nhật" else h for h in _headers()]
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-9")], header_names=headers)
    result = load(build, path, mapping=column_mapping(inbox)["ho_so"])
    assert result.profile == "mapped"
    assert staged(build, "SELECT ma_ho_so, ma_don_vi FROM staging.ho_so") == [("HS-9", "SXD")]


def test_extra_column_is_accepted_and_reported(build, inbox):
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1")], header_names=None)
    text = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([text[0] + ",Ghi chú", text[1] + ",xyz"]) + "\n", encoding="utf-8")
    result = load(build, path)
    assert result.rows_loaded == 1 and result.extra_columns == ["Ghi chú"]


@pytest.mark.parametrize("content, phrase", [
    (b"", "rỗng"),
    (b"\r\n  \r\n", "rỗng"),  # only blank lines
    (b"\xef\xbb\xbf", "rỗng"),  # only the UTF-8 mark
    ("Mã hồ sơ,Trạng thái,Ghi chú\nA,10,b\n".encode(), "Thiếu cột bắt buộc"),
    (b"Ma ho so;Tinh trang\n1;2\n", "Không tìm thấy dòng tiêu đề"),
    (b"M\xb8 h\xe5 s\xac,Tr\xb9ng th\xb8i\n", "không phải mã UTF-8"),  # TCVN3 bytes
    ("Mã hồ sơ,Trạng thái\n".encode() + b"A,10\n" * 20000 + b"B\xff,10\n", "không phải mã UTF-8"),  # far down
    ("Mã hồ sơ,Trạng thái\nA,Đã".encode()[:-1], "cắt ngang"),  # cut inside its last character
    ('Mã hồ sơ,Trạng thái,Ghi chú\nA,10,b\n"B,10\n'.encode(), "dấu ngoặc kép chưa đóng"),
])
def test_unreadable_files_get_a_clear_bilingual_message(build, inbox, content, phrase):
    path = inbox / f"ho_so_{PERIOD}.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load(build, path)
    assert phrase in err.value.vi and err.value.en
    assert "infer_schema_length" not in err.value.vi  # no library's advice to programmers
    assert staged(build, "SELECT (SELECT count(*) FROM staging.ho_so), (SELECT count(*) FROM meta.files)") == [(0, 0)]


@pytest.mark.parametrize("garbled", ["CÊp giÊy phÐp x©y dùng", "Caáp giaáy pheùp xaây döïng"], ids=["TCVN3", "VNI"])
def test_legacy_encoding_read_as_unicode_is_rejected(build, inbox, garbled):
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier(f"HS-{i}", ten_tthc=garbled) for i in range(5)])
    with pytest.raises(InputError) as err:
        load(build, path)
    assert "TCVN3/VNI" in err.value.vi and garbled in err.value.vi


def test_real_vietnamese_is_not_mistaken_for_mojibake(build, inbox):
    names = ["Cấp giấy phép xây dựng", "Đăng ký khai sinh", "Chứng thực bản sao", "Cấp đổi giấy phép lái xe «mới»"]
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier(f"HS-{i}", ten_tthc=n) for i, n in enumerate(names)])
    assert load(build, path).rows_loaded == 4


def test_impossible_month_in_a_file_name(inbox):
    from pipelines.ingest.inbox import scan

    (inbox / "ho_so_2025-13.csv").write_text("x")
    with pytest.raises(InputError) as err:
        scan(inbox)
    assert "tháng phải từ 01 đến 12" in err.value.vi


def test_files_split_over_batches_stage_as_in_one(build, inbox, tmp_path, monkeypatch):
    """A batch holds several files (up to BATCH_ROWS rows); where the batches are cut changes
    nothing: the same rows accepted, the same rules broken, in the same file and row."""
    from inbox_builder import write_month, write_reference

    from pipelines.db import connect
    from pipelines.ingest import load
    from pipelines.ingest.inbox import scan

    write_reference(inbox)
    for month in ("2025-09", "2025-10", "2025-11"):
        good = [dossier(f"HS-{month}-{i}", month=month) for i in range(45)]
        bad = [dossier(f"HS-{month}-X", month=month, kenh="7"), dossier(f"HS-{month}-0", month=month)]
        write_month(inbox, month, good + bad)  # a bad channel, a repeat within the file: 2/47, under the 5% limit
    files = scan(inbox)

    def staged_by(con):
        results = ingest(con, files, {}, "test")
        return (sorted((r.file_name, r.status, r.accepted, r.quarantined) for r in results),
                con.execute("SELECT _file, _row, ma_ho_so FROM staging.ho_so ORDER BY 1, 2").fetchall(),
                con.execute('SELECT file_name, "row", rule FROM meta.quarantine ORDER BY 1, 2, 3').fetchall())

    whole = staged_by(build)
    monkeypatch.setattr(load, "BATCH_ROWS", 1)  # every file its own batch
    split = connect(tmp_path / "split.duckdb")
    load.prepare(split)
    assert staged_by(split) == whole
    split.close()
    assert [r[1:] for r in whole[0] if r[0].startswith("ho_so")] == [("staged", 45, 2)] * 3
    assert {rule for _, _, rule in whole[2]} >= {"allowed_kenh", "duplicate_ma_ho_so"}
