"""The state of a dossier at each period's end (indicators.md, "Dossier classification"), worked by
hand, through a real refresh: the spec's three worked cases and the cases around them, in
`cchc kpis`, `cchc explain --dossier` and the periodic report table (`cchc report`).

Replaces the rule the product had before the spec was amended, where only a dossier's final state
counted: a supplement request pending on 28/02 and completed later made the dossier late in
February, and one withdrawn while a request was pending was judged at the withdrawal."""

import csv
import io

import openpyxl
import pytest
from inbox_builder import CATALOG, UNITS, dossier, query, write_csv, write_month

from pipelines.cli import main
from pipelines.refresh import refresh

FEB, MAR = "2026-02", "2026-03"
# Sở Xây dựng, procedure 1.001, online (kenh 2). Received in February, due 27/02 unless stated.
BASE = dict(ngay_nop="02/02/2026 08:00:00", ngay_tiep_nhan="02/02/2026 09:00:00", ngay_hen_tra="27/02/2026 17:00:00",
            ngay_tra=None, danh_gia=None, ngay_cap_nhat="28/02/2026 18:00:00")
PENDING = dict(BASE, trang_thai="5", ngay_ket_thuc=None, so_lan_bo_sung="1")
FEBRUARY = [  # the month-end snapshot of each dossier, as February's file holds it
    dossier("W1", FEB, **dict(PENDING, ngay_yeu_cau_bo_sung="26/02/2026 10:00:00")),
    dossier("W2", FEB, **dict(PENDING, ngay_yeu_cau_bo_sung="20/02/2026 10:00:00")),
    dossier("W3", FEB, **dict(BASE, trang_thai="4", ngay_ket_thuc=None, so_lan_bo_sung="1",
                              ngay_yeu_cau_bo_sung="10/02/2026 10:00:00", ngay_hoan_thanh_bo_sung="12/02/2026 10:00:00",
                              gio_bo_sung="48")),
    dossier("W4", FEB, **dict(PENDING, ngay_hen_tra="20/02/2026 17:00:00", ngay_yeu_cau_bo_sung="25/02/2026 10:00:00")),
    dossier("W5", FEB, **dict(BASE, trang_thai="4", ngay_ket_thuc=None, so_lan_bo_sung="1",
                              ngay_yeu_cau_bo_sung="05/02/2026 10:00:00", ngay_hoan_thanh_bo_sung="07/02/2026 10:00:00",
                              gio_bo_sung="48")),
    dossier("W6", FEB, **dict(BASE, trang_thai="10", ngay_ket_thuc="20/02/2026 10:00:00",
                              ngay_tra="20/02/2026 15:00:00", so_lan_bo_sung="2",
                              ngay_yeu_cau_bo_sung="10/02/2026 10:00:00", ngay_hoan_thanh_bo_sung="11/02/2026 10:00:00",
                              gio_bo_sung="24", danh_gia="hài lòng")),
]
# Edges, in the commune 05977 (procedure 1.002), received 02/02 and due 27/02:
COMMUNE = dict(BASE, ma_don_vi="05977", ma_tthc="1.002", so_lan_bo_sung="1")
EDGES = [
    # requested at 23:59 on 28/02, completed at 00:00 on 1/03: still waiting when February ended, and
    # judged at 28/02 (late); resolved 02/03: late in March too
    dossier("E1", FEB, **dict(COMMUNE, trang_thai="10", ngay_ket_thuc="02/03/2026 10:00:00",
                              ngay_tra="02/03/2026 15:00:00", ngay_yeu_cau_bo_sung="28/02/2026 23:59:00",
                              ngay_hoan_thanh_bo_sung="01/03/2026 00:00:00", gio_bo_sung="0.02")),
    # a completion earlier than the latest request is an earlier cycle's: the request is pending. Stopped
    # (status 8) on 10/03 while pending: judged at 20/02 less the 24 h completed before: on time in
    # February, out of March's scope
    dossier("E2", FEB, **dict(COMMUNE, trang_thai="8", ngay_ket_thuc="10/03/2026 10:00:00",
                              ngay_yeu_cau_bo_sung="20/02/2026 10:00:00", ngay_hoan_thanh_bo_sung="15/02/2026 10:00:00",
                              gio_bo_sung="24")),
    # processed (10) on 25/02 with a request never completed: finished, judged at its end: on time
    dossier("E3", FEB, **dict(COMMUNE, trang_thai="10", ngay_ket_thuc="25/02/2026 10:00:00",
                              ngay_tra="25/02/2026 15:00:00", ngay_yeu_cau_bo_sung="10/02/2026 10:00:00")),
    # open, with 24 hours of supplements completed 05/02: the last moment of 28/02 less 24 h is 27/02:
    # within time; with 23.9 hours it is still 28/02: late. Both open and late at the end of March.
    dossier("E4", FEB, **dict(COMMUNE, trang_thai="4", ngay_ket_thuc=None, ngay_yeu_cau_bo_sung="03/02/2026 10:00:00",
                              ngay_hoan_thanh_bo_sung="05/02/2026 10:00:00", gio_bo_sung="24")),
    dossier("E5", FEB, **dict(COMMUNE, trang_thai="4", ngay_ket_thuc=None, ngay_yeu_cau_bo_sung="03/02/2026 10:00:00",
                              ngay_hoan_thanh_bo_sung="05/02/2026 10:00:00", gio_bo_sung="23.9")),
]
MARCH = [  # the same dossiers as they stand at the end of March: the latest row wins
    # spec case 1: requested 26/02, completed 03/03 (S = 5 days), resolved 10/03
    dossier("W1", MAR, **dict(BASE, trang_thai="10", ngay_ket_thuc="10/03/2026 10:00:00", ngay_tra="10/03/2026 15:00:00",
                              so_lan_bo_sung="1", ngay_yeu_cau_bo_sung="26/02/2026 10:00:00",
                              ngay_hoan_thanh_bo_sung="03/03/2026 10:00:00", gio_bo_sung="120",
                              ngay_cap_nhat="10/03/2026 15:00:00")),
    # spec case 2: requested 20/02, never completed, withdrawn 15/03
    dossier("W2", MAR, **dict(PENDING, trang_thai="7", ngay_ket_thuc="15/03/2026 10:00:00",
                              ngay_yeu_cau_bo_sung="20/02/2026 10:00:00", ngay_cap_nhat="15/03/2026 10:00:00")),
    # spec case 3: requested 10/02, completed 12/02 (S = 48 h); resolved 02/03
    dossier("W3", MAR, **dict(BASE, trang_thai="10", ngay_ket_thuc="02/03/2026 10:00:00", ngay_tra="02/03/2026 15:00:00",
                              so_lan_bo_sung="1", ngay_yeu_cau_bo_sung="10/02/2026 10:00:00",
                              ngay_hoan_thanh_bo_sung="12/02/2026 10:00:00", gio_bo_sung="48",
                              ngay_cap_nhat="02/03/2026 15:00:00")),
    # requested 25/02, after its due date 20/02, withdrawn 05/03 while pending: late, at the request
    dossier("W4", MAR, **dict(PENDING, trang_thai="7", ngay_ket_thuc="05/03/2026 10:00:00",
                              ngay_hen_tra="20/02/2026 17:00:00", ngay_yeu_cau_bo_sung="25/02/2026 10:00:00",
                              ngay_cap_nhat="05/03/2026 10:00:00")),
    # supplement completed 07/02 (48 h), withdrawn 03/03 with no request pending: judged at 03/03
    dossier("W5", MAR, **dict(BASE, trang_thai="7", ngay_ket_thuc="03/03/2026 10:00:00", so_lan_bo_sung="1",
                              ngay_yeu_cau_bo_sung="05/02/2026 10:00:00", ngay_hoan_thanh_bo_sung="07/02/2026 10:00:00",
                              gio_bo_sung="48", ngay_cap_nhat="03/03/2026 10:00:00")),
]
# By hand, end of February (28/02):
#   W1 stopped (28/02 in [26/02, 03/03)), T = 26/02, S = 0 (completed after T): on time.
#   W2 stopped, T = 20/02: on time.
#   W3 open, A = 28/02 − 48 h = 26/02 ≤ 27/02: within time.
#   W4 stopped, T = 25/02 > 20/02: late.
#   W5 open (its supplement was completed 07/02), A = 26/02: within time.
#   W6 finished 20/02, S = 24 h: A = 19/02 < 27/02, early by its dates, but two requests: late.
# End of March (31/03): W1 finished 10/03, A = 10/03 − 5 days = 05/03: late. W2 stopped at 20/02 < 1/03:
#   out of scope. W3 finished 02/03, A = 28/02: late. W4 stopped at 25/02: out of scope. W5 withdrawn
#   03/03 (finished), A = 01/03: late. W6 ended 20/02: out of scope.
# Quarter 1 (1/01-31/03): W1 late, W2 stopped at 20/02 on time, W3 late, W4 stopped late, W5 late, W6 late.
EXPECTED = {
    (FEB, "on_time_rate"): (4, 6), (FEB, "resolved_on_time_rate"): (0, 1), (FEB, "late_apology_rate"): (0, 2),
    (MAR, "on_time_rate"): (0, 3), (MAR, "resolved_on_time_rate"): (0, 2), (MAR, "late_apology_rate"): (0, 3),
    ("2026-Q1", "on_time_rate"): (1, 6), ("2026-Q1", "resolved_on_time_rate"): (0, 3),
}
# The edges, in 05977: February in scope E1 (stopped, late), E2 (stopped, on time), E3 (finished, on
# time), E4 (open, within time), E5 (open, late); March: E1 (finished 02/03, late), E4 and E5 (open, late).
EDGE_EXPECTED = {(FEB, "on_time_rate"): (3, 5), (FEB, "resolved_on_time_rate"): (1, 1), (MAR, "on_time_rate"): (0, 3)}
# The report table by hand: c3 … c15 (kenh 2 for all; all received in February).
REPORT = {
    FEB: dict(c3=6, c4=6, c5=0, c6=0, c7=1, c8=1, c9=0, c10=0, c11=2, c12=2, c13=0, c14=3, c15=0),  # W6 early by dates
    MAR: dict(c3=3, c4=0, c5=0, c6=3, c7=2, c8=0, c9=0, c10=2, c11=0, c12=0, c13=0, c14=0, c15=1),
}


