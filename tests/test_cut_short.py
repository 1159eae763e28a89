"""A monthly file far smaller than the months before it, or with a header only, or whose last
line stops mid-way, is held back with the rule named (a truncated export published 4,876 dossiers
instead of 5,000 without a word; a header-only re-export emptied its month): the last published
numbers stay, and the whole file then loads."""

import hashlib

import pytest
from inbox_builder import dossier, query, write_csv, write_month, write_reference

from pipelines.refresh import RefreshFailed, refresh
from pipelines.settings import home
from pipelines.validate.check import check_files

MONTHS = ["2025-07", "2025-08", "2025-09", "2025-10"]


def month(period: str, n: int = 30) -> list[dict]:
    return [dossier(f"HS-{period}-{i:03d}", month=period) for i in range(n)]


@pytest.fixture
def four_months(inbox):
    write_reference(inbox)
    for period in MONTHS:
        write_month(inbox, period, month(period))
    refresh(inbox)
    return inbox


def published():
    return (hashlib.sha256(home().serving_db.read_bytes()).hexdigest(),
            query(home().serving_db, "SELECT _period, count(*) FROM core.fct_ho_so GROUP BY ALL ORDER BY ALL"))


def held_back(inbox, file_name: str, *expected: str) -> str:
    """The refresh fails naming the file, the rule and `expected` (Vietnamese and English), and
    nothing published changes."""
    before = published()
    with pytest.raises(RefreshFailed) as err:
        refresh(inbox)
    message = str(err.value)
    assert file_name in message and "Tệp bị giữ lại" in message and "File held back" in message
    for text in expected:
        assert text in message
    assert published() == before
    return message


def set_min_rows_share(share: float) -> None:
    (home().root / "config.toml").write_text(f"[validation]\nmin_rows_share = {share}\n", encoding="utf-8")


def test_a_month_cut_short_is_held_back(four_months):
    write_csv(four_months / "ho_so_2025-11.csv", "ho_so", month("2025-11", 14))
    held_back(four_months, "ho_so_2025-11.csv", "file_cut_short", "14 dòng, ít hơn 50% trung vị 30 dòng của các kỳ "
              "2025-08, 2025-09, 2025-10", "14 rows, fewer than 50% of the median 30 rows")
    write_csv(four_months / "ho_so_2025-11.csv", "ho_so", month("2025-11", 15))  # half is not cut short
    refresh(four_months)
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so WHERE _period = '2025-11'") == [(15,)]


def test_a_header_only_reexport_does_not_empty_its_month(four_months):
    write_csv(four_months / "ho_so_2025-09.csv", "ho_so", [])
    held_back(four_months, "ho_so_2025-09.csv", "file_no_rows", "không có dòng dữ liệu nào",
              "the median of 2025-07, 2025-08: 30 rows")  # the months before it, not the latest
    set_min_rows_share(0)  # a month that truly was empty: the steward says so
    refresh(four_months)
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so WHERE _period = '2025-09'") == [(0,)]


def test_the_first_month_is_compared_with_the_version_it_replaces(four_months):
    write_csv(four_months / "ho_so_2025-07.csv", "ho_so", month("2025-07", 10))
    held_back(four_months, "ho_so_2025-07.csv", "file_cut_short", "bản đã nạp của kỳ 2025-07",
              "the loaded version of 2025-07")
    write_csv(four_months / "ho_so_2025-07.csv", "ho_so", month("2025-07", 31))
    refresh(four_months)


def test_a_history_loaded_at_once_is_judged_month_by_month(inbox):
    """In a new warehouse every month arrives in one batch: the months before a file are its batch's.
    The first file of its kind has nothing to be compared with; months of under 20 rows are too
    small to tell a cut from a quiet month (a month of 1 payment, then none)."""
    write_reference(inbox)
    write_month(inbox, "2025-06", month("2025-06", 3), payments=[
        ("GD-1", "HS-2025-06-000", "100000", "truc_tuyen", "dvcqg", "thanh_cong", "02/06/2025 10:00:00")])
    for period in MONTHS:
        write_month(inbox, period, month(period, 12 if period == "2025-09" else 30))
    with pytest.raises(RefreshFailed, match="ho_so_2025-09.csv") as err:
        refresh(inbox)
    assert "12 dòng, ít hơn 50% trung vị 30 dòng của các kỳ 2025-06, 2025-07, 2025-08" in str(err.value)  # 3, 30, 30
    assert not home().serving_db.exists()
    write_csv(inbox / "ho_so_2025-09.csv", "ho_so", month("2025-09"))
    refresh(inbox)
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so") == [(123,)]


