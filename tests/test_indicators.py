"""Every indicator against a dossier set worked out by hand (indicators.md), through a real
refresh: the classification clauses, periods that are not the mean of their months, roll-ups,
targets and the composite score. The hand computation is written next to each expectation."""

import json

import pytest
from inbox_builder import CATALOG, UNITS, dossier, query, write_csv, write_month

from pipelines.cli import main
from pipelines.refresh import refresh

OCT, NOV = "2025-10", "2025-11"
OPEN = dict(ngay_ket_thuc=None, ngay_tra=None)
# SXD, procedure 1.001 (province level, full-process online, fee-bearing, integrated with the
# National Portal's payment). Every dossier below is received 01/10 and due 22/10 unless stated.
OCTOBER = [
    dossier("HS-A"),  # resolved 20/10: on time; kenh 2, full process; paid online (dvcqg)
    dossier("HS-B", ngay_ket_thuc="23/10/2025 10:00:00", ngay_tra="24/10/2025 10:00:00", co_phieu_xin_loi="1",
            danh_gia="không hài lòng"),  # resolved 23/10: late, with an apology; paid online (provincial gateway)
    dossier("HS-C", trang_thai="9", kenh="1", ngay_ket_thuc="24/10/2025 10:00:00", ngay_tra=None, so_lan_bo_sung="1",
            gio_bo_sung="48", ngay_yeu_cau_bo_sung="05/10/2025 10:00:00",
            ngay_hoan_thanh_bo_sung="07/10/2025 10:00:00"),  # 24/10 10:00 − 48 h = 22/10: on time; paid cash
    dossier("HS-D", so_lan_bo_sung="2", toan_trinh="0",
            ngay_yeu_cau_bo_sung="05/10/2025 10:00:00"),  # two supplements: late whatever its dates; payment failed
    dossier("HS-E", kenh="1", trang_thai="4", ngay_hen_tra="05/11/2025 17:00:00", danh_gia=None, **OPEN,
            ngay_cap_nhat="31/10/2025 17:00:00"),  # open at the end of October, due in November (see NOVEMBER)
    dossier("HS-F", kenh="3", trang_thai="4", ngay_hen_tra="30/10/2025 17:00:00", co_phieu_xin_loi="1", danh_gia=None,
            **OPEN),  # open at the end of October and overdue: late, with an apology
    dossier("HS-G", ngay_hen_tra=None, danh_gia="không hài lòng"),  # no due date: on time (and a warning)
    dossier("HS-H", trang_thai="5", ngay_yeu_cau_bo_sung="15/10/2025 10:00:00", danh_gia=None,
            **OPEN),  # pending supplement from 15/10: the clock stops, finished on time, not resolved
    dossier("HS-I", trang_thai="5", ngay_nop="01/09/2025 08:00:00", ngay_tiep_nhan="01/09/2025 09:00:00",
            ngay_hen_tra="30/09/2025 17:00:00", ngay_yeu_cau_bo_sung="20/09/2025 10:00:00", danh_gia=None,
            ngay_cap_nhat="20/09/2025 10:00:00", **OPEN),  # pending supplement before October: out of October's scope
    dossier("HS-J", trang_thai="7", ngay_ket_thuc="10/10/2025 10:00:00", ngay_tra=None,
            danh_gia=None),  # withdrawn 10/10: finished on time, not resolved
    dossier("HS-K", trang_thai="3", ngay_tiep_nhan=None, ngay_hen_tra=None, danh_gia=None, **OPEN),  # refused: not accepted
    dossier("HS-X", ma_don_vi="05977", ma_tthc="1.002", kenh="1", toan_trinh="0", ngay_hen_tra="09/10/2025 17:00:00",
            ngay_ket_thuc="06/10/2025 10:00:00", ngay_tra="07/10/2025 10:00:00"),  # commune, on time, in person
    dossier("HS-Y", ma_don_vi="06001", ma_tthc="1.002", kenh="1", toan_trinh="0", ngay_hen_tra="09/10/2025 17:00:00",
            ngay_ket_thuc="06/10/2025 10:00:00", ngay_tra="07/10/2025 10:00:00"),  # another commune, the same
]
NOVEMBER = [
    dossier("HS-E", kenh="1", ngay_hen_tra="05/11/2025 17:00:00", ngay_ket_thuc="10/11/2025 10:00:00",
            ngay_tra="11/11/2025 10:00:00", co_phieu_xin_loi="1", danh_gia="bình thường",
            ngay_cap_nhat="11/11/2025 10:00:00"),  # finished 10/11, after its due date: late in November
    dossier("HS-N1", NOV),  # on time
    dossier("HS-N2", NOV, ngay_ket_thuc="25/11/2025 10:00:00", ngay_tra="26/11/2025 10:00:00"),  # late
]
PAYMENTS = [  # ma_giao_dich, ma_ho_so, so_tien, hinh_thuc, nen_tang, trang_thai, thoi_diem
    ("GD-1", "HS-A", "100000", "truc_tuyen", "dvcqg", "thanh_cong", "02/10/2025 10:00:00"),
    ("GD-2", "HS-B", "100000", "truc_tuyen", "tinh", "thanh_cong", "03/10/2025 10:00:00"),
    ("GD-3", "HS-C", "100000", "tien_mat", None, "thanh_cong", "04/10/2025 10:00:00"),
    ("GD-4", "HS-D", "100000", "truc_tuyen", "dvcqg", "that_bai", "05/10/2025 10:00:00"),
    ("GD-5", "HS-G", "100000", "truc_tuyen", "dvcqg", "hoan_tien", "06/10/2025 10:00:00"),
]
NOVEMBER_PAYMENTS = [("GD-6", "HS-E", "100000", "truc_tuyen", "dvcqg", "thanh_cong", "10/11/2025 10:00:00"),
                     ("GD-7", "HS-X", "50000", "truc_tuyen", "", "thanh_cong", "12/11/2025 10:00:00")]  # no platform