def publish(root, settings: str = ""):
    inbox = root / "inbox"
    inbox.mkdir()
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, FEB, FEBRUARY + EDGES)
    write_month(inbox, MAR, MARCH)
    if settings:
        (root / "home").mkdir(parents=True, exist_ok=True)
        (root / "home" / "config.toml").write_text(settings, encoding="utf-8")
    refresh(inbox)
    return root / "home"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCHC_HOME", str(root / "home"))
        mp.setenv("DAGSTER_HOME", str(root / "home" / "dagster"))
        mp.delenv("CCHC_CONFIG", raising=False)
        yield publish(root)


def counts(home, period, indicator, scope_code="SXD"):
    return query(home / "warehouse" / "serving.duckdb", "SELECT numerator, denominator FROM kpi.scorecard "
                 "WHERE period = ? AND scope_code = ? AND indicator = ?", [period, scope_code, indicator])[0]


@pytest.mark.parametrize("period, indicator", list(EXPECTED), ids=[f"{p}-{i}" for p, i in EXPECTED])
def test_worked_cases_in_the_indicators(published, period, indicator):
    assert counts(published, period, indicator) == EXPECTED[(period, indicator)]


@pytest.mark.parametrize("period, indicator", list(EDGE_EXPECTED), ids=[f"{p}-{i}" for p, i in EDGE_EXPECTED])
def test_edges_of_the_supplement_window(published, period, indicator):
    assert counts(published, period, indicator, "05977") == EDGE_EXPECTED[(period, indicator)]


