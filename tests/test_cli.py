"""The steward's command line: what it prints on success, and a clear message (no traceback) on bad input."""

import pytest
from inbox_builder import dossier, write_month, write_reference

from pipelines.cli import main


def test_refresh_says_what_it_loaded(inbox, capsys):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1"), dossier("HS-2")])
    (inbox / "ghi_chu.txt").write_text("not an export")
    assert main(["refresh", "--inbox", str(inbox)]) == 0
    out = capsys.readouterr().out
    assert "ho_so_2025-10.csv: 2 dòng / rows (csv, vi)" in out
    assert "2 hồ sơ / dossiers" in out and "Cấp tỉnh: 2" in out
    assert "bỏ qua / ignored" in out and "ghi_chu.txt" in out
    assert main(["refresh", "--inbox", str(inbox)]) == 0
    assert "Không có tệp mới" in capsys.readouterr().out


def test_bad_input_gives_a_message_not_a_traceback(inbox, capsys):
    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    (inbox / "ho_so_2025-10.csv").write_bytes(b"\xff\xfe\x00garbage")
    assert main(["refresh", "--inbox", str(inbox)]) == 1
    err = capsys.readouterr().err
    assert "LÀM MỚI THẤT BẠI" in err and "REFRESH FAILED" in err and "Traceback" not in err


def test_missing_inbox_and_empty_inbox(tmp_path, capsys):
    assert main(["refresh", "--inbox", str(tmp_path / "nowhere")]) == 2
    assert "Không tìm thấy thư mục" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["refresh", "--inbox", str(tmp_path / "empty")]) == 2
    assert "không có tệp nào" in capsys.readouterr().err


def test_a_second_writer_is_told_to_wait(inbox, capsys):
    from pipelines.db import connect
    from pipelines.settings import home

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-1")])
    assert main(["refresh", "--inbox", str(inbox)]) == 0
    capsys.readouterr()
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(30)"),
        str(home().build_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        (inbox / "ho_so_2025-10.csv").write_text((inbox / "ho_so_2025-10.csv").read_text() + "\n")
        assert main(["refresh", "--inbox", str(inbox)]) == 2
        assert "Kho đang được một tiến trình khác ghi" in capsys.readouterr().err
    finally:
        holder.kill()
    assert connect(home().serving_db, read_only=True).execute("SELECT count(*) FROM core.fct_ho_so").fetchone() == (1,)


def test_check_reports_without_loading(inbox, capsys):
    import json

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier(f"HS-{i}") for i in range(40)] + [dossier("HS-B", kenh="9")])
    files = [str(p) for p in sorted(inbox.iterdir())]
    assert main(["check", *files]) == 0  # 1 bad row of 41 (2.4%): loadable, with the row quarantined
    out = capsys.readouterr().out
    assert "ho_so_2025-10.csv: CÓ DÒNG BỊ CÁCH LY / rows quarantined" in out
    assert "[LỖI] allowed_kenh × 1: Cột «Kênh thực hiện» chỉ nhận: 1, 2, 3. (dòng 42 «9»)" in out
    assert main(["check", "--json", str(inbox / "ho_so_2025-10.csv"), str(inbox / "don_vi.csv")]) == 0
    report = {r["kind"]: r for r in json.loads(capsys.readouterr().out)}
    assert report["ho_so"]["rows_read"] == 41 and report["ho_so"]["rows_quarantined"] == 1
    assert report["ho_so"]["rows_accepted"] == 40 and report["ho_so"]["expectations_failed"] == 1
    assert report["ho_so"]["rules"][0]["examples"] == [{"row": 42, "column": "kenh", "value": "9"}]
    from pipelines.settings import home
    assert not home().build_db.exists() and not home().serving_db.exists()  # nothing was loaded


def test_check_says_which_file_would_be_held_back(inbox, capsys):
    import json

    write_reference(inbox)
    write_month(inbox, "2025-10", [dossier("HS-A"), dossier("HS-B", kenh="9")])
    assert main(["check", "--json", str(inbox / "don_vi.csv"), str(inbox / "ho_so_2025-10.csv")]) == 1
    report = {r["kind"]: r for r in json.loads(capsys.readouterr().out)}["ho_so"]
    assert report["status"] == "held_back" and report["error_vi"].startswith("Tệp bị giữ lại: 1/2 dòng (50.0%)")
    assert (report["rows_accepted"], report["rows_quarantined"]) == (0, 1)
    assert report["rules"][0]["examples"] == [{"row": 3, "column": "kenh", "value": "9"}]


@pytest.mark.parametrize("command", ["check", "refresh"])
@pytest.mark.parametrize("text, said", [
    ('[validation]\nmax_quarantine_share = "5%"\n', "mục không hợp lệ: [validation] max_quarantine_share = '5%'"),
    ("[validation]\nmax_quarantine_share = 5\n", "[validation] max_quarantine_share phải nằm trong khoảng 0 … 1"),
    ("[validation]\nmax_share = 0.1\n", "mục không hợp lệ: [validation] max_share = 0.1"),
    ("[validation\n", "Tệp cấu hình không đọc được"),
])
def test_a_wrong_setting_is_named(inbox, capsys, command, text, said):
    from pipelines.config import config_path

    write_reference(inbox)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text, encoding="utf-8")
    args = ["check", str(inbox / "don_vi.csv")] if command == "check" else ["refresh", "--inbox", str(inbox)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_check_says_which_files_would_be_refused(inbox, capsys):
    (inbox / "ho_so_2025-10.csv").write_bytes(b"")
    (inbox / "bao_cao.csv").write_text("x")
    assert main(["check", str(inbox / "ho_so_2025-10.csv"), str(inbox / "bao_cao.csv")]) == 1
    out = capsys.readouterr().out
    assert "ho_so_2025-10.csv: BỊ TỪ CHỐI / rejected" in out and "Tệp rỗng" in out
    assert "bao_cao.csv: BỊ TỪ CHỐI / rejected" in out


def test_bench_agrees_with_both_baselines_cell_by_cell(tmp_path, cchc_home):
    """`cchc bench` end to end on a small sample: every step runs, and the one-query DuckDB limit
    and the pandas script find the warehouse's on_time_rate in every unit and month (figures,
    not timings, are asserted)."""
    import json

    from pipelines.cli import main

    assert main(["bench", "--dossiers", "3000", "--work", str(tmp_path / "bench"), "--runs", "1",
                 "--results", str(tmp_path / "results")]) == 0
    result = json.loads((tmp_path / "results" / "refresh-3000.json").read_text())
    assert [s["step"] for s in result["steps"]] == [
        "full refresh", "nothing changed", "re-export of ho_so_2026-10.csv", "limit: one DuckDB query",
        "user: pandas script"]
    counted = result["steps"][2]["counted"]  # the re-export's corrections were counted, not the whole history
    assert counted["whole"] is False and counted["dossiers_changed"] > 0
    agreement = result["agreement"]  # after the re-export: what was counted and patched in agrees
    assert agreement["cells"] > 500
    for baseline in ("duckdb", "pandas"):
        assert agreement[baseline] == {"cells": agreement["cells"], "differ": 0, "only_ours": 0, "only_theirs": 0}
    assert "unit" in result["dashboards"] and "overview" in result["dashboards"]