DOCUMENTS = [  # ma_ho_so, ma_giay_to, loai, da_so_hoa, ket_qua_dien_tu, tai_su_dung, tu_kho_dvcqg, ngay_so_hoa
    ("HS-A", "G1", "thanh_phan", "1", "0", "1", "0", "01/10/2025 09:30:00"),
    ("HS-A", "R1", "ket_qua", "1", "1", "0", "0", "20/10/2025 10:00:00"),
    ("HS-B", "G1", "thanh_phan", "0", "0", "0", "0", "01/10/2025 09:30:00"),
    ("HS-B", "R1", "ket_qua", "1", "0", "0", "0", "23/10/2025 10:00:00"),
    ("HS-C", "G1", "thanh_phan", "1", "0", "0", "1", "01/10/2025 09:30:00"),
]
COMMUNE_B = ("06001", "Xã Đoàn Kết", "xa", "H39", "01/07/2025", None, None)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """One refresh of the hand-worked inbox; tests read its published copy."""
    root = tmp_path_factory.mktemp("indicators")
    inbox = root / "inbox"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CCHC_HOME", str(root / "home"))
        mp.setenv("DAGSTER_HOME", str(root / "home" / "dagster"))
        inbox.mkdir()
        write_csv(inbox / "don_vi.csv", "don_vi", [*UNITS, COMMUNE_B])
        write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
        write_month(inbox, OCT, OCTOBER, payments=PAYMENTS, documents=DOCUMENTS)
        write_month(inbox, NOV, NOVEMBER, payments=NOVEMBER_PAYMENTS)
        refresh(inbox)
    return root / "home"


def value(home, period, scope_code, indicator):
    return query(home / "warehouse" / "serving.duckdb",
                 "SELECT numerator, denominator, value FROM kpi.scorecard WHERE period = ? AND scope_code = ? AND indicator = ?",
                 [period, scope_code, indicator])[0]


