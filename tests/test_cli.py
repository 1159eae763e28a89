"""The steward's command line: what it prints on success, and a clear message (no traceback) on bad input."""

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
