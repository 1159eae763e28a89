"""The ranking page (every unit of a level, numbers that sort as numbers, counts, a chart, a row to
the unit's page) and downloads whose numbers stay numbers (issue 23, items 3 and 5): a real
refresh into DuckDB, AppTest, openpyxl reading the real XLSX, and a real headless Chromium."""

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from inbox_builder import CATALOG, UNITS, dossier, write_csv, write_month
from streamlit.testing.v1 import AppTest

from pipelines.refresh import refresh

APP = str(Path(__file__).parent.parent / "dashboards" / "app.py")
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
COMMUNES = [(f"C{i:02}", f"Xã Thử {i:02}", "xa", "H39", "01/07/2025", None, None) for i in range(1, 15)]
LATE = {"ngay_ket_thuc": "25/10/2025 10:00:00", "ngay_tra": "25/10/2025 11:00:00"}
# Commune: (dossiers, late). 14 communes, more than a grid's 10-row viewport; 98,75% must rank above
# 9,09% and below 100,00% (as text, "9,09%" > "100,00%"); C01's 2 dossiers are too few to judge.
WORK = {"C01": (2, 0), "C02": (80, 1), "C03": (11, 10), "C04": (1500, 0), **{f"C{i:02}": (10, i % 3) for i in range(5, 15)}}
ON_TIME = "Tỷ lệ hồ sơ giải quyết đúng hạn"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One refresh for the module: October 2025 in 14 communes (and the department SXD)."""
    root = tmp_path_factory.mktemp("ranking")
    inbox = root / "inbox"
    inbox.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCHC_HOME", str(root / "home"))
        mp.setenv("DAGSTER_HOME", str(root / "home" / "dagster"))
        write_csv(inbox / "don_vi.csv", "don_vi", [*UNITS, *COMMUNES])
        write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
        rows = [dossier(f"HS-SXD-{i}") for i in range(20)]
        for code, (n, late) in WORK.items():
            rows += [dossier(f"HS-{code}-{i}", ma_don_vi=code, ma_tthc="1.002", ma_linh_vuc="HT", ten_linh_vuc="Hộ tịch",
                             **(LATE if i < late else {})) for i in range(n)]
        write_month(inbox, "2025-10", rows)
        refresh(inbox)
    return root / "home"


@pytest.fixture
def ranked(built, cchc_home):
    shutil.copytree(built, cchc_home, ignore=shutil.ignore_patterns("dagster"))
    return cchc_home


def ranking_page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run().switch_page("views/ranking.py").run()


def shown(at: AppTest, i: int = 0) -> pd.DataFrame:
    """The text a table shows (the Styler's display values), beside the data it sorts by."""
    from streamlit import dataframe_util

    return dataframe_util.convert_arrow_bytes_to_pandas_df(at.dataframe[i].proto.arrow_data.styler.display_values)


def communes_by_on_time(at: AppTest) -> AppTest:
    at.selectbox(key="level.0").set_value("Xã, phường").run()
    return at.selectbox(key="rank_by.0").set_value(ON_TIME).run()


def test_ranking_numbers_sort_as_numbers_and_every_unit_is_shown(ranked):
    at = communes_by_on_time(ranking_page())
    assert not at.exception and not at.error
    view = at.dataframe[0].value
    assert len(view) == 14  # every commune
    for column in ["Hạng", "Giá trị", "Đạt", "Tổng"]:
        assert pd.api.types.is_numeric_dtype(view[column]), column
    assert list(view["Giá trị"]) == sorted(view["Giá trị"], reverse=True)
    row = view.set_index("Đơn vị").loc["Xã Thử 02 (C02)"]
    assert (round(row["Giá trị"], 2), row["Đạt"], row["Tổng"]) == (98.75, 79, 80)
    assert view.set_index("Đơn vị").loc["Xã Thử 04 (C04)", "Tổng"] == 1500
    # Shown in vi-VN by the Styler, sorted by the numbers underneath.
    text = shown(at).set_index("Đơn vị")
    assert text.loc["Xã Thử 02 (C02)", "Giá trị"] == "98,75%" and text.loc["Xã Thử 04 (C04)", "Tổng"] == "1.500"
    assert text.loc["Xã Thử 02 (C02)", "Hạng"] == f"{row['Hạng']}/14"


def test_ranking_counts_and_the_small_count_mark(ranked):
    at = communes_by_on_time(ranking_page())
    view = at.dataframe[0].value.set_index("Đơn vị")
    assert view.loc["Xã Thử 01 (C01)", "Cỡ mẫu"] == "⚠ ít"  # 2 dossiers, below [alerts] min_denominator = 5
    assert view.loc["Xã Thử 02 (C02)", "Cỡ mẫu"] == ""
    assert any("dưới 5 hồ sơ" in c.value for c in at.caption)
    assert view.loc["Xã Thử 03 (C03)", "Đánh giá"] == "✘ Chưa đạt"


def test_ranking_rank_reads_n_of_units(ranked):
    at = communes_by_on_time(ranking_page())
    view = at.dataframe[0].value
    assert view["Hạng"].iloc[0] == 1 and view["Hạng"].max() <= 14
    assert "14 đơn vị được xếp hạng" in [c.value for c in at.caption]
    assert shown(at)["Hạng"].iloc[0] == "1/14"


def test_ranking_chart_has_bars_coloured_by_status_and_the_target_rule(ranked):
    import json

    at = communes_by_on_time(ranking_page())
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    bar, target = spec["layer"]
    assert bar["mark"]["type"] == "bar" and bar["encoding"]["color"]["field"] == "judged"
    assert set(bar["encoding"]["color"]["scale"]["domain"]) == {"✔ Đạt", "✘ Chưa đạt"}
    assert target["mark"]["type"] == "rule" and target["data"]["values"][0]["target"] > 0
    assert spec["config"]["locale"]["number"]["decimal"] == ","  # vi-VN axes
    assert len(bar["encoding"]["y"]["sort"]) == 14


def test_ranking_an_abolished_level_is_a_sentence(ranked):
    at = ranking_page(level="huyen")  # districts were abolished on 1/7/2025; the default month is 10/2025
    assert not at.exception and not at.error
    assert "cấp huyện" in at.info[0].value and "Tháng 10/2025" in at.info[0].value
    assert "Cấp huyện" not in at.selectbox(key="level.0").options
    assert at.dataframe[0].value is not None


def test_ranking_a_row_opens_its_units_page(ranked):
    at = communes_by_on_time(ranking_page())
    units = list(at.dataframe[0].value["Đơn vị"])
    at.session_state["ranking.xa.on_time_rate.2025-10"] = {
        "selection": {"rows": [units.index("Xã Thử 04 (C04)")], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Đơn vị"
    assert at.selectbox(key="scope.0").value == "Xã Thử 04 (C04)"
    assert at.query_params["unit"] == "C04" and at.query_params["period"] == "2025-10"


def test_ranking_in_english_keeps_en_numbers(ranked):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio[0].set_value("English").run()
    at.switch_page("views/ranking.py").run()
    at.selectbox(key="level.1").set_value("Communes and wards").run()
    at.selectbox(key="rank_by.1").set_value(at.selectbox(key="rank_by.1").options[1]).run()
    assert not at.exception and not at.error
    text = shown(at).set_index("Unit")
    assert text.loc["Xã Thử 04 (C04)", "Total"] == "1,500" and text.loc["Xã Thử 02 (C02)", "Value"] == "98.75%"


# --- downloads -------------------------------------------------------------------------------


FRAME = pd.DataFrame({
    "Đơn vị": ["=1+2", "Xã Thử 02"], "Giá trị": [94.3812, 100.0], "Đạt": [925775, 3], "Thay đổi": [1.2, -0.5],
    "Ngày": [pd.Timestamp("2025-10-25").date(), None],
    "Lúc": pd.to_datetime(["2025-10-25 03:00", "2025-10-26 04:30"]).tz_localize("UTC")})
KINDS = {"Giá trị": "pct", "Đạt": "int", "Thay đổi": "pp", "Ngày": "date"}


def test_exports_xlsx_numbers_are_numbers_with_formats_title_header_and_frozen_panes():
    from dashboards.export import xlsx_bytes

    title = "Xếp hạng cấp xã · Tỷ lệ hồ sơ giải quyết đúng hạn · Tháng 10/2025"
    ws = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(FRAME, "xep_hang_xa_on_time_rate_2025-10", title=title,
                                                      formats=KINDS))).active
    assert ws.title == "Xếp hạng cấp xã"  # the title's subject, not a cut file name
    assert ws["A1"].value == title and ws["A1"].font.b
    header = [c.value for c in ws[3]]
    assert header == ["Đơn vị", "Giá trị", "Đạt", "Thay đổi (điểm % / pp)", "Ngày", "Lúc"]
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") and c.border.bottom.style and c.alignment.wrap_text
               for c in ws[3])
    assert ws.freeze_panes == "A4"
    value, count, change, day, moment = ws["B4"], ws["C4"], ws["D4"], ws["E4"], ws["F4"]
    assert value.data_type == "n" and value.value == pytest.approx(0.943812) and value.number_format == "0.00%"
    assert count.value == 925775 and count.number_format == "#,##0"
    assert change.value == pytest.approx(1.2) and change.number_format.startswith("+0.00")
    assert day.is_date and day.value.date().isoformat() == "2025-10-25" and day.number_format == "dd/mm/yyyy"
    assert moment.is_date and moment.value.hour == 10 and moment.number_format == "dd/mm/yyyy hh:mm"  # Vietnam time
    assert ws["A4"].data_type == "s" and ws["A4"].value == "=1+2"  # text, never a formula
    assert ws["E5"].value is None  # missing stays blank, never 0
    assert ws.column_dimensions["A"].width > 8


