"""Plausibility at the door (issue 22): event dates far before the first month or after the day the
file is read, control characters in codes (and in names, which are cleaned), amounts above the
ceiling or written in scientific notation. Each rule is a GX expectation whose bound comes from the
settings at run time; a refresh and `cchc check` give the same verdicts."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from inbox_builder import CATALOG, UNITS, dossier, query, write_csv, write_month, write_reference

from pipelines.config import config_path
from pipelines.contract import FILES, event_dates
from pipelines.db import connect
from pipelines.refresh import refresh
from pipelines.settings import home
from pipelines.validate.check import check_files
from pipelines.validate.rows import control_characters, plausibility, suite_spec

PAYMENT = ("GD-1", "HS-00", "1.250.000", "truc_tuyen", "dvcqg", "thanh_cong", "02/10/2025 10:00:00")
DOCUMENT = ("HS-00", "G1", "thanh_phan", "1", "0", "1", "0", "01/10/2025 09:30:00")
TODAY = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the day the file is read, in Vietnam


def day(offset: int, time: str = "00:00:00") -> str:
    """The day `offset` days after today, as an export writes it."""
    return f"{TODAY + dt.timedelta(days=offset):%d/%m/%Y} {time}"


def settings(**validation) -> None:
    """What a steward writes in $CCHC_HOME/config.toml, with no hold-back share: these files are
    small, and a few bad rows are far above 5%."""
    values = {"max_quarantine_share": 1} | validation
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[validation]\n" + "".join(f"{k} = {v}\n" for k, v in values.items()), encoding="utf-8")


def rows_of(sql, params=None):
    return query(home().build_db, sql, params)


def good(n: int) -> list[dict]:
    return [dossier(f"HS-{i:02d}") for i in range(n)]


def issues(kind: str | None = None) -> set[tuple]:
    """(kind, row, column, value, rule, severity) of meta.quarantine."""
    where = f"WHERE kind = '{kind}'" if kind else ""
    return set(rows_of(f'SELECT kind, "row", "column", "value", rule, severity FROM meta.quarantine {where}'))


# --- the suites follow the contract --------------------------------------------------------------

def test_every_code_and_event_date_has_its_rule():
    """One place per rule: the suite. Every code of the contract is checked for control characters,
    every event date of a monthly export (not the due dates) against both bounds, the amount against
    its ceiling; the bounds are parameters the settings give at run time."""
    for kind, spec in FILES.items():
        expectations = suite_spec(kind)["expectations"]
        by_rule = {}
        for e in expectations:
            by_rule.setdefault(e["meta"]["rule"], []).append(e)
        codes = [c.name for c in spec.columns if c.kind == "code"]
        checked = sorted(e["kwargs"]["column"] for e in by_rule["control_characters"])
        assert checked == sorted(f"{c}__control" for c in codes)
        dates = event_dates(kind) if spec.monthly else []
        for rule, bound, parameter in (("date_too_old", "min_value", "oldest_date"),
                                       ("date_in_future", "max_value", "latest_date")):
            found = by_rule.get(rule, [])
            assert sorted(e["kwargs"]["column"] for e in found) == sorted(f"{c}__day" for c in dates)
            assert all(e["kwargs"][bound] == {"$PARAMETER": parameter} and e["severity"] == "critical" for e in found)
        for e in expectations:
            assert e["meta"]["vi"] and e["meta"]["en"]
    assert "ngay_hen_tra" not in event_dates("ho_so") and "ngay_hen_tra_moi" not in event_dates("ho_so")
    [amount] = [e for e in suite_spec("thanh_toan")["expectations"] if e["meta"]["rule"] == "amount_too_large"]
    assert amount["kwargs"] == {"column": "so_tien", "max_value": {"$PARAMETER": "max_amount_vnd"}}


def test_the_bounds_come_from_the_settings_and_the_first_month(monkeypatch):
    """Defaults: first month 2024-01, 24 months before it, tomorrow, 10 billion đồng."""
    bounds = plausibility()
    assert bounds["oldest_date"] == dt.datetime(2022, 1, 1)
    assert bounds["latest_date"] == dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time())
    assert bounds["max_amount_vnd"] == 10_000_000_000
    monkeypatch.setenv("CCHC_FIRST_MONTH", "2025-03")
    settings(oldest_date_months=14, future_date_days=0, max_amount_vnd=5_000_000)
    bounds = plausibility()
    assert bounds["oldest_date"] == dt.datetime(2024, 1, 1)  # 14 months before March 2025
    assert bounds["latest_date"] == dt.datetime.combine(TODAY, dt.time())
    assert bounds["max_amount_vnd"] == 5_000_000


def test_money_forms(build):
    """`1e9` is how a spreadsheet rounds, not how a system writes đồng: no number but the
    contract's forms (and Excel's 1250000.0) is read as money."""
    forms = {"1250000": 1250000, "1.250.000": 1250000, "1,250,000": 1250000, "1250000.0": 1250000,
             "1.250.000 đ": 1250000, "-20.000": -20000, "10000000001": 10000000001,
             "1e9": None, "1E+09": None, "1,23457E+09": None, "1_000": None, "+1000": None, "inf": None,
             "NaN": None, "1250000.5": None, "0x10": None}
    got = dict(build.execute("SELECT x, parse_money(x) FROM unnest(?) t(x)", [list(forms)]).fetchall())
    assert got == forms


def test_control_characters_are_named_and_names_cleaned(build):
    """The steward cannot see them, so the message names them; a name loses them (a run: one space)."""
    texts = ["HS-1\x00", "a\tb", "x\r\n\ny", "c\x85", "Sở Nội vụ", "\x00", "d\x7f", "e\xa0"]
    assert [control_characters(t) for t in texts] == [
        "U+0000 (NUL)", "U+0009 (TAB)", "U+000A (LF), U+000D (CR)", "U+0085", "", "U+0000 (NUL)", "U+007F", ""]
    cleaned = build.execute("SELECT clean_name(x) FROM unnest(?) WITH ORDINALITY t(x, i) ORDER BY i",
                            [texts]).fetchall()
    assert cleaned == [("HS-1",), ("a b",), ("x y",), ("c",), ("Sở Nội vụ",), (None,), ("d",), ("e\xa0",)]
    assert build.execute("SELECT clean_note('một' || chr(10) || 'hai' || chr(9) || chr(0) || 'ba')").fetchone() == (
        "một\nhai\tba",)


# --- the issue's cases ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dossiers_received_on_1_1_1900_are_quarantined(inbox, fmt):
    """Issue 22: 4 dossiers received on 01/01/1900 were accepted, counted in every period since
    2024-01 with negative days late. Now they are date_too_old; 4 of 100 rows stay below the
    hold-back share, so the month loads without them."""
    write_reference(inbox)
    old = dict(ngay_nop="01/01/1900", ngay_tiep_nhan="01/01/1900 08:00:00")
    write_month(inbox, "2025-10", good(96) + [dossier(f"HS-1900-{i}", **old) for i in range(4)],
                payments=[PAYMENT], documents=[DOCUMENT], fmt=fmt)
    refresh(inbox)
    first = 2 if fmt == "csv" else 5  # the XLSX has title rows above its header
    assert issues("ho_so") == {
        ("ho_so", row, c, v, "date_too_old", "critical") for row in range(first + 96, first + 100)
        for c, v in (("ngay_nop", "01/01/1900"), ("ngay_tiep_nhan", "01/01/1900 08:00:00"))}
    [(vi, en)] = rows_of("SELECT DISTINCT message_vi, message_en FROM meta.quarantine WHERE \"column\" = 'ngay_nop'")
    assert vi.startswith("«Ngày nộp» trước ngày 01/01/2022") and "oldest_date_months" in vi
    assert en.startswith("'Ngày nộp' is before 01/01/2022") and "oldest_date_months" in en
    assert rows_of("SELECT count(*), min(ngay_tiep_nhan) >= TIMESTAMP '2025-10-01' FROM staging.ho_so") == [(96, True)]
    [(quarantined, rules)] = rows_of("SELECT rows_quarantined, rules FROM meta.validations WHERE kind = 'ho_so'")
    assert quarantined == 4 and {r["rule"] for r in rules} == {"date_too_old"}
    con = connect(home().serving_db, read_only=True)
    assert con.execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (96,)
    con.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dossier_codes_ending_in_a_nul_byte_are_no_phantom_dossiers(inbox, fmt):
    """Issue 22: dossier codes ending in a NUL byte became 5 phantom dossiers next to the real ones.
    A code with a control character is another code: quarantined, the steward told which
    character (it cannot be seen)."""
    write_reference(inbox)
    write_month(inbox, "2025-10", good(100) + [dossier(f"HS-{i:02d}\x00") for i in range(5)],
                payments=[PAYMENT], documents=[DOCUMENT], fmt=fmt)
    refresh(inbox)
    found = issues("ho_so")
    assert {(c, v, rule, sev) for _, _, c, v, rule, sev in found} == {
        ("ma_ho_so", f"HS-{i:02d}\x00", "control_characters", "critical") for i in range(5)}
    [(vi, en)] = rows_of("SELECT DISTINCT message_vi, message_en FROM meta.quarantine")
    assert "(U+0000 (NUL))" in vi and "(U+0000 (NUL))" in en
    assert rows_of("SELECT count(*), count(DISTINCT ma_ho_so) FROM staging.ho_so") == [(100, 100)]
    con = connect(home().serving_db, read_only=True)
    assert con.execute("SELECT count(*) FROM core.fct_ho_so WHERE contains(ma_ho_so, chr(0))").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (100,)
    con.close()


# --- every rule at its edges, one refresh; `cchc check` agrees ----------------------------------

OLD, EDGE_OLD = "31/12/2021 23:59:59", "01/01/2022 00:00:00"  # the default oldest day: 01/01/2022


def mixed_inbox(inbox: Path) -> dict[str, set]:
    """An inbox with a bad value in every checked column and the values just inside each bound;
    returns what must be quarantined: kind → {(code of the row, column, rule)}."""
    units = UNITS + [("SNV", "Sở Nội vụ\x00", "tinh", "H39", "01/01/2020", None, None),
                     ("SNV2\x00", "Sở Nội vụ 2", "tinh", "H39", "01/01/2020", None, None)]
    catalog = CATALOG + [("1.003", "Thủ tục\r\nmới", "XD", "Xây dựng", "tinh", "SXD", "khong", "0", "0", "5",
                          "ngay_lam_viec")]
    write_csv(inbox / "don_vi.csv", "don_vi", units)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", catalog)
    future = day(2)
    bad_dossiers, expected = [], {"ho_so": set(), "thanh_toan": set(), "so_hoa": set(), "don_vi": set()}
    for c in event_dates("ho_so"):
        for tag, value, rule in (("OLD", OLD, "date_too_old"), ("NEW", future, "date_in_future")):
            code = f"HS-{tag}-{c}"
            bad_dossiers.append(dossier(code, **{c: value}))
            expected["ho_so"].add((code, c, rule))
    bad_dossiers += [
        dossier("HS-Y1", ngay_nop="01/01/0001"), dossier("HS-Y9999", ngay_cap_nhat="31/12/9999 23:59:59"),
        dossier("HS-UTC-OLD", ngay_nop="2021-12-31T16:59:59Z"),  # 23:59:59 in Vietnam
        dossier("HS\tTAB"), dossier("HS\nLF"), dossier("HS\x85NEL"), dossier("HS-DEL\x7f"),
        dossier("HS-TTHC", ma_tthc="1.001\x00"), dossier("HS-DV", ma_don_vi="SXD\x00"),
        dossier("HS-LV", ma_linh_vuc="XD\x00"),
    ]
    expected["ho_so"] |= {("HS-Y1", "ngay_nop", "date_too_old"), ("HS-Y9999", "ngay_cap_nhat", "date_in_future"),
                          ("HS-UTC-OLD", "ngay_nop", "date_too_old"), ("HS\tTAB", "ma_ho_so", "control_characters"),
                          ("HS\nLF", "ma_ho_so", "control_characters"), ("HS\x85NEL", "ma_ho_so", "control_characters"),
                          ("HS-DEL\x7f", "ma_ho_so", "control_characters"),
                          ("HS-TTHC", "ma_tthc", "control_characters"), ("HS-DV", "ma_don_vi", "control_characters"),
                          ("HS-LV", "ma_linh_vuc", "control_characters")}
    passing = [
        dossier("HS-EDGE-OLD", ngay_nop=EDGE_OLD),
        dossier("HS-UTC-EDGE", ngay_nop="2021-12-31T17:00:00Z"),  # 00:00 on 01/01/2022 in Vietnam
        dossier("HS-EDGE-NEW", ngay_cap_nhat=day(1, "23:59:59")),  # tomorrow: within future_date_days = 1
        dossier("HS-DUE", ngay_hen_tra="31/12/2099 17:00:00", co_phieu_xin_loi="1", ngay_hen_tra_moi="01/01/1900"),
        dossier("HS-TRAIL\n"),  # white space at the ends of a cell is trimmed when it is read
        dossier("HS-NAME", ten_tthc="Cấp giấy phép xây dựng\x00", ten_linh_vuc="Xây\r\ndựng"),
        dossier("HS-DV-NAME", ma_don_vi="Sở Xây\ndựng"),  # DonViXuLy with a unit's name: a name, read as SXD
    ]
    payments = [PAYMENT,
                ("GD-OLD", "HS-00", "10000", "tien_mat", None, "thanh_cong", OLD),
                ("GD-NEW", "HS-00", "10000", "tien_mat", None, "thanh_cong", future),
                ("GD-EDGE", "HS-00", "10000", "tien_mat", None, "thanh_cong", EDGE_OLD),
                ("GD-CEIL", "HS-00", "10000000000", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-CEIL-DOTS", "HS-00", "10.000.000.000 đ", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-BIG", "HS-00", "10000000001", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-BIG-DOTS", "HS-00", "10.000.000.001", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-SCI", "HS-00", "1e9", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-SCI-EXCEL", "HS-00", "1,23457E+09", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-FLOAT", "HS-00", "1250000.0", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-NUL\x00", "HS-00", "10000", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                ("GD-HS", "HS-00\x00", "10000", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00")]
    expected["thanh_toan"] = {("GD-OLD", "thoi_diem", "date_too_old"), ("GD-NEW", "thoi_diem", "date_in_future"),
                              ("GD-BIG", "so_tien", "amount_too_large"), ("GD-BIG-DOTS", "so_tien", "amount_too_large"),
                              ("GD-SCI", "so_tien", "type_so_tien"), ("GD-SCI-EXCEL", "so_tien", "type_so_tien"),
                              ("GD-NUL\x00", "ma_giao_dich", "control_characters"),
                              ("GD-HS", "ma_ho_so", "control_characters")}
    documents = [DOCUMENT,
                 ("HS-00", "G-OLD", "thanh_phan", "1", "0", "1", "0", OLD),
                 ("HS-00", "G-NEW", "thanh_phan", "1", "0", "1", "0", future),
                 ("HS-00", "G-EDGE", "thanh_phan", "1", "0", "1", "0", day(1, "23:59:59")),
                 ("HS-00", "G\x1f", "thanh_phan", "1", "0", "1", "0", "01/10/2025 09:30:00"),
                 ("HS-00\x00", "G-HS", "thanh_phan", "1", "0", "1", "0", "01/10/2025 09:30:00")]
    expected["so_hoa"] = {("G-OLD", "ngay_so_hoa", "date_too_old"), ("G-NEW", "ngay_so_hoa", "date_in_future"),
                          ("G\x1f", "ma_giay_to", "control_characters"), ("G-HS", "ma_ho_so", "control_characters")}
    expected["don_vi"] = {("SNV2\x00", "ma_don_vi", "control_characters")}
    write_month(inbox, "2025-10", good(30) + bad_dossiers + passing, payments=payments, documents=documents)
    return expected


KEYS = {"ho_so": "ma_ho_so", "thanh_toan": "ma_giao_dich", "so_hoa": "ma_giay_to", "don_vi": "ma_don_vi"}


def test_every_rule_at_its_bounds_and_check_gives_the_same_verdicts(inbox):
    settings()
    expected = mixed_inbox(inbox)
    refresh(inbox)
    for kind, key in KEYS.items():  # which row broke which rule: by the row's key as written
        critical = set(rows_of(
            'SELECT "row", "column", rule FROM meta.quarantine WHERE kind = ? AND severity = \'critical\'', [kind]))
        rows = _rows_by_key(inbox, kind, key)
        plausibility_rules = {"date_too_old", "date_in_future", "control_characters", "amount_too_large",
                              "type_so_tien"}
        assert {(rows[r], c, rule) for r, c, rule in critical if rule in plausibility_rules} == expected[kind], kind
        assert {rows[r] for r, _, _ in critical} == {k for k, _, _ in expected[kind]}, kind  # nothing else held out
    # the values just inside each bound are loaded, names cleaned with a warning
    assert rows_of("SELECT ma_ho_so FROM staging.ho_so WHERE ma_ho_so LIKE 'HS-EDGE%' OR ma_ho_so LIKE 'HS-UTC%' "
                 "OR ma_ho_so IN ('HS-DUE', 'HS-TRAIL', 'HS-NAME', 'HS-DV-NAME') ORDER BY 1") == [
        ("HS-DUE",), ("HS-DV-NAME",), ("HS-EDGE-NEW",), ("HS-EDGE-OLD",), ("HS-NAME",), ("HS-TRAIL",), ("HS-UTC-EDGE",)]
    assert rows_of("SELECT ma_don_vi FROM staging.ho_so WHERE ma_ho_so = 'HS-DV-NAME'") == [("SXD",)]
    assert rows_of("SELECT rule FROM meta.quarantine WHERE \"value\" = 'Sở Xây' || chr(10) || 'dựng'") == [
        ("unit_by_name",)]
    assert rows_of("SELECT ten_tthc, ten_linh_vuc FROM staging.ho_so WHERE ma_ho_so = 'HS-NAME'") == [
        ("Cấp giấy phép xây dựng", "Xây dựng")]
    assert rows_of("SELECT ma_giao_dich, so_tien FROM staging.thanh_toan WHERE ma_giao_dich IN "
                 "('GD-EDGE', 'GD-CEIL', 'GD-CEIL-DOTS', 'GD-FLOAT') ORDER BY 1") == [
        ("GD-CEIL", 10**10), ("GD-CEIL-DOTS", 10**10), ("GD-EDGE", 10000), ("GD-FLOAT", 1250000)]
    assert rows_of("SELECT ma_giay_to FROM staging.so_hoa WHERE ma_giay_to = 'G-EDGE'") == [("G-EDGE",)]
    assert rows_of("SELECT ten_don_vi FROM staging.don_vi WHERE ma_don_vi = 'SNV'") == [("Sở Nội vụ",)]
    assert rows_of("SELECT ten_tthc FROM staging.danh_muc_tthc WHERE ma_tthc = '1.003'") == [("Thủ tục mới",)]
    warned = rows_of("SELECT kind, \"column\", \"value\", message_vi, message_en FROM meta.quarantine "
                   "WHERE rule = 'control_characters_cleaned' ORDER BY ALL")
    assert [(k, c, v) for k, c, v, *_ in warned] == [
        ("danh_muc_tthc", "ten_tthc", "Thủ tục\r\nmới"), ("don_vi", "ten_don_vi", "Sở Nội vụ\x00"),
        ("ho_so", "ten_linh_vuc", "Xây\r\ndựng"), ("ho_so", "ten_tthc", "Cấp giấy phép xây dựng\x00")]
    assert all(vi.startswith("«Tên") and "dấu cách" in vi and "a space" in en for *_, vi, en in warned)
    messages = dict(rows_of("SELECT rule, message_vi || ' / ' || message_en FROM meta.quarantine "
                          "WHERE rule IN ('date_in_future', 'amount_too_large', 'type_so_tien')"))
    assert f"sau ngày {TODAY + dt.timedelta(days=1):%d/%m/%Y}" in messages["date_in_future"]
    assert "future_date_days" in messages["date_in_future"]
    assert "10.000.000.000 đồng" in messages["amount_too_large"] and "max_amount_vnd" in messages["amount_too_large"]
    assert "1e9" in messages["type_so_tien"] and "1250000" in messages["type_so_tien"]
    # counted per rule in the data-quality record
    rules = {r["rule"]: r["rows"] for (rs,) in rows_of("SELECT rules FROM meta.validations WHERE kind = 'thanh_toan'")
             for r in rs}
    assert rules["amount_too_large"] == 2 and rules["type_so_tien"] == 2 and rules["date_in_future"] == 1
    # `cchc check` on the same files: the same rules, as often, for every file
    published = Counter(rows_of("SELECT file_name, rule FROM meta.quarantine"))
    reports = check_files(sorted(inbox.iterdir()))
    checked = Counter()
    for report in reports:
        for rule in report.get("rules", []):
            checked[(Path(report["file"]).name, rule["rule"])] += rule["rows"]
    assert checked == published
    assert {Path(r["file"]).name: r["status"] for r in reports} == {
        "don_vi.csv": "quarantined", "danh_muc_tthc.csv": "warnings", "ho_so_2025-10.csv": "quarantined",
        "thanh_toan_2025-10.csv": "quarantined", "so_hoa_2025-10.csv": "quarantined"}
    json.dumps(reports)  # the --json report holds the bounds' messages as text


def _rows_by_key(inbox: Path, kind: str, key: str) -> dict[int, str]:
    """Spreadsheet row → the key as written (header 1, first row 2), read back from the inbox file."""
    import polars as pl

    name = "don_vi.csv" if kind == "don_vi" else f"{kind}_2025-10.csv"
    header = next(c.header for c in FILES[kind].columns if c.name == key)
    frame = pl.read_csv(inbox / name, infer_schema=False)
    return {i + 2: v for i, v in enumerate(frame[header].to_list())}


# --- the settings move the bounds ----------------------------------------------------------------

def test_the_settings_move_the_bounds(inbox, monkeypatch):
    """First month 2025-03 and oldest_date_months = 0: 28/02/2025 is too old, 01/03/2025 is not;
    future_date_days = 2: the day after tomorrow passes, the day after it does not; a ceiling of
    5.000.000 đồng: itself passes, one đồng more does not. The messages name the bounds in force."""
    monkeypatch.setenv("CCHC_FIRST_MONTH", "2025-03")
    settings(oldest_date_months=0, future_date_days=2, max_amount_vnd=5_000_000)
    write_reference(inbox)
    write_month(inbox, "2025-10", good(10) + [
        dossier("HS-OLD", ngay_nop="28/02/2025 23:59:59"), dossier("HS-EDGE-OLD", ngay_nop="01/03/2025"),
        dossier("HS-NEW", ngay_cap_nhat=day(3)), dossier("HS-EDGE-NEW", ngay_cap_nhat=day(2, "23:59:59"))],
        payments=[PAYMENT, ("GD-CEIL", "HS-00", "5.000.000", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00"),
                  ("GD-BIG", "HS-00", "5.000.001", "tien_mat", None, "thanh_cong", "02/10/2025 10:00:00")],
        documents=[DOCUMENT])
    refresh(inbox)
    found = rows_of('SELECT kind, "row", "value", rule, message_vi, message_en FROM meta.quarantine ORDER BY ALL')
    assert [f[:4] for f in found] == [("ho_so", 12, "28/02/2025 23:59:59", "date_too_old"),
                                      ("ho_so", 14, day(3), "date_in_future"),
                                      ("thanh_toan", 4, "5.000.001", "amount_too_large")]
    assert "trước ngày 01/03/2025" in found[0][4] and "before 01/03/2025" in found[0][5]
    after = f"{TODAY + dt.timedelta(days=2):%d/%m/%Y}"
    assert f"sau ngày {after}" in found[1][4] and f"after {after}" in found[1][5]
    assert "mức trần 5.000.000 đồng" in found[2][4] and "ceiling of 5.000.000 đồng" in found[2][5]
    assert rows_of("SELECT count(*) FROM staging.ho_so") == [(12,)]
    assert rows_of("SELECT ma_giao_dich FROM staging.thanh_toan ORDER BY 1") == [("GD-1",), ("GD-CEIL",)]


def test_no_day_ahead_with_future_date_days_0(inbox):
    """future_date_days = 0: today (to its last second) passes, tomorrow does not; `cchc check`."""
    settings(future_date_days=0)
    write_reference(inbox)
    write_month(inbox, "2025-10", good(5) + [dossier("HS-TODAY", ngay_cap_nhat=day(0, "23:59:59")),
                                             dossier("HS-TOMORROW", ngay_cap_nhat=day(1))],
                payments=[PAYMENT], documents=[DOCUMENT])
    [report] = check_files([inbox / "ho_so_2025-10.csv"])
    assert report["status"] == "quarantined" and report["rows_quarantined"] == 1
    [rule] = report["rules"]
    assert (rule["rule"], rule["examples"]) == (
        "date_in_future", [{"row": 8, "column": "ngay_cap_nhat", "value": day(1)}])
    assert f"sau ngày {TODAY:%d/%m/%Y}" in rule["message_vi"]