def test_worked_cases_in_cchc_kpis(published, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["kpis", "--period", FEB, "--scope", "unit"]) == 0
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["scope_code"] == "SXD"}
    assert (rows["on_time_rate"]["numerator"], rows["on_time_rate"]["denominator"]) == ("4", "6")


@pytest.mark.parametrize("code, period, state, verdict, words", [
    ("W1", FEB, "stopped", "ĐÚNG HẠN", "chờ công dân bổ sung"),
    ("W1", MAR, "finished", "TRỄ HẠN", "trừ 120 giờ"),
    ("W2", FEB, "stopped", "ĐÚNG HẠN", "20/02/2026 10:00"),
    ("W3", FEB, "open", "ĐÚNG HẠN", "trừ 48 giờ"),
    ("W4", FEB, "stopped", "TRỄ HẠN", "đến hết kỳ đang chờ công dân bổ sung"),
    ("W4", "2026-Q1", "stopped", "TRỄ HẠN", "rút hồ sơ lúc 05/03/2026 10:00 khi đang chờ bổ sung"),
    ("W6", FEB, "finished", "TRỄ HẠN", "yêu cầu bổ sung 2 lần"),
    ("E4", FEB, "open", "ĐÚNG HẠN", "trừ 24 giờ chờ bổ sung đã hoàn thành lúc 05/02/2026 10:00; tính đến 27/02/2026"),
])
def test_explain_gives_the_state_at_the_period_end_and_why(published, capsys, monkeypatch, code, period, state,
                                                           verdict, words):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["explain", "--period", period, "--dossier", code]) == 0
    vi, en = capsys.readouterr().out.splitlines()
    assert words in vi and vi.endswith(f"Kết luận: {verdict}.")
    assert f"{code}, {period}: {state}" in en
    assert main(["explain", "--period", period, "--dossier", code, "--format", "json"]) == 0
    assert f'"state": "{state}"' in capsys.readouterr().out