def test_exports_sheet_names_fit_excel_and_keep_their_meaning():
    from dashboards.export import sheet_name

    assert sheet_name("x", "Xếp hạng sở, ban, ngành · Điểm tổng hợp · Quý IV/2025") == "Xếp hạng sở, ban, ngành"
    long = sheet_name("x", "Các dòng vi phạm quy tắc kiểm tra dữ liệu đầu vào · Tháng 10/2025")
    assert len(long) <= 31 and long.endswith("…") and long.startswith("Các dòng vi phạm")
    assert sheet_name("x", "Tệp [cũ]: a/b?") == "Tệp cũ a b"  # characters Excel refuses
    assert sheet_name("dong_cach_ly_20251203") == "dong cach ly 20251203"


def test_exports_csv_numbers_parse_as_floats():
    from dashboards.export import csv_bytes

    text = csv_bytes(FRAME, KINDS).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text))
    assert list(back.columns)[:4] == ["Đơn vị", "Giá trị (%)", "Đạt", "Thay đổi (điểm % / pp)"]
    assert back["Giá trị (%)"].dtype == float and back["Giá trị (%)"].iloc[0] == pytest.approx(94.3812)
    assert back["Đạt"].tolist() == [925775, 3] and "925775" in text  # no thousands separator, no %
    assert back["Thay đổi (điểm % / pp)"].tolist() == [1.2, -0.5]
    assert text.splitlines()[1].startswith("'=1+2,")  # still formula-safe


