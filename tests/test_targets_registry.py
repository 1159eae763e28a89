"""The targets registry (warehouse/seeds/targets.csv) against the plans it quotes
(warehouse/seeds/plans, copies of ../shared/seeds) and the spec's table of targets."""

import csv
import re
import unicodedata

import pytest

from pipelines.settings import PROJECT_ROOT, WAREHOUSE_SQL

SEEDS = WAREHOUSE_SQL / "seeds"
PLANS = SEEDS / "plans"


def rows(name):
    with (SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


TARGETS = rows("targets.csv")
REPORTED = {r["code"] for r in rows("reported_indicators.csv")}
EXPORT_INDICATORS = {"on_time_rate", "resolved_on_time_rate", "late_apology_rate", "online_dossier_rate",
                     "online_dossier_rate_all", "full_process_rate", "online_service_uptake_rate",
                     "payment_integration_rate", "online_payment_rate", "dvcqg_payment_share",
                     "online_paid_dossier_rate", "dossier_digitization_rate", "result_digitization_rate",
                     "e_result_rate", "data_reuse_rate", "satisfaction_rate"}


def test_every_target_quotes_its_plan_verbatim():
    plans = {p.stem: flat(p.read_text(encoding="utf-8")) for p in PLANS.glob("*.txt")}
    assert len(plans) == 5
    missing = [t["target_id"] for t in TARGETS if flat(t["quote"]) not in plans[t["plan"]]]
    assert missing == []


def test_every_target_is_well_formed():
    assert len({t["target_id"] for t in TARGETS}) == len(TARGETS)
    for t in TARGETS:
        assert t["indicator"] in EXPORT_INDICATORS | REPORTED, t
        assert t["comparator"] in (">", ">=", "<", "<="), t
        assert t["scope_type"] in ("province", "level", "unit"), t
        assert t["scope_type"] != "level" or t["scope_code"] in ("tinh", "huyen", "xa"), t
        float(t["threshold"])
    assert {t["indicator"] for t in TARGETS} >= REPORTED  # every reported indicator has a target


# A sample of the spec's table "Targets from the plans", checked against the registry:
# (plan prefix, year, scope_code, indicator, comparator, threshold), and words its quote holds.
SPEC_SAMPLE = [
    ("000", 2024, "H37", "on_time_rate", ">", 99, "99%"),
    ("000", 2024, "H37", "late_apology_rate", ">=", 100, "xin lỗi"),
    ("000", 2024, "tinh", "dossier_digitization_rate", ">=", 90, "90%"),
    ("000", 2024, "huyen", "result_digitization_rate", ">=", 80, "80%"),
    ("000", 2024, "xa", "dossier_digitization_rate", ">=", 75, "75%"),
    ("000", 2024, "H37", "dvcqg_payment_share", ">=", 30, "30%"),
    ("001", 2026, "H37", "e_result_rate", ">=", 100, "100%"),
    ("001", 2026, "H37", "satisfaction_rate", ">=", 90, "90%"),
    ("002", 2025, "H37.04", "full_process_rate", ">", 80, "80%"),
    ("002", 2025, "H37.04", "online_payment_rate", ">", 50, "50%"),
    ("003", 2025, "H37.16", "on_time_rate", ">=", 100, "100%"),
    ("004", 2025, "06001", "dvcqg_payment_share", ">=", 60, "60%"),
]


@pytest.mark.parametrize("plan, year, scope_code, indicator, comparator, threshold, words", SPEC_SAMPLE)
def test_spec_targets_are_in_the_registry(plan, year, scope_code, indicator, comparator, threshold, words):
    found = [t for t in TARGETS if t["plan"].startswith(plan) and int(t["year"]) == year
             and t["scope_code"] == scope_code and t["indicator"] == indicator]
    assert len(found) == 1
    assert (found[0]["comparator"], float(found[0]["threshold"])) == (comparator, threshold)
    assert words in unicodedata.normalize("NFC", found[0]["quote"])


def test_the_export_measured_targets_are_exactly_the_spec_table():
    measured = [t for t in TARGETS if t["indicator"] in EXPORT_INDICATORS]
    assert len(measured) == 31  # the cells of indicators.md's table, one row per indicator and scope


def test_the_plans_are_the_shared_seeds():
    shared = PROJECT_ROOT.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this clone")
    for plan in PLANS.glob("*"):
        assert plan.read_bytes() == (shared / plan.name).read_bytes()


def test_every_plan_is_cited_by_its_number_and_date_or_its_title():
    """A plan is cited as the administration does: "Kế hoạch số 55/KH-SXD ngày 11/06/2025 của Sở Xây
    dựng". The three texts whose header carries no number of their own are cited by title
    ("Kế hoạch CCHC năm <year> của <issuer>", 60_targets.sql): each must then be that year's
    annual CCHC plan of that issuer, and its rows share that year."""
    plans = {p.stem: flat(p.read_text(encoding="utf-8")) for p in PLANS.glob("*.txt")}
    by_plan = {}
    for t in TARGETS:
        by_plan.setdefault(t["plan"], set()).add((t["plan_number"], t["plan_date"], t["issuer"], t["year"]))
    cited = {plan: sorted(v) for plan, v in by_plan.items()}
    assert cited["002_5b3340d45590f65e"] == [("55/KH-SXD", "2025-06-11", "Sở Xây dựng", "2025")]
    assert cited["004_979c73e4d35de46d"] == [("125/KH-UBND", "2025-07-18", "UBND xã Đoàn Kết", "2025")]
    assert "Kế hoạch số 55/KH-SXD ngày 11/ 6/2025 của Sở Xây dựng" in plans["002_5b3340d45590f65e"]
    assert "125 /KH-UBND" in plans["004_979c73e4d35de46d"]  # OCR: "S6:125 /KH-UBND ... ngay /8 thang 7 nam 2025"
    unnumbered = {plan: rows for plan, rows in cited.items() if not rows[0][0]}
    assert sorted(unnumbered) == ["000_476f4c6969e120d8", "001_f086a341d523f0d6", "003_ae6b162c194da025"]
    for plan, rows in unnumbered.items():
        assert len(rows) == 1, plan  # one issuer, one year: the title is the plan's own
        _, date, issuer, year = rows[0]
        head = plans[plan][:600]
        assert not date and "KẾ HOẠCH" in head and f"năm {year}" in head, plan
        assert re.search(r"Kế hoạch cải cách hành chính \(CCHC\) năm " + year, plans[plan]), plan
        assert not re.search(r"Số:\s*\d", head), plan  # truly no number of its own in the header
