"""Reading is bounded, every row read is counted, and a file's name is read one way (issue 22).

A file that breaks a bound of [limits] is refused with its name, the bound and its setting before
a reader allocates anything for it; a header naming a column twice is refused; blank rows and rows
whose only content sits in an extra column are skipped and recorded, so rows read = accepted +
quarantined + skipped; `cchc check` and `cchc refresh` read file names with the same function.
The XLSX cases that aborted the process (a Rust abort, no exception) run the CLI in a subprocess.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from inbox_builder import dossier, headers, query, write_csv, write_month, write_reference, write_xlsx

from pipelines.cli import main
from pipelines.errors import InputError
from pipelines.ingest.inbox import InboxFile, scan
from pipelines.ingest.load import ingest
from pipelines.ingest.read import read_export
from pipelines.refresh import refresh
from pipelines.settings import PROJECT_ROOT, home
from pipelines.validate.check import check_files

PERIOD = "2025-10"


def set_limits(**values: int) -> None:
    """What a steward writes in $CCHC_HOME/config.toml to change a bound."""
    from pipelines.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[limits]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()), encoding="utf-8")


def cli(*args: str) -> subprocess.CompletedProcess:
    """`cchc …` in a process of its own: a reader that aborts must not take pytest with it."""
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=PROJECT_ROOT, env=os.environ,
                          capture_output=True, text=True, timeout=600)


def rewrite_sheet(path: Path, change) -> Path:
    """The XLSX with its first sheet's XML passed through `change` (bytes → bytes)."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, change(body) if name == "xl/worksheets/sheet1.xml" else body)
    return path


def far_cell(body: bytes, ref: str = "XFD1048576") -> bytes:
    """One more cell, at `ref`: the Excel reader allocates the rectangle from A1 to it."""
    row = re.search(r"\d+", ref)[0]
    return body.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
                        "</sheetData>".encode())


def declared(body: bytes, ref: str) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), body)