def test_data_quality_counts_in_vi_vn(ranked):
    at = AppTest.from_file(APP, default_timeout=30).run().switch_page("views/quality.py").run()
    assert not at.exception and not at.error
    runs = at.dataframe[0].value
    assert pd.api.types.is_integer_dtype(runs["Dòng được nhận"])  # a number: it sorts as one
    accepted = int(runs["Dòng được nhận"].iloc[0])
    assert accepted > 1000 and shown(at)["Dòng được nhận"].iloc[0] == f"{accepted:,}".replace(",", ".")


# --- a real browser --------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is installed by ./test")
def test_ranking_in_a_real_browser_sorts_numbers_shows_cards_on_a_phone_and_opens_a_unit(ranked):
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port)],
                              env={**os.environ, "CCHC_HOME": str(ranked)},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ARTIFACTS.mkdir(exist_ok=True)
    url = f"http://localhost:{port}/ranking?period=2025-10"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1440, "height": 1800})
            deadline = time.monotonic() + 60
            while True:
                try:
                    page.goto(url, timeout=5000)
                    page.wait_for_selector("text=Xếp theo", timeout=20000)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            pick(page, "Cấp", "Xã, phường")
            pick(page, "Xếp theo", ON_TIME)
            page.wait_for_selector("text=Xã Thử 04 (C04)", state="attached", timeout=20000)
            page.wait_for_timeout(2000)
            page.screenshot(path=str(ARTIFACTS / "ranking-1440.png"), full_page=True)
            grid = page.locator(".st-key-grid-xep_hang_xa_on_time_rate_2025-10 [data-testid='stDataFrame']")
            assert grid.is_visible()
            assert page.locator(".st-key-cards-xep_hang_xa_on_time_rate_2025-10").is_hidden()
            assert grid.bounding_box()["height"] >= 35 * 14 + 38  # every row, no 10-row viewport
            # Sort by value ascending: a click on the header, drawn on the canvas (the third column,
            # after the selection cells, Hạng and Đơn vị); the grid's accessible table follows it.
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 310, box["y"] + 17)
            page.wait_for_timeout(1000)
            heads, cells = grid.evaluate("""g => [Array.from(g.querySelectorAll("th")).map(h => h.textContent),
                Array.from(g.querySelectorAll("tbody tr")).map(r => Array.from(r.children).map(c => c.textContent))]""")
            at = next(i for i, h in enumerate(heads) if "Giá trị" in h)
            values = [row[at] for row in cells if len(row) == len(heads)]
            assert len(values) == 14, (heads, cells[:3])
            numbers = [float(v.rstrip("%").replace(",", ".")) for v in values]
            assert numbers and numbers == sorted(numbers), values
            # A phone: the cards, not the grid.
            page.set_viewport_size({"width": 390, "height": 1400})
            page.wait_for_timeout(1200)
            page.screenshot(path=str(ARTIFACTS / "ranking-390.png"), full_page=True)
            cards = page.locator(".st-key-cards-xep_hang_xa_on_time_rate_2025-10 .cchc-card")
            assert cards.count() == 14 and cards.first.is_visible() and not grid.is_visible()
            first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
            assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"]  # two a row
            assert "98,75%" in page.locator(".st-key-cards-xep_hang_xa_on_time_rate_2025-10").inner_text()
            # A row opens its unit's page (wide screen, the row's selection cell).
            page.set_viewport_size({"width": 1440, "height": 1800})
            page.goto(url, timeout=10000)
            page.wait_for_selector("text=Xếp theo", timeout=20000)
            pick(page, "Cấp", "Xã, phường")
            page.wait_for_selector("text=Xã Thử 04 (C04)", state="attached", timeout=20000)
            page.wait_for_timeout(1000)
            box = page.locator("[data-testid='stDataFrame']").first.bounding_box()
            page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection cell
            page.wait_for_url("**/unit?**", timeout=20000)
            assert "unit=" in page.url and "period=2025-10" in page.url
            page.wait_for_selector("text=Các chỉ số theo thời gian", timeout=20000)
            page.screenshot(path=str(ARTIFACTS / "ranking-row-to-unit.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def pick(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=False).first.click()
    page.get_by_role("option", name=option).click()
    page.wait_for_timeout(1200)


def test_exports_a_long_list_keeps_numbers_without_the_slow_styler():
    """Above STYLED_ROWS the grid formats numbers itself: still numbers, still sorted as numbers."""
    from dashboards.tables import STYLED_ROWS, formatted, long_list_columns

    long = pd.DataFrame({"n": range(STYLED_ROWS + 1), "v": [50.0] * (STYLED_ROWS + 1)})
    assert formatted(long, None, {"n": "int"}) is long
    assert set(long_list_columns(long, {"n": "int", "v": "pct"}, None)) == {"n", "v"}
    dated = long.assign(d=pd.Timestamp("2025-10-03"))
    assert long_list_columns(dated, {"d": "date"}, None)["d"]["type_config"]["format"] == "DD/MM/YYYY"
    short = long.head(3)
    assert formatted(short, None, {"v": "pct"}).format_index is not None  # a Styler with the vi-VN text
    assert long_list_columns(short, {"v": "pct"}, None) is None