# (indicator, numerator, denominator) for SXD in October 2025, worked out by hand:
# in scope A B C D E F G H J (I ended before October, K was never accepted); finished by 31/10:
# A B C D G H J; on time among them A C G H J; open and within time: E; late: B D F;
# resolved (status 9, 10): A B C D G; received in October: A B C D E F G H J (I in September).
SXD_OCTOBER = [
    ("on_time_rate", 6, 9),  # A C G H J + E
    ("resolved_on_time_rate", 3, 5),  # A C G of A B C D G
    ("late_apology_rate", 2, 3),  # B F of B D F
    ("online_dossier_rate", 6, 9),  # kenh 2: A B D G H J (C E in person, F by post)
    ("online_dossier_rate_all", 6, 9),
    ("full_process_rate", 5, 9),  # kenh 2 and toan_trinh: A B G H J (D partly online)
    ("online_service_uptake_rate", 1, 1),  # SXD provides 1.001 and has online dossiers
    ("payment_integration_rate", 1, 1),  # 1.001 is fee-bearing and integrated
    ("online_payment_rate", 2, 3),  # successful in October: GD-1, GD-2 online, GD-3 cash; failed, refunded out
    ("dvcqg_payment_share", 1, 2),  # GD-1 of GD-1, GD-2
    ("online_paid_dossier_rate", 3, 9),  # A, B, and E (paid online in November: "at any time")
    ("dossier_digitization_rate", 2, 9),  # A C
    ("result_digitization_rate", 2, 5),  # A B
    ("e_result_rate", 1, 5),  # A
    ("data_reuse_rate", 2, 9),  # A (reused), C (from the National Portal's store)
    ("satisfaction_rate", 2, 5),  # resolved on time A C G, less G (không hài lòng)
]


@pytest.mark.parametrize("indicator, numerator, denominator", SXD_OCTOBER, ids=[c[0] for c in SXD_OCTOBER])
def test_each_indicator_for_a_unit_and_month(published, indicator, numerator, denominator):
    n, d, v = value(published, OCT, "SXD", indicator)
    assert (n, d) == (numerator, denominator)
    assert v == pytest.approx(100 * numerator / denominator, abs=1e-9)


@pytest.mark.parametrize("period, numerator, denominator", [
    (NOV, 1, 4),  # in scope E F N1 N2 (F is still open, and overdue); on time: N1
    ("2025-Q4", 6, 11),  # A..J less I, with N1 N2: on time A C G H J N1 (F open and overdue at 30/11; E late)
    ("2025", 7, 12),  # and I (its supplement request of 20/09 stopped the clock before its due date)
    ("2025-YTD-10", 7, 10),  # October's 9 and I; on time A C G H J, E (open, due after 31/10), I
    ("2025-H2", 7, 12),  # July to December: as the year
])
def test_a_period_is_counted_from_dossiers_never_averaged(published, period, numerator, denominator):
    assert value(published, period, "SXD", "on_time_rate")[:2] == (numerator, denominator)


def test_a_quarter_is_not_the_mean_of_its_months(published):
    october, november, quarter = (value(published, p, "SXD", "on_time_rate")[2] for p in (OCT, NOV, "2025-Q4"))
    assert quarter == pytest.approx(100 * 6 / 11)
    assert quarter != pytest.approx((october + november) / 2)


