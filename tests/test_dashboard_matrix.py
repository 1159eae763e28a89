"""Every page × scope × period type, before and after the 2025 reform, in Streamlit's AppTest: no
exception, no error box carrying a traceback, ever. A leader who meets one traceback stops using
the tool. One published home (April 2025 to October 2026) serves every case; each case opens the
page as a link does (`?unit=…&period=…`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from inbox_builder import dossier, write_month, write_reference
from streamlit.testing.v1 import AppTest

from dashboards.i18n import TEXT

APP = str(Path(__file__).parent.parent / "dashboards" / "app.py")
MONTHS = [f"2025-{m:02}" for m in range(4, 13)] + [f"2026-{m:02}" for m in range(1, 11)]
SCOPES = {  # what a leader may open: inbox_builder.UNITS
    "province": "province",
    "department": "SXD",
    "commune": "05977",  # created on 1/7/2025
    "abolished district": "178",  # cấp huyện, abolished on 1/7/2025, no successor
    "merged commune": "05977.01",  # until 30/6/2025, then 05977
}
PERIODS = {  # every period type; before the reform, across it (2025-9M, 2025) and after it (2026-Q4 running)
    "month": ["2025-05", "2026-10"], "quarter": ["2025-Q2", "2026-Q4"], "half": ["2026-H2"],
    "nine_months": ["2025-9M"], "year": ["2025"], "ytd": ["2026-YTD-10"],
}
SCOPED = ["overview", "unit"]  # pages with a unit and a period
PERIOD_ONLY = ["ranking"]
UNIT_ONLY = ["targets", "alerts"]
PLAIN = ["quality", "loaded"]
LEVELS = ["tinh", "huyen", "xa"]  # ranking: each level, 'huyen' gone after 1/7/2025


def month_rows(month: str) -> list[dict]:
    """Four dossiers a month in the department, one of them late without an apology letter; before
    July 2025 two in the district's old ward and one in the district, after it two in the new ward."""
    year, mm = month.split("-")
    late = {"ngay_ket_thuc": f"25/{mm}/{year} 10:00:00", "ngay_tra": f"25/{mm}/{year} 11:00:00"}
    rows = [dossier(f"SXD-{month}-{i}", month=month) for i in range(3)] + [dossier(f"SXD-{month}-L", month=month, **late)]
    commune = dict(ma_tthc="1.002", ten_tthc="Đăng ký khai sinh", ma_linh_vuc="HT", ten_linh_vuc="Hộ tịch", kenh="1")
    if month < "2025-07":
        rows += [dossier(f"CL-{month}-{i}", month=month, ma_don_vi="05977.01", **commune) for i in range(2)]
        rows += [dossier(f"TP-{month}", month=month, ma_don_vi="178")]
    else:
        rows += [dossier(f"DK-{month}-{i}", month=month, ma_don_vi="05977", **commune) for i in range(3)]
    return rows


@pytest.fixture(scope="module")
def reform_home(tmp_path_factory) -> Path:
    """One refresh of nineteen months across the reform, published once for every case."""
    from pipelines.config import config_path
    from pipelines.refresh import refresh

    root = tmp_path_factory.mktemp("reform")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CCHC_HOME", str(root / "home"))
        patch.setenv("DAGSTER_HOME", str(root / "home" / "dagster"))
        patch.delenv("CCHC_INBOX", raising=False)
        config_path().parent.mkdir(parents=True, exist_ok=True)
        config_path().write_text("[validation]\nmin_rows_share = 0\n", encoding="utf-8")
        inbox = root / "inbox"
        write_reference(inbox)
        for month in MONTHS:
            write_month(inbox, month, month_rows(month))
        refresh(inbox)
    return root / "home"


@pytest.fixture
def home(reform_home, monkeypatch) -> Path:
    monkeypatch.setenv("CCHC_HOME", str(reform_home))
    monkeypatch.setenv("DAGSTER_HOME", str(reform_home / "dagster"))
    return reform_home