def test_a_last_line_cut_mid_way_is_held_back(four_months):
    path = four_months / "ho_so_2025-11.csv"
    write_csv(path, "ho_so", month("2025-11"))
    whole = path.read_bytes()
    cut = whole[:whole.rindex(b",SXD,2,1,") + len(b",SXD,2")]  # after the channel: the rest of the line is lost
    path.write_bytes(cut)
    held_back(four_months, "ho_so_2025-11.csv", "file_last_line_cut", "bị cắt ngang", "fields and no line break")
    path.write_bytes(whole.rstrip(b"\n"))  # whole, without a line break at the end: fine
    refresh(four_months)
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so WHERE _period = '2025-11'") == [(30,)]


@pytest.mark.parametrize("kept", [b",21/11/2025 1", b",2"], ids=["mid-time", "mid-date"])
def test_a_last_line_cut_in_its_last_field_is_held_back(four_months, kept):
    """The cut fell in the last field: every field is there, the last does not read. One
    quarantined row would hide the rows lost after it. (A cut just after the last separator leaves
    that field empty, which an optional column may be: not told apart.)"""
    path = four_months / "ho_so_2025-11.csv"
    write_csv(path, "ho_so", month("2025-11"))
    whole = path.read_bytes()
    last = whole.rindex(b",21/11/2025 10:00:00")
    path.write_bytes(whole[:last] + kept)
    message = held_back(four_months, "ho_so_2025-11.csv", "file_last_line_cut", "ô cuối", "its last field")
    assert f'"{kept[1:].decode()}"' in message


@pytest.mark.parametrize("bad", [{"ngay_nop": "32/13/2025"}, {"ma_tthc": None, "ngay_cap_nhat": None}],
                         ids=["bad-date", "empty-required-and-empty-last"])
def test_a_bad_last_value_elsewhere_in_an_unbroken_file_is_one_quarantined_row(four_months, bad):
    """Without a line break at the end, a last row whose other field breaks a rule is that row's
    fault, not a cut, even when its last field is empty too: quarantined, the rest loads."""
    path = four_months / "ho_so_2025-11.csv"
    write_csv(path, "ho_so", [*month("2025-11", 29), dossier("HS-2025-11-BAD", month="2025-11", **bad)])
    path.write_bytes(path.read_bytes().rstrip(b"\r\n"))
    refresh(four_months)
    assert query(home().serving_db, "SELECT count(*) FROM core.fct_ho_so WHERE _period = '2025-11'") == [(29,)]


def test_a_cut_utf16_file_is_caught_too(four_months):
    path = four_months / "ho_so_2025-11.csv"
    write_csv(path, "ho_so", month("2025-11"), encoding="utf-16", sep="\t")
    text = path.read_bytes()
    path.write_bytes(text[:len(text) - 120])
    held_back(four_months, "ho_so_2025-11.csv", "file_last_line_cut")


def test_check_tells_a_cut_file_against_the_published_months(four_months, tmp_path):
    draft = tmp_path / "draft"
    draft.mkdir()
    write_csv(draft / "ho_so_2025-11.csv", "ho_so", month("2025-11", 5))
    [report] = check_files([draft / "ho_so_2025-11.csv"])
    assert report["status"] == "held_back" and "file_cut_short" in report["error_vi"]
    write_csv(draft / "ho_so_2025-11.csv", "ho_so", month("2025-11", 25))
    assert check_files([draft / "ho_so_2025-11.csv"])[0]["status"] == "ok"