def no_dimension(body: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"/>', b"", body)


def month_xlsx(inbox: Path, change=None) -> Path:
    write_reference(inbox)
    path = write_xlsx(inbox / f"ho_so_{PERIOD}.xlsx", "ho_so", [dossier("HS-1"), dossier("HS-2")])
    return rewrite_sheet(path, change) if change else path


def load(build, path: Path, kind: str = "ho_so", period: str | None = PERIOD, mapping=None):
    """The file staged; a file that cannot be read raises its error."""
    [result] = ingest(build, [InboxFile(path, kind, period)], mapping or {}, "test")
    if result.status == "unreadable":
        raise result.error
    return result


def no_traceback(text: str) -> None:
    assert "Traceback" not in text and "panicked" not in text and "RUST_BACKTRACE" not in text


def recorded_failure() -> str:
    """The message of the last refresh, as the build's history recorded it: it must have failed."""
    [(status, message)] = query(home().build_db, "SELECT status, message FROM meta.refreshes "
                                                 "ORDER BY finished_at DESC LIMIT 1")
    assert status == "failed"
    return message


# --- XLSX: declared size, the furthest cell, unzipped size ---------------------------------------

def test_an_xlsx_reaching_cell_xfd1048576_is_refused_by_check_and_refresh(inbox):
    """The 6 KB file of the issue: A1:XFD1048576 declared and a cell there. Both commands aborted
    with a Rust backtrace (a 512 GB allocation), naming no file and recording no failure."""
    path = month_xlsx(inbox, lambda body: far_cell(declared(body, "A1:XFD1048576")))
    assert path.stat().st_size < 10_000
    done = cli("check", str(path))
    assert done.returncode == 1, done.stderr[-2000:]
    no_traceback(done.stdout + done.stderr)
    assert "ho_so_2025-10.xlsx: BỊ TỪ CHỐI / rejected" in done.stdout
    assert "A1:XFD1048576" in done.stdout and "xlsx_max_cells" in done.stdout and "17.179.869.184 ô" in done.stdout

    done = cli("refresh", "--inbox", str(inbox))
    assert done.returncode == 1, done.stderr[-2000:]
    no_traceback(done.stdout + done.stderr)
    assert "LÀM MỚI THẤT BẠI" in done.stderr and "[ho_so_2025-10.xlsx]" in done.stderr
    assert "xlsx_max_cells" in done.stderr
    message = recorded_failure()
    assert "ho_so_2025-10.xlsx" in message and "xlsx_max_cells" in message
    assert not home().serving_db.exists()  # nothing published


def test_a_far_cell_under_a_small_declared_range_is_refused(inbox):
    """The range a sheet declares may lie: the Excel reader goes by the cells, and so does the check."""
    path = month_xlsx(inbox, lambda body: far_cell(body, "XFD1048576"))  # declares A1:W7
    done = cli("check", str(path))
    assert done.returncode == 1, done.stderr[-2000:]
    no_traceback(done.stdout + done.stderr)
    assert "ô XFD1048576" in done.stdout and "xlsx_max_cells" in done.stdout


def test_a_declared_range_beyond_the_bound_is_refused_before_reading(build, inbox):
    path = month_xlsx(inbox, lambda body: declared(body, "A1:XFD1048576"))  # no cell out there
    with pytest.raises(InputError) as err:
        load(build, path)
    assert err.value.file == "ho_so_2025-10.xlsx"
    assert "Trang tính khai báo vùng A1:XFD1048576" in err.value.vi and "[limits] xlsx_max_cells" in err.value.vi
    assert "declares the range A1:XFD1048576" in err.value.en and "xlsx_max_cells" in err.value.en


@pytest.mark.parametrize("change, said", [
    (None, "Trang tính khai báo vùng A1:W7 (161 ô tính từ A1), vượt giới hạn 100 ô"),
    (no_dimension, "Dữ liệu của trang tính trải tới ô W7 (161 ô tính từ A1), vượt giới hạn 100 ô"),
    (lambda body: declared(body, "A1:B2"), "Dữ liệu của trang tính trải tới ô W7"),  # declared too small
])
def test_the_cell_bound_is_a_setting(build, inbox, change, said):
    set_limits(xlsx_max_cells=100)  # title rows, header, 2 dossiers, totals: 7 rows × 23 columns
    with pytest.raises(InputError) as err:
        load(build, month_xlsx(inbox, change))
    assert said in err.value.vi and "xlsx_max_cells" in err.value.vi


@pytest.mark.parametrize("change", [no_dimension, lambda body: declared(body, "A1"), lambda body: declared(body, "A1:B2")])
def test_a_missing_or_stale_declared_range_still_loads(build, inbox, change):
    """Some writers leave the range out or always write A1: the cells decide, within the bound."""
    result = load(build, month_xlsx(inbox, change))
    assert (result.rows_loaded, result.rows_skipped, result.quarantined) == (2, 1, 0)


def test_an_xlsx_unzipping_beyond_the_bound_is_refused(build, inbox):
    set_limits(xlsx_max_unzipped_mb=1)
    path = month_xlsx(inbox, lambda body: body.replace(b"<sheetData>", b"<sheetData>" + b" " * (2 << 20)))
    assert path.stat().st_size < 100_000  # 2 MB of spaces zip to a few KB
    with pytest.raises(InputError) as err:
        load(build, path)
    assert "khi giải nén có 3 MB, vượt giới hạn 1 MB" in err.value.vi and "xlsx_max_unzipped_mb" in err.value.vi
    assert err.value.file == "ho_so_2025-10.xlsx"


def test_a_zip_header_that_understates_a_part_is_caught(build, inbox):
    """The Excel reader unzips a part whole whatever size its header declares: a header saying 2 KB
    for 8 MB of XML passed the declared-size check. zipfile stops at the declared size and finds
    the checksum wrong."""
    path = month_xlsx(inbox, lambda body: body.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20)))
    understate(path, "xl/worksheets/sheet1.xml", 2000)
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 2000
    with pytest.raises(InputError) as err:
        load(build, path)
    assert "Không đọc được tệp Excel" in err.value.vi and "sheet1.xml" in err.value.vi


def understate(path: Path, name: str, size: int) -> None:
    """Write `size` as the part's uncompressed size, in its local header and in the central directory."""
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo(name)
    raw[info.header_offset + 22:info.header_offset + 26] = size.to_bytes(4, "little")
    entry = raw.find(b"PK\x01\x02")  # the central directory's first entry
    while entry >= 0:
        length = int.from_bytes(raw[entry + 28:entry + 30], "little")
        if raw[entry + 46:entry + 46 + length] == name.encode():
            raw[entry + 24:entry + 28] = size.to_bytes(4, "little")
        entry = raw.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(raw))