def test_a_period_not_over_yet_ends_where_the_data_ends(inbox, cchc_home):
    """Only October 2025 loaded. HS-1, received 28/10 and due 04/11, is open in October's file: on
    time in October, and so in the quarter, the half and the year so far, which end with the data
    (31/10), not on a day still to come (31/12: it would count late, 57 days). HS-2, open and due
    30/10, is late everywhere, one day late at 31/10."""
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, OCT, [
        dossier("HS-1", trang_thai="4", ngay_nop="28/10/2025 08:00:00", ngay_tiep_nhan="28/10/2025 09:00:00",
                ngay_hen_tra="04/11/2025 17:00:00", danh_gia=None, ngay_cap_nhat="31/10/2025 10:00:00", **OPEN),
        dossier("HS-2", trang_thai="4", ngay_hen_tra="30/10/2025 17:00:00", danh_gia=None, **OPEN),
    ])
    refresh(inbox)
    serving = cchc_home / "warehouse" / "serving.duckdb"
    periods = (OCT, "2025-Q4", "2025-H2", "2025", "2025-YTD-10")
    assert query(serving, "SELECT period, end_date::VARCHAR, complete FROM kpi.periods WHERE list_contains(?, period) "
                 "ORDER BY period", [list(periods)]) == [
        ("2025", "2025-10-31", False), ("2025-10", "2025-10-31", True), ("2025-H2", "2025-10-31", False),
        ("2025-Q4", "2025-10-31", False), ("2025-YTD-10", "2025-10-31", False)]  # January to September: no files
    for period in periods:
        assert value(cchc_home, period, "SXD", "on_time_rate")[:2] == (1, 2), period
    assert query(serving, "SELECT ma_ho_so, days_late, reason FROM kpi.late_dossiers WHERE period = '2025-Q4'") == [
        ("HS-2", 1, "open_overdue")]


def test_levels_and_the_province_sum_their_units(published):
    assert value(published, OCT, "xa", "on_time_rate")[:2] == (2, 2)  # HS-X, HS-Y
    assert value(published, OCT, "tinh", "on_time_rate")[:2] == (6, 9)  # SXD (the province's own body has none)
    assert value(published, OCT, "province", "on_time_rate")[:2] == (8, 11)
    # online services: (SXD, 1.001) used; (05977, 1.002) and (06001, 1.002) offered, no online dossier
    assert value(published, OCT, "province", "online_service_uptake_rate")[:2] == (1, 3)
    assert value(published, OCT, "province", "online_dossier_rate")[:2] == (6, 11)


def test_an_online_payment_with_no_platform_counts_against_the_national_portal_share(published):
    """GD-7, commune 05977's only payment in November: online, platform left empty. It is an online
    payment and not one through the National Portal: in the share's denominator, not its numerator."""
    assert value(published, NOV, "05977", "online_payment_rate")[:2] == (1, 1)
    assert value(published, NOV, "05977", "dvcqg_payment_share")[:2] == (0, 1)


def test_a_unit_without_activity_is_stated_not_missing(published):
    rows = query(published / "warehouse" / "serving.duckdb",
                 "SELECT numerator, denominator, value, status FROM kpi.scorecard WHERE period = ? AND scope_code = 'H39'",
                 [OCT])
    assert len(rows) == 16 and all(r == (0, 0, None, "no_activity") for r in rows)


def test_composite_score_and_ranking_with_ties(published):
    rows = query(published / "warehouse" / "serving.duckdb",
                 "SELECT scope_code, level, round(score, 6), rank, max_points FROM kpi.composite "
                 "WHERE period = ? AND scope = 'unit' ORDER BY level, rank, scope_code", [OCT])
    # SXD: 20·6/9 + 12·1 + 6·3/9 + 4·1 + 6·1/5 + 4·2/9 + 2·(2/9)/0.8 + 6·(2/5)/0.9 = 36.6444 of 60
    sxd = 100 * (20 * 6 / 9 + 12 + 6 * 3 / 9 + 4 + 6 / 5 + 4 * 2 / 9 + 2 * (2 / 9) / 0.8 + 6 * (2 / 5) / 0.9) / 60
    # each commune: on time 20, online 0, e-result 0, digitized 0, reuse 0, satisfaction 6 of 50
    # (no fee-bearing procedure: the two payment indicators have no activity and are left out)
    assert rows == [("SXD", "tinh", round(sxd, 6), 1, 60), ("05977", "xa", 52.0, 1, 50), ("06001", "xa", 52.0, 1, 50)]