def test_explain_says_why_a_dossier_is_not_in_the_period(published, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["explain", "--period", MAR, "--dossier", "W2"]) == 0
    vi, en = capsys.readouterr().out.splitlines()
    assert "không được tính trong kỳ 2026-03" in vi and "20/02/2026 10:00" in vi  # stopped at its request
    assert main(["explain", "--period", MAR, "--dossier", "NOPE"]) == 2
    assert "Không có hồ sơ «NOPE»" in capsys.readouterr().err


def test_the_explained_rows_carry_the_state(published, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["explain", "--period", FEB, "--unit", "SXD", "--indicator", "on_time_rate"]) == 0
    rows = {r["ma_ho_so"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert {k: r["state"] for k, r in rows.items()} == {"W1": "stopped", "W2": "stopped", "W3": "open", "W4": "stopped",
                                                        "W5": "open", "W6": "finished"}
    assert rows["W3"]["hours_taken_off"] == "48.0" and rows["W1"]["hours_taken_off"] == "0.0"


@pytest.mark.parametrize("period", [FEB, MAR])
def test_the_report_table_by_field_as_csv(published, capsys, monkeypatch, period):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["report", "--period", period, "--unit", "SXD", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["ma"] for r in rows] == ["XD", "total"]
    for row in rows:
        assert {k: int(v) for k, v in row.items() if k.startswith("c")} == REPORT[period]


def test_the_report_table_by_unit_has_every_unit_and_a_total(published, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["report", "--period", FEB, "--format", "csv"]) == 0
    rows = {r["ma"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert set(rows) == {"H39", "SXD", "05977", "total"}  # the units valid in February 2026 (no dossier: zeros)
    assert int(rows["total"]["c3"]) == 11 and int(rows["H39"]["c3"]) == 0 and int(rows["05977"]["c14"]) == 2
    for row in rows.values():  # every row balances
        c = {k: int(v) for k, v in row.items() if k.startswith("c")}
        assert c["c3"] == c["c4"] + c["c5"] + c["c6"] == c["c7"] + c["c11"] + c["c14"] + c["c15"]


def read_xlsx(path):
    ws = openpyxl.load_workbook(path).active
    return ws, [list(row) for row in ws.iter_rows(values_only=True)]


def test_the_report_table_as_the_form_in_xlsx(published, tmp_path, monkeypatch):
    monkeypatch.setenv("CCHC_HOME", str(published))
    out = tmp_path / "bieu.xlsx"
    assert main(["report", "--period", FEB, "--unit", "SXD", "--format", "xlsx", "--out", str(out)]) == 0
    ws, cells = read_xlsx(out)
    text = " ".join(str(c) for row in cells for c in row if c is not None)
    assert "Kỳ báo cáo: Từ ngày 01/02/2026 đến ngày 28/02/2026" in text and "Đơn vị tính: Số hồ sơ TTHC" in text
    numbers = next(i for i, row in enumerate(cells) if row[0] == "(1)")
    assert list(cells[numbers]) == [f"({i})" for i in range(1, 16)]
    assert "Số hồ sơ chờ bổ sung" in cells[numbers - 2] and "Trước hạn" in cells[numbers - 1]
    assert any(str(r) for r in ws.merged_cells.ranges)
    assert "Đơn vị báo cáo: Sở Xây dựng" in text and "Đơn vị nhận báo cáo: UBND tỉnh Lạng Sơn" in text
    total = next(row for row in cells if row[1] == "Tổng cộng")
    assert total[2:] == list(REPORT[FEB].values())  # numbers as numbers
    assert "2 lần" in text  # the note on the two-supplement rule
    assert main(["report", "--period", FEB, "--format", "xlsx", "--out", str(out)]) == 0  # by unit
    _, cells = read_xlsx(out)
    labels = [row[1] for row in cells]
    assert labels.index("Cấp tỉnh") < labels.index("Sở Xây dựng (SXD)") < labels.index("Cấp xã") \
        < labels.index("Phường Đông Kinh (05977)") < labels.index("Tổng cộng")  # subtotals lead their units
    subtotal = cells[labels.index("Cấp xã")]
    assert subtotal[0] is None and subtotal[2] == 5 and cells[labels.index("Tổng cộng")][2] == 11


def test_the_report_reconciliation_reads_every_touched_month(published):
    rows = query(published / "warehouse" / "build.duckdb", "SELECT period, balanced FROM staging.report_reconciliation "
                 "ORDER BY period")
    assert rows == [(FEB, True), (MAR, True)]


def test_a_source_that_moves_the_due_date_takes_no_hours_off(tmp_path, monkeypatch):
    """W3 and W5 at the end of February: 28/02 against 27/02 without their 48 hours taken off: late;
    W1 and W2 stay on time (judged at their requests, with nothing taken off anyway)."""
    monkeypatch.setenv("CCHC_HOME", str(tmp_path / "home"))
    home = publish(tmp_path, "[indicators]\nsupplement_moves_due_date = true\n")
    assert counts(home, FEB, "on_time_rate") == (2, 6)
    assert counts(home, MAR, "on_time_rate") == (0, 3)  # W1 10/03, W3 02/03, W5 03/03: all after 27/02


@pytest.mark.parametrize("window, start, end", [("21-20", "2026-01-21", "2026-02-20"), ("2-1", "2026-01-02", "2026-02-01")])
def test_the_reporting_window_cut_off_day(tmp_path, monkeypatch, window, start, end):
    monkeypatch.setenv("CCHC_HOME", str(tmp_path / "home"))
    home = publish(tmp_path, f'[indicators]\nreporting_window = "{window}"\n')
    assert query(home / "warehouse" / "serving.duckdb", "SELECT CAST(start_date AS VARCHAR), CAST(end_date AS VARCHAR) "
                 "FROM kpi.periods WHERE period = ?", [FEB]) == [(start, end)]


@pytest.mark.parametrize("window", ["22-20", "1-0", "29-28", "15"])
def test_a_cut_off_day_outside_2_to_28_is_refused(tmp_path, monkeypatch, window):
    from pipelines import config
    from pipelines.errors import InputError

    monkeypatch.setenv("CCHC_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text(f'[indicators]\nreporting_window = "{window}"\n', encoding="utf-8")
    with pytest.raises(InputError, match="reporting_window"):
        config.load()


def test_the_report_table_of_an_unknown_unit_or_period_says_so(published, capsys, monkeypatch):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["report", "--period", FEB, "--unit", "NOPE", "--format", "csv"]) == 2
    assert "Không có đơn vị «NOPE»" in capsys.readouterr().err
    assert main(["report", "--period", "2031-01", "--format", "csv"]) == 2
    assert "Không có kỳ «2031-01»" in capsys.readouterr().err