def test_references_that_are_no_cells_are_not_mistaken_for_cells(build, inbox):
    """xmlns:r="http…", header="0.3", operator="greaterThan" end in r=: no cell, no refusal."""
    def formatted(body: bytes) -> bytes:
        return body.replace(b"</worksheet>", b'<conditionalFormatting sqref="A1"><cfRule type="cellIs" '
                            b'operator="greaterThan" priority="1"><formula>1</formula></cfRule>'
                            b'</conditionalFormatting></worksheet>')
    result = load(build, month_xlsx(inbox, formatted))
    assert result.rows_loaded == 2


def test_a_malformed_reference_is_refused(build, inbox):
    path = month_xlsx(inbox, lambda body: body.replace(b'r="A5"', b'r="A00000000000000000005"'))
    with pytest.raises(InputError) as err:
        load(build, path)
    assert "tham chiếu ô bất thường" in err.value.vi


def test_beyond_patterns_agree_with_numbers():
    """_above matches exactly the numbers above its bound, as rows and as columns."""
    from pipelines.ingest.read import _above, _letters

    rng = random.Random(22)
    for _ in range(300):
        bound = rng.choice([rng.randint(1, 30), rng.randint(1, 2000), rng.randint(1, 2_000_000)])
        rows = re.compile(b"(?:" + _above(str(bound), letters=False) + b")")
        cols = re.compile(b"(?:" + _above(_letters(bound % 20000 + 1), letters=True) + b")")
        for n in [bound - 1, bound, bound + 1, rng.randint(1, 3 * bound), 10 * bound]:
            if n < 1:
                continue
            assert bool(rows.match(f'{n}"'.encode())) == (n > bound), (bound, n)
            c = bound % 20000 + 1
            for letters in (_letters(n % 20000 + 1), _letters(n % 20000 + 1).lower()):
                assert bool(cols.match(f"{letters}1".encode())) == (n % 20000 + 1 > c), (c, letters)


# --- CSV: line and field length ------------------------------------------------------------------