def test_kpis_and_explain_agree(published, monkeypatch, capsys):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["kpis", "--period", OCT, "--scope", "unit", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert list(rows[0]) == ["period", "scope", "scope_code", "indicator", "numerator", "denominator", "value",
                             "target", "comparator", "target_source", "status"]
    line = next(r for r in rows if r["scope_code"] == "SXD" and r["indicator"] == "on_time_rate")
    assert main(["explain", "--period", OCT, "--unit", "SXD", "--indicator", "on_time_rate", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sum(r["in_numerator"] for r in listed) == line["numerator"] == 6
    assert sum(r["in_denominator"] for r in listed) == line["denominator"] == 9
    assert sorted(r["ma_ho_so"] for r in listed if r["in_denominator"] and not r["in_numerator"]) == ["HS-B", "HS-D", "HS-F"]
    for indicator, view_key in [("dvcqg_payment_share", "ma_giao_dich"), ("online_service_uptake_rate", "ma_tthc")]:
        assert main(["explain", "--period", OCT, "--unit", "province", "--indicator", indicator, "--format", "json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        n, d, _ = value(published, OCT, "province", indicator)
        assert (sum(r["in_numerator"] for r in listed), sum(r["in_denominator"] for r in listed)) == (n, d)
        assert all(view_key in r for r in listed)


def test_kpis_piped_into_head_ends_quietly(published):
    import os
    import subprocess
    import sys

    done = subprocess.run(f"'{sys.executable}' -m pipelines.cli kpis --period {OCT} | head -1", shell=True,
                          capture_output=True, text=True, env={**os.environ, "CCHC_HOME": str(published)})
    assert done.stdout.startswith("period,scope,scope_code,indicator") and done.stderr == ""


def test_kpis_says_which_periods_exist(published, monkeypatch, capsys):
    monkeypatch.setenv("CCHC_HOME", str(published))
    assert main(["kpis", "--period", "2025-13"]) == 2
    assert "Không có kỳ «2025-13»" in capsys.readouterr().err


def test_a_merged_unit_rolls_up_to_its_successor_across_the_merger(inbox, cchc_home):
    """SGTVT merged into SXD on 1/3/2025. HS-T, received by SGTVT in February and finished on time
    in March: February shows it under SGTVT; March, the quarter and the year roll it up into SXD,
    and SGTVT has no row once it is gone."""
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    moved = dict(ma_don_vi="SGTVT", trang_thai="4", ngay_hen_tra="20/03/2025 17:00:00", **OPEN, danh_gia=None)
    write_month(inbox, "2025-02", [dossier("HS-T", "2025-02", **moved, ngay_cap_nhat="27/02/2025 10:00:00")])
    write_month(inbox, "2025-03", [
        dossier("HS-T", "2025-02", **moved | dict(trang_thai="10", ngay_ket_thuc="15/03/2025 10:00:00",
                                                  ngay_tra="16/03/2025 10:00:00", ngay_cap_nhat="16/03/2025 10:00:00")),
        dossier("HS-W", "2025-03")])
    refresh(inbox)
    serving = cchc_home / "warehouse" / "serving.duckdb"
    rows = query(serving, "SELECT period, scope_code, numerator, denominator FROM kpi.values WHERE indicator = "
                 "'on_time_rate' AND scope = 'unit' AND scope_code IN ('SGTVT', 'SXD') ORDER BY ALL")
    assert rows == [("2025", "SXD", 2, 2), ("2025-02", "SGTVT", 1, 1), ("2025-02", "SXD", 0, 0),
                    ("2025-03", "SXD", 2, 2), ("2025-9M", "SXD", 2, 2), ("2025-H1", "SXD", 2, 2), ("2025-Q1", "SXD", 2, 2),
                    ("2025-YTD-02", "SGTVT", 1, 1), ("2025-YTD-02", "SXD", 0, 0),
                    ("2025-YTD-03", "SXD", 2, 2)]
    # as today's units, SXD's February includes what SGTVT handled then
    assert query(serving, "SELECT numerator, denominator FROM kpi.values_as_today WHERE period = '2025-02' "
                 "AND scope_code = 'SXD' AND indicator = 'on_time_rate'") == [(1, 1)]


def test_the_15th_to_14th_reporting_window(inbox, cchc_home):
    (cchc_home / "config.toml").parent.mkdir(parents=True, exist_ok=True)
    (cchc_home / "config.toml").write_text('[indicators]\nreporting_window = "15-14"\n', encoding="utf-8")
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, OCT, [
        dossier("HS-1", ngay_tiep_nhan="10/10/2025 09:00:00"),  # received in the window 15/09 … 14/10
        dossier("HS-2", ngay_tiep_nhan="16/10/2025 09:00:00", ngay_ket_thuc="21/10/2025 10:00:00"),  # in the next one
    ])
    refresh(inbox)
    serving = cchc_home / "warehouse" / "serving.duckdb"
    assert query(serving, "SELECT period, start_date::VARCHAR, end_date::VARCHAR FROM kpi.periods WHERE period IN (?, "
                 "'2025-Q4') ORDER BY period", [OCT]) == [
        ("2025-10", "2025-09-15", "2025-10-14"), ("2025-Q4", "2025-09-15", "2025-10-14")]  # the quarter so far
    assert query(serving, "SELECT numerator, denominator FROM kpi.values WHERE period = ? AND scope_code = 'SXD' "
                 "AND indicator = 'online_dossier_rate_all'", [OCT]) == [(1, 1)]


def test_the_target_that_applies(inbox, cchc_home, tmp_path, monkeypatch):
    """Latest year first, then the most specific scope (unit, level, province); an older year's
    target is carried forward and marked; a unit-scoped target finds its unit by name when the
    codes differ (the registry says H39.04, this inbox SXD)."""
    import csv

    registry = tmp_path / "targets.csv"
    header = ["target_id", "plan", "plan_number", "plan_date", "issuer", "year", "scope_type", "scope_code",
              "scope_name", "indicator", "comparator", "threshold", "quote"]
    targets = [
        ("P24", "2024", "province", "H39", "Tỉnh Lạng Sơn", "on_time_rate", ">", "99"),
        ("L24", "2024", "level", "xa", "Cấp xã", "on_time_rate", ">", "95"),
        ("P25", "2025", "province", "H39", "Tỉnh Lạng Sơn", "on_time_rate", ">", "98"),
        ("U25", "2025", "unit", "H39.04", "Sở Xây dựng", "on_time_rate", ">=", "100"),
        ("A24", "2024", "province", "H39", "Tỉnh Lạng Sơn", "late_apology_rate", ">=", "100"),
    ]
    with registry.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for tid, year, scope_type, code, name, indicator, comparator, threshold in targets:
            w.writerow([tid, "plan", "1/KH", "2024-01-05", "UBND", year, scope_type, code, name, indicator, comparator,
                        threshold, f"quote {tid}"])
    monkeypatch.setattr("pipelines.indicators.build.TARGETS", registry)
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, OCT, [dossier("HS-1"), dossier("HS-2", ngay_ket_thuc="23/10/2025 10:00:00", ngay_tra="24/10/2025 10:00:00"),
                             dossier("HS-3", ma_don_vi="05977", ma_tthc="1.002")])
    refresh(inbox)
    rows = query(cchc_home / "warehouse" / "serving.duckdb",
                 "SELECT scope_code, indicator, target_id, target, comparator, carried_forward, status, target_source "
                 "FROM kpi.scorecard WHERE period = ? AND scope_code IN ('SXD', '05977', 'xa', 'province', 'H39') "
                 "AND indicator IN ('on_time_rate', 'late_apology_rate') ORDER BY scope_code, indicator", [OCT])
    assert [r[:7] for r in rows] == [
        ("05977", "late_apology_rate", "A24", 100, ">=", True, "no_activity"),
        ("05977", "on_time_rate", "P25", 98, ">", False, "met"),  # 2025 beats the more specific 2024 level target
        ("H39", "late_apology_rate", "A24", 100, ">=", True, "no_activity"),
        ("H39", "on_time_rate", "P25", 98, ">", False, "no_activity"),
        ("SXD", "late_apology_rate", "A24", 100, ">=", True, "not_met"),  # HS-2 late, no apology
        ("SXD", "on_time_rate", "U25", 100, ">=", False, "not_met"),  # its own plan, found by name: 1 of 2
        ("province", "late_apology_rate", "A24", 100, ">=", True, "not_met"),
        ("province", "on_time_rate", "P25", 98, ">", False, "not_met"),
        ("xa", "late_apology_rate", "A24", 100, ">=", True, "no_activity"),
        ("xa", "on_time_rate", "P25", 98, ">", False, "met"),
    ]
    assert rows[0][7] == "Kế hoạch số 1/KH ngày 05/01/2024 của UBND (chỉ tiêu năm 2024, chuyển tiếp)"


def test_reported_indicators_are_loaded_validated_and_judged(inbox, cchc_home, tmp_path, capsys):
    from fastexcel import read_excel
    from inbox_builder import set_max_quarantine_share

    set_max_quarantine_share(1)  # two bad rows of four
    write_csv(inbox / "don_vi.csv", "don_vi", UNITS)
    write_csv(inbox / "danh_muc_tthc.csv", "danh_muc_tthc", CATALOG)
    write_month(inbox, OCT, [dossier("HS-1")])
    write_csv(inbox / "chi_so_bao_cao.csv", "chi_so_bao_cao", [
        ("2025", "H39", "par_index_rank", "30", "công bố 2026"),  # the province's row: province scope
        ("2025", "SXD", "public_investment_disbursement_rate", "94,5", None),  # decimal comma
        ("2025", "SXD", "xyz_rate", "10", None),
        ("2025-13", "SXD", "public_investment_disbursement_rate", "90", None),
    ])
    refresh(inbox)
    serving = cchc_home / "warehouse" / "serving.duckdb"
    assert query(serving, 'SELECT "row", rule FROM meta.quarantine WHERE kind = \'chi_so_bao_cao\' ORDER BY 1') == [
        (4, "known_ma_chi_so"), (5, "allowed_ky")]
    rows = query(serving, "SELECT scope_code, indicator, numerator, value, target, comparator, target_id, "
                 "carried_forward, status FROM kpi.scorecard WHERE period = '2025' AND indicator IN "
                 "('par_index_rank', 'public_investment_disbursement_rate') ORDER BY 1")
    assert rows == [
        ("SXD", "public_investment_disbursement_rate", None, 94.5, 95, ">", "002-10", False, "not_met"),  # its own plan
        ("province", "par_index_rank", None, 30, 35, "<=", "000-01", True, "met"),  # 2024's target carried forward
    ]
    assert main(["kpis", "--period", "2025", "--scope", "province"]) == 0
    assert ('2025,province,province,par_index_rank,,,30.0,35.0,<=,'
            '"Kế hoạch CCHC năm 2024 của UBND tỉnh Lạng Sơn (chỉ tiêu năm 2024, chuyển tiếp)",met') in capsys.readouterr().out
    form = tmp_path / "form.xlsx"
    assert main(["template", "--year", "2025", "--out", str(form)]) == 0
    sheet = read_excel(form).load_sheet("chi_so_bao_cao").to_polars()
    assert sheet.columns == ["Kỳ", "Mã đơn vị", "Mã chỉ số", "Giá trị", "Ghi chú"]
    assert ("2025", "H37.04", "public_investment_disbursement_rate") in sheet.select(sheet.columns[:3]).rows()