def opened(page: str, unit: str | None = None, period: str | None = None, english: bool = False,
           **state) -> AppTest:
    """The page as a link opens it (`state`: choices kept in the session, as the level of ranking)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    if unit:
        at.query_params["unit"] = unit
    if period:
        at.query_params["period"] = period
    if english:
        at.session_state["lang"] = "English"
    return at.switch_page(f"views/{page}.py").run()


def problems(at: AppTest) -> list[str]:
    """Exceptions, and error boxes that carry a traceback."""
    found = [f"exception: {e.message} (at {e.stack_trace[-2].strip() if len(e.stack_trace) > 1 else ''})"
             for e in at.exception]
    said = TEXT["page_failed"][0].split(".")[0]  # app.py's sentence for a fault it caught
    found += [f"error: {e.value[:200]}" for e in at.error if "Traceback" in e.value or "Error" in e.value
              or e.value.startswith(said)]
    return found


def cases(pages: list[str], with_units: bool, with_periods: bool):
    for page in pages:
        scopes = SCOPES.items() if with_units else [(level, None) for level in LEVELS] if page == "ranking" else [(None, None)]
        for scope, unit in scopes:
            for _period_type, periods in (PERIODS.items() if with_periods else [(None, [None])]):
                for period in periods:
                    yield page, scope, unit, period


def failures(combos) -> list[str]:
    failed = []
    for page, scope, unit, period in combos:
        state = {"level": scope} if page == "ranking" else {}
        try:
            at = opened(page, unit if page != "ranking" else None, period, **state)
        except Exception as e:  # the AppTest itself failing (a timeout) counts too
            failed.append(f"{page} × {scope} × {period}: {type(e).__name__}: {e}")
            continue
        failed += [f"{page} × {scope} × {period}: {p}" for p in problems(at)]
    return failed


@pytest.mark.parametrize("page", SCOPED)
def test_scoped_pages_never_show_a_traceback(home, page):
    failed = failures(cases([page], with_units=True, with_periods=True))
    assert not failed, f"{len(failed)} failing:\n" + "\n".join(failed)


@pytest.mark.parametrize("page", PERIOD_ONLY + UNIT_ONLY + PLAIN)
def test_other_pages_never_show_a_traceback(home, page):
    failed = failures(cases([page], with_units=page in UNIT_ONLY, with_periods=page in PERIOD_ONLY))
    assert not failed, f"{len(failed)} failing:\n" + "\n".join(failed)


def rendered(markdown: str) -> str:
    """Text the dashboard escaped (dashboards.i18n.plain), as Markdown shows it."""
    return re.sub(r"\\(.)", r"\1", markdown)


def scope_options(at: AppTest) -> list[str]:
    return list(at.selectbox(key="scope.0").options)


def test_selectors_list_what_exists_and_label_periods(home):
    after = opened("unit", "SXD", "2026-10")
    assert not problems(after)
    options = scope_options(after)
    assert "Sở Xây dựng (SXD)" in options and "Phường Đông Kinh (05977)" in options
    assert not any("(178)" in o or "(05977.01)" in o for o in options)  # gone by 2026
    before = opened("unit", "SXD", "2025-05")
    assert not any("(05977)" in o for o in scope_options(before)) and any("(178)" in o for o in scope_options(before))
    assert before.selectbox(key="period.month.0").value == "Tháng 5/2025"
    quarter = opened("unit", "SXD", "2026-Q4")
    assert quarter.selectbox(key="period.quarter.0").value == "Quý IV/2026 (đang diễn ra, số liệu đến hết tháng 10/2026)"
    assert "số liệu tạm thời" in quarter.caption[0].value
    # without a link: the newest complete quarter, the running one still listed
    plain = opened("unit")
    plain.selectbox(key="period_type.0").set_value("Quý").run()
    assert plain.selectbox(key="period.quarter.0").value == "Quý III/2026"
    assert plain.selectbox(key="period.quarter.0").options[0].startswith("Quý IV/2026 (đang diễn ra")


def test_an_abolished_district_says_so_and_offers_where_to_look(home):
    at = opened("unit", "178", "2026-10")
    assert not problems(at)
    assert at.selectbox(key="scope.0").value == "Thành phố Lạng Sơn (178) — không hoạt động trong kỳ này"
    assert "cấp huyện đã kết thúc hoạt động từ 01/07/2025" in at.info[0].value
    labels = [b.label for b in at.button]
    assert labels == ["Xem toàn tỉnh, Tháng 10/2026", "Xem Thành phố Lạng Sơn, Tháng 6/2025"]
    at.button[1].click().run()  # its last month
    assert not problems(at) and at.selectbox(key="period.month.0").value == "Tháng 6/2025"
    assert at.selectbox(key="scope.0").value == "Thành phố Lạng Sơn (178)"
    assert at.subheader[0].value == "Các chỉ số theo thời gian"


def test_a_merged_and_a_new_commune_point_to_their_successor_and_first_period(home):
    merged = opened("unit", "05977.01", "2026-Q4")
    assert "sáp nhập vào Phường Đông Kinh (05977)" in rendered(merged.info[0].value)
    merged.button[0].click().run()
    assert not problems(merged) and merged.selectbox(key="scope.0").value == "Phường Đông Kinh (05977)"
    assert merged.selectbox(key="period.quarter.0").value.startswith("Quý IV/2026")
    new = opened("unit", "05977", "2025-05", english=True)
    assert "was created on 01/07/2025" in new.info[0].value
    assert [b.label for b in new.button] == ["Open Phường Đông Kinh, July 2025"]
    new.button[0].click().run()
    assert not problems(new) and new.selectbox(key="period.month.1").value == "July 2025"


def test_unit_page_draws_the_target_line_and_a_quiet_unit(home):
    at = opened("unit", "SXD", "2026-10")
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"strokeDash"' in spec and '"decimal": ","' in spec  # the target, dashed; vi-VN numbers
    history = at.dataframe[0].value.set_index("Chỉ số")
    assert history.loc["Tỷ lệ hồ sơ giải quyết đúng hạn", "Tháng 10/2026"] == "75,00% ✘"  # 3 of 4
    assert [s.value for s in at.subheader][-1] == "Hồ sơ trễ hạn"


def test_loaded_page_numbers_in_vi_vn(home):
    at = opened("loaded")
    assert not problems(at)
    assert at.metric[1].value == "133"
    assert "Tháng 4/2025 … Tháng 10/2026" in at.caption[0].value
    assert '"thousands": "."' in at.get("vega_lite_chart")[0].proto.spec
