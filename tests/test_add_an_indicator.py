"""The README's "Adding an indicator" is all it takes: its diff, applied to a copy of the
warehouse's SQL, adds an indicator that every scope, the scorecard, `cchc explain` and the targets
follow, with the numbers worked out by hand below."""

import shutil
import subprocess

import pytest
from inbox_builder import dossier, write_month, write_reference

import pipelines.db
import pipelines.indicators.build
from pipelines.db import read_published
from pipelines.indicators.report import explain
from pipelines.refresh import refresh
from pipelines.settings import PROJECT_ROOT, WAREHOUSE_SQL


def readme_diff() -> str:
    section = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").split("### Adding an indicator")[1]
    return section.split("```diff\n")[1].split("\n```")[0] + "\n"


@pytest.fixture
def warehouse_with_early_rate(tmp_path, monkeypatch):
    copy = tmp_path / "repo"
    shutil.copytree(WAREHOUSE_SQL, copy / "warehouse")
    subprocess.run(["git", "apply", "-"], cwd=copy, input=readme_diff(), text=True, check=True)
    monkeypatch.setattr(pipelines.db, "WAREHOUSE_SQL", copy / "warehouse")
    return copy / "warehouse"


def values(indicator: str) -> dict:
    with read_published() as con:
        return {(scope_code, status): (n, d, None if v is None else round(v, 4)) for scope_code, n, d, v, status in con.execute(
            "SELECT scope_code, numerator, denominator, value, status FROM kpi.scorecard "
            "WHERE period = '2025-10' AND indicator = ? AND scope IN ('unit', 'province') AND denominator > 0",
            [indicator]).fetchall()}


def test_the_readme_diff_adds_an_indicator_with_its_numbers(warehouse_with_early_rate, inbox, monkeypatch):
    write_reference(inbox)
    write_month(inbox, "2025-10", [
        dossier("HS-1"),  # resolved on 20/10, due 22/10: early
        dossier("HS-2", ngay_ket_thuc="22/10/2025 10:00:00", ngay_tra="22/10/2025 11:00:00"),  # on its due day
        dossier("HS-3", ngay_ket_thuc="24/10/2025 10:00:00", ngay_tra="24/10/2025 11:00:00"),  # late
        dossier("HS-4", trang_thai="4", ngay_ket_thuc=None, ngay_tra=None),  # open: not resolved
        dossier("HS-5", ma_don_vi="05977", ma_tthc="1.002", ten_tthc="Đăng ký khai sinh", ma_linh_vuc="HT",
                ten_linh_vuc="Hộ tịch"),  # a commune's, early
    ])
    refresh(inbox)
    # SXD: HS-1 early of HS-1..3 resolved; 05977: HS-5 of HS-5; the province: 2 of 4
    assert values("early_rate") == {("SXD", "no_target"): (1, 3, 33.3333), ("05977", "no_target"): (1, 1, 100.0),
                                    ("province", "no_target"): (2, 4, 50.0)}
    rows, total = explain("2025-10", "SXD", "early_rate")
    assert sorted((r["ma_ho_so"], r["in_numerator"], r["in_denominator"]) for r in rows) == [
        ("HS-1", True, True), ("HS-2", False, True), ("HS-3", False, True)]  # HS-4 is in neither
    assert (total["numerator"], total["denominator"]) == (1, 3)

    # A target for it (a made-up plan's, for the test): the unit's own row of targets.csv
    targets = warehouse_with_early_rate / "seeds" / "targets.csv"
    targets.write_text(targets.read_text(encoding="utf-8") + "test-01,test,,,Sở Xây dựng,2025,unit,SXD,Sở Xây dựng,"
                       "early_rate,>=,50,Tỷ lệ hồ sơ giải quyết trước hạn đạt từ 50% trở lên.\n", encoding="utf-8")
    monkeypatch.setattr(pipelines.indicators.build, "TARGETS", targets)
    refresh(inbox)
    assert values("early_rate") == {("SXD", "not_met"): (1, 3, 33.3333), ("05977", "no_target"): (1, 1, 100.0),
                                    ("province", "no_target"): (2, 4, 50.0)}