def test_a_csv_line_beyond_the_bound_is_refused_by_refresh_and_check(inbox, capsys):
    set_limits(csv_max_line_bytes=2000)
    write_reference(inbox)
    write_month(inbox, PERIOD, [dossier("HS-1"), dossier("HS-2")])
    path = inbox / f"ho_so_{PERIOD}.csv"
    path.write_bytes(path.read_bytes() + b"x" * 5000 + b"\n" + b"HS-3" + b",x" * 22 + b"\n")
    assert main(["refresh", "--inbox", str(inbox)]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "[ho_so_2025-10.csv] Dòng 4 dài 5.000 byte, vượt giới hạn 2.000 byte mỗi dòng" in err
    assert "csv_max_line_bytes" in err
    message = recorded_failure()
    assert "ho_so_2025-10.csv" in message and "csv_max_line_bytes" in message
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "ho_so_2025-10.csv: BỊ TỪ CHỐI / rejected" in out and "Line 4 is 5,000 bytes long" in out


def test_a_csv_field_beyond_the_bound_is_refused(build, inbox):
    """A quoted field over many short lines passes the line bound: its characters are counted."""
    set_limits(csv_max_field_chars=300)
    long_note = "\n".join(["dòng ghi chú"] * 40)  # 40 short lines, 519 characters
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1"), dossier("HS-2", ten_tthc=long_note)])
    with pytest.raises(InputError) as err:
        load(build, path)
    assert "Ô ở dòng 3, cột 3 (C) dài 519 ký tự, vượt giới hạn 300 ký tự mỗi ô" in err.value.vi
    assert "csv_max_field_chars" in err.value.en and err.value.file == "ho_so_2025-10.csv"


def test_the_field_bound_counts_characters_not_bytes(build, inbox):
    set_limits(csv_max_field_chars=30)
    name = "Đăng ký khai sinh lưu động"  # 26 characters, 36 bytes in UTF-8
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1", ten_tthc=name)])
    assert load(build, path).rows_loaded == 1


def test_the_line_search_finds_exactly_the_lines_too_long():
    """The search looks for a line break once per window; it must agree with measuring every line."""
    from pipelines.ingest.read import _refuse_long_lines

    rng = random.Random(2026)
    for _ in range(400):
        limit = rng.randint(1, 40)
        lines = [b"a" * rng.choice([rng.randint(0, limit), rng.randint(0, 3 * limit)]) for _ in range(rng.randint(1, 8))]
        data = b"\n".join(lines) + rng.choice([b"", b"\n"])
        try:
            _refuse_long_lines(data, limit, Path("x.csv"))
            refused = None
        except InputError as e:
            refused = int(re.search(r"Line (\d+)", e.en)[1])
        too_long = [i + 1 for i, line in enumerate(data.split(b"\n")) if len(line) > limit]
        assert refused == (too_long[0] if too_long else None), (limit, data)


# --- A header that names a column twice ----------------------------------------------------------

@pytest.mark.parametrize("second, said", [
    ("Mã đơn vị", "«Mã đơn vị» ở cột 6 (F) và «Mã đơn vị» ở cột 24 (X)"),
    ("DonViXuLy", "«Mã đơn vị» ở cột 6 (F) và «DonViXuLy» ở cột 24 (X)"),  # two aliases of one column
    ("  mã  ĐƠN vị ", "«Mã đơn vị» ở cột 6 (F) và «  mã  ĐƠN vị » ở cột 24 (X)"),
])
def test_a_header_naming_a_column_twice_is_refused(build, inbox, second, said):
    """The second column was silently ignored: its values could be the right ones."""
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1")])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0]},{second}\n{lines[1]},X99\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load(build, path)
    assert "Cột «Mã đơn vị» có hai lần trong dòng tiêu đề" in err.value.vi and said in err.value.vi
    assert "is in the header row twice" in err.value.en and err.value.file == "ho_so_2025-10.csv"


def test_a_mapped_header_and_the_contracts_for_one_column_are_refused(build, inbox):
    (inbox / "column_mapping.csv").write_text("file,source_header,canonical\nho_so,Don vi,ma_don_vi\n", encoding="utf-8")
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1")])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"Don vi,{lines[0]}\nX99,{lines[1]}\n", encoding="utf-8")
    from pipelines.ingest.inbox import column_mapping
    with pytest.raises(InputError) as err:
        load(build, path, mapping=column_mapping(inbox))
    assert "«Don vi» ở cột 1 (A) và «Mã đơn vị» ở cột 7 (G)" in err.value.vi


# --- Every row read is counted -------------------------------------------------------------------

def csv_with_stray_rows(inbox: Path) -> Path:
    """STT before the contract's columns, a note after them; then a blank line, a line of commas,
    a row with only its STT, a row with only a note, and a totals row labelled in STT."""
    path = write_csv(inbox / f"ho_so_{PERIOD}.csv", "ho_so", [dossier("HS-1"), dossier("HS-2")])
    header, one, two = path.read_text(encoding="utf-8").splitlines()
    empty = "," * 22  # 23 empty fields
    path.write_text("\n".join([
        f"STT,{header},Ghi chú", f"1,{one},", "", f",{empty},", f"2,{two},", f"3,{empty},",
        f",{empty},hồ sơ chuyển kỳ sau", f"Tổng cộng,{empty},"]) + "\n", encoding="utf-8")
    return path


def test_blank_and_extra_column_only_rows_are_skipped_and_recorded(build, inbox):
    """Such rows vanished: a blank row was dropped without a trace, and so was a row whose only
    content sat in a column the contract does not name."""
    result = load(build, csv_with_stray_rows(inbox))
    assert (result.rows_loaded, result.accepted, result.quarantined, result.rows_skipped) == (2, 2, 0, 5)
    assert build.execute('SELECT "row", reason, content FROM meta.skipped_rows ORDER BY "row"').fetchall() == [
        (3, "dong_trong", ""), (4, "dong_trong", ""), (6, "dong_chi_cot_thua", "3"),
        (7, "dong_chi_cot_thua", "hồ sơ chuyển kỳ sau"),
        (8, "dong_tong_cong", "Tổng cộng" + " | " * 23)]
    assert build.execute("SELECT rows_read, rows_loaded, rows_skipped FROM meta.files").fetchall() == [(7, 2, 5)]
    assert build.execute("SELECT balanced FROM staging.reconciliation").fetchall() == [(True,)]


def test_every_row_is_counted_through_refresh_and_check(inbox, capsys):
    write_reference(inbox)
    write_month(inbox, PERIOD, [])
    path = csv_with_stray_rows(inbox)
    refresh(inbox)
    assert query(home().serving_db, "SELECT rows_read, rows_skipped FROM meta.files WHERE kind = 'ho_so'") == [(7, 5)]
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so") == [(2,)]
    assert main(["check", "--json", str(path)]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert (report["rows_read"], report["rows_accepted"], report["rows_skipped"]) == (7, 2, 5)
    assert report["rows_skipped_by_reason"] == {"dong_chi_cot_thua": 2, "dong_trong": 2, "dong_tong_cong": 1}
    assert main(["check", str(path)]) == 0
    assert ("5 dòng bỏ qua / rows skipped (2 chỉ có cột ngoài quy ước / only extra columns, 2 dòng trống / blank, "
            "1 dòng tổng cộng / totals)") in capsys.readouterr().out


def test_a_blank_row_inside_an_xlsx_is_counted(build, inbox):
    import xlsxwriter

    path = inbox / f"ho_so_{PERIOD}.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, headers("ho_so", "vi"))
    ws.write_row(1, 0, list(dossier("HS-1").values()))
    ws.write_row(3, 0, list(dossier("HS-2").values()))  # row 3 left empty
    ws.write(4, 30, "ghi chú ngoài bảng")  # column AE, outside the table
    wb.close()
    result = load(build, path)
    assert (result.rows_loaded, result.rows_skipped) == (2, 2)
    assert build.execute('SELECT "row", reason FROM meta.skipped_rows ORDER BY 1').fetchall() == [
        (3, "dong_trong"), (5, "dong_chi_cot_thua")]


# --- One reading of a file's name ----------------------------------------------------------------

def test_check_reads_an_upper_case_name_as_refresh_does(inbox, capsys):
    """`cchc check HO_SO_2026-10.CSV` raised a traceback while refresh accepted the name."""
    write_reference(inbox)
    write_csv(inbox / "HO_SO_2025-10.CSV", "ho_so", [dossier("HS-1")])
    files = [str(inbox / n) for n in ("don_vi.csv", "danh_muc_tthc.csv", "HO_SO_2025-10.CSV")]
    assert main(["check", "--json", *files]) == 0
    captured = capsys.readouterr()
    no_traceback(captured.err)
    report = {r["kind"]: r for r in json.loads(captured.out)}["ho_so"]
    assert (report["status"], report["period"], report["rows_accepted"]) == ("ok", PERIOD, 1)
    assert [(f.path.name, f.kind, f.period) for f in scan(inbox) if f.period] == [("HO_SO_2025-10.CSV", "ho_so", PERIOD)]


def future_month() -> str:
    return f"{dt.date.today().year + 5}-01"


def test_a_month_after_the_current_one_gets_its_own_message(inbox, capsys):
    """It was told to set CCHC_FIRST_MONTH, which is about months before the first one."""
    write_reference(inbox)
    write_month(inbox, PERIOD, [dossier("HS-1")])
    name = f"ho_so_{future_month()}.csv"
    write_csv(inbox / name, "ho_so", [dossier("HS-2")])
    with pytest.raises(InputError) as err:
        refresh(inbox)
    assert err.value.file == name and "CCHC_FIRST_MONTH" not in str(err.value)
    assert f"ghi kỳ {future_month()}, sau tháng hiện tại" in err.value.vi and "chưa diễn ra" in err.value.vi
    assert "has not happened yet" in err.value.en
    assert main(["check", str(inbox / name)]) == 1  # check says the same
    out = capsys.readouterr().out
    assert f"{name}: BỊ TỪ CHỐI / rejected" in out and "chưa diễn ra" in out


def test_check_and_refresh_refuse_an_impossible_month_alike(inbox):
    (inbox / "ho_so_2025-13.csv").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as err:
        scan(inbox)
    [report] = check_files([inbox / "ho_so_2025-13.csv"])
    assert report["status"] == "rejected" and report["error_vi"] == err.value.vi


def test_normal_files_read_as_before(inbox):
    """The bounds at their defaults leave ordinary files alone, XLSX with title and totals rows
    included."""
    month_xlsx(inbox)
    rf = read_export(inbox / f"ho_so_{PERIOD}.xlsx", "ho_so")
    assert (rf.frame.height, [s[1] for s in rf.skipped], rf.header_row) == (2, ["dong_tong_cong"], 4)
    path = write_csv(inbox / f"thanh_toan_{PERIOD}.csv", "thanh_toan",
                     [("GD-1", "HS-1", "1.250.000", "truc_tuyen", "dvcqg", "thanh_cong", "02/10/2025 10:00:00")])
    assert read_export(path, "thanh_toan").frame.height == 1
