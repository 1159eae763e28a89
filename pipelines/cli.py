"""`cchc`: the steward's command line. Messages in Vietnamese first, English after."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from pipelines.errors import DiskFull, InputError, disk_full
from pipelines.settings import PROJECT_ROOT, home, prepare_dagster_home

DASHBOARD_PORT = 8501


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cchc", description="Kho chỉ số CCHC / CCHC KPI warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("start", help="Nạp dữ liệu mẫu, làm mới, mở bảng điều khiển / sample → refresh → dashboard")
    p.add_argument("--port", type=int, default=DASHBOARD_PORT)
    p.add_argument("--no-serve", action="store_true", help="chỉ làm mới, không mở bảng điều khiển / refresh only")

    p = sub.add_parser("refresh", help="Nạp hộp thư vào kho và xuất bản / load an inbox and publish")
    p.add_argument("--inbox", type=Path, default=None, help="thư mục tệp xuất (mặc định $CCHC_HOME/inbox)")

    p = sub.add_parser("sample", help="Sinh bộ dữ liệu mẫu / write the sample exports")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--dossiers", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--plain", action="store_true", help="chỉ CSV UTF-8 dấu phẩy / plain UTF-8 CSVs only")
    p.add_argument("--from", dest="first", default=None, metavar="YYYY-MM",
                   help="tháng đầu (mặc định 2024-01) / first month (default 2024-01)")

    sub.add_parser("bench", add_help=False, help="Đo tốc độ làm mới ở quy mô lớn / benchmark the refresh at scale "
                   "(--dossiers N; `cchc bench --help`)")  # its own options: benchmarks/refresh.py

    p = sub.add_parser("serve", help="Mở bảng điều khiển / serve the dashboards")
    p.add_argument("--port", type=int, default=DASHBOARD_PORT)

    p = sub.add_parser("check", help="Kiểm tra tệp mà không nạp / validate files without loading them")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--json", action="store_true", help="báo cáo JSON / JSON report")

    p = sub.add_parser("kpis", help="Chỉ số theo kỳ so với chỉ tiêu / indicators of a period against targets")
    p.add_argument("--period", required=True, help="2025-10, 2025-Q4, 2025-H1, 2025-9M, 2025, 2025-YTD-10")
    p.add_argument("--scope", choices=["unit", "level", "province"], default=None)
    p.add_argument("--format", choices=["csv", "json"], default="csv")

    p = sub.add_parser("explain", help="Các hồ sơ tạo nên một chỉ số, hoặc trạng thái một hồ sơ cuối kỳ / "
                                       "the rows behind one indicator, or one dossier's state at the period's end")
    p.add_argument("--period", required=True)
    p.add_argument("--unit", help="mã đơn vị, tinh/huyen/xa, hoặc province / unit code, level or province")
    p.add_argument("--indicator")
    p.add_argument("--dossier", help="mã hồ sơ: trạng thái cuối kỳ và lý do / a dossier code: its state and why")
    p.add_argument("--format", choices=["csv", "json"], default="csv")

    p = sub.add_parser("report", help="Biểu báo cáo định kỳ (Biểu 06/VPCP/KSTT) / the periodic report table")
    p.add_argument("--period", required=True, help="2025-10, 2025-Q4, 2025-H1, 2025-9M, 2025, 2025-YTD-10")
    p.add_argument("--unit", help="mã đơn vị (theo lĩnh vực), hoặc province; bỏ trống: theo đơn vị / a unit code "
                                  "(by field) or province; none: by unit")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument("--out", type=Path, default=None, help="tệp ghi ra (CSV mặc định ra màn hình) / output file")

    p = sub.add_parser("template", help="Mẫu nhập chỉ số báo cáo / the form for reported indicators")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", type=Path, default=Path("chi_so_bao_cao.xlsx"))

    sub.add_parser("dagster", help="Mở giao diện Dagster / start the Dagster UI")

    p = sub.add_parser("docs", help="Mô tả các bảng và cột của kho / the warehouse's tables and columns, as a page")
    p.add_argument("--out", type=Path, default=Path("warehouse-docs"), help="thư mục ghi ra / output directory")

    p = sub.add_parser("alerts", help="Cảnh báo / alerts: evaluate, send, list, ack, snooze")
    p.add_argument("action", choices=["evaluate", "send", "list", "ack", "snooze"])
    p.add_argument("episode", type=int, nargs="*", help="số cảnh báo, một hoặc nhiều (ack, snooze) / alert numbers")
    p.add_argument("--note", help="ghi chú (ack, snooze) / a note")
    p.add_argument("--until", type=lambda s: dt.date.fromisoformat(s), help="snooze: YYYY-MM-DD")
    p.add_argument("--by", default=os.environ.get("USER", "cli"), help="ai xác nhận / who acknowledges")

    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "bench":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    args.rest = rest
    try:
        return COMMANDS[args.command](args)
    except DiskFull as e:
        return _say_disk_full(e)
    except InputError as e:
        print(f"LỖI DỮ LIỆU / INPUT ERROR:\n  {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cchc kpis … | head`: the reader has had enough; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # no room to write, wherever it surfaced (sample, report, alerts, …): said plainly
        full = disk_full(e, home().root)
        if full is None:
            raise
        return _say_disk_full(full)


def _say_disk_full(e: DiskFull) -> int:
    print(f"HẾT CHỖ TRÊN ĐĨA / NO SPACE LEFT:\n  {e}", file=sys.stderr)
    return 1


def cmd_sample(args) -> int:
    from sample_data.generator import generate

    print(f"Đang sinh dữ liệu mẫu ({args.dossiers:,} hồ sơ) vào {args.out} … / generating the sample …")
    summary = generate(args.out, dossiers=args.dossiers, seed=args.seed, plain=args.plain, first=args.first)
    print(f"Xong / done: {summary}")
    return 0


def cmd_refresh(args) -> int:
    from pipelines.refresh import RefreshFailed, refresh

    inbox = (args.inbox or home().inbox).resolve()
    print(f"Làm mới từ hộp thư / refreshing from: {inbox}")
    try:
        outcome = refresh(inbox)
    except RefreshFailed as e:
        print(
            f"LÀM MỚI THẤT BẠI, số liệu đã xuất bản trước đó được giữ nguyên.\n"
            f"REFRESH FAILED; the last published numbers are unchanged.\n  {e}"
            + (f"\n  (Dagster run {e.run_id}: `cchc dagster` để xem chi tiết / for details)" if e.run_id else ""),
            file=sys.stderr,
        )
        return 1
    for name in outcome.ignored:
        print(f"  bỏ qua / ignored (tên tệp không theo quy ước / name not in the contract): {name}")
    if outcome.run_id is None:
        print("Không có tệp mới hoặc thay đổi; kho giữ nguyên. / Nothing new or changed; warehouse unchanged.")
        if outcome.alerts:  # the last evaluation was cut short (pipelines.alert.run.evaluate_if_incomplete)
            print("Lần đánh giá cảnh báo trước chưa xong; đã đánh giá lại. / The last alert evaluation had not "
                  "finished; evaluated again.")
            print_alerts(outcome.alerts)
    else:
        for f in outcome.files:
            extra = f"; cột thừa / extra columns: {', '.join(f['extra_columns'])}" if f["extra_columns"] else ""
            skipped = (f", bỏ qua {f['rows_skipped']} dòng (tổng cộng, trống, chỉ có cột thừa) / {f['rows_skipped']} rows "
                       "skipped (totals, blank, extra columns only)") if f["rows_skipped"] else ""
            print(f"  {f['file_name']}: {f['rows_loaded']:,} dòng / rows ({f['file_format']}, {f['profile']}){skipped}{extra}")
        print(f"Các kỳ đã nạp / periods loaded: {', '.join(outcome.changed_periods)} (Dagster run {outcome.run_id})")
        print_alerts(outcome.alerts)
    print_warehouse_summary()
    return 0


def print_alerts(outcome: dict) -> None:
    from pipelines.alert.contacts import contacts_path
    from pipelines.alert.messages import untold_lines

    if "error" in outcome:
        print(f"Cảnh báo chưa gửi được / alerts not sent: {outcome['error']}", file=sys.stderr)
        return
    if outcome.get("baseline"):
        print("Lần đánh giá cảnh báo đầu tiên (hoặc sau thời gian dài): các cảnh báo đang mở được ghi nhận, mỗi người "
              "nhận một bản tổng hợp. / First alert evaluation (or after a long gap): the open alerts are recorded, "
              "each recipient gets one summary.")
    print(f"Cảnh báo / alerts: {outcome.get('firing', 0)} đang kích hoạt / firing, {outcome.get('events', 0)} sự kiện mới / "
          f"new events, {outcome.get('messages', 0)} tin nhắn / messages: {outcome.get('sent', 0)} đã gửi / sent, "
          f"{outcome.get('waiting', 0)} chờ gửi lại / waiting to retry, {outcome.get('failed', 0)} hết lượt thử / "
          "out of attempts" + (f", {outcome['unconfirmed']} đã gửi, chưa xác nhận (không gửi lại) / sent, unconfirmed "
                               "(not sent again)" if outcome.get("unconfirmed") else ""))
    for line in untold_lines(outcome, contacts_path()):
        print(line)


def print_warehouse_summary() -> None:
    from pipelines.db import read_published

    h = home()
    with read_published() as con:
        periods, first, last = con.execute("SELECT count(*), min(thang), max(thang) FROM marts.periods_loaded").fetchone()
        dossiers = con.execute("SELECT count(*) FROM core.fct_ho_so").fetchone()[0]
        by_level = con.execute(
            "SELECT ten_cap, sum(so_ho_so) FROM marts.dossiers_by_month_level GROUP BY ALL ORDER BY 2 DESC").fetchall()
        units = con.execute("SELECT count(*) FROM core.dim_don_vi").fetchone()[0]
    print(f"Kho đã xuất bản / published warehouse: {h.serving_db}")
    print(f"  {periods} kỳ / periods ({first} … {last}), {dossiers:,} hồ sơ / dossiers, {units} đơn vị / units")
    for level, n in by_level:
        print(f"    {level}: {n:,}")


def cmd_kpis(args) -> int:
    from pipelines.indicators.report import KPI_COLUMNS, kpis, write

    write(kpis(args.period, args.scope), KPI_COLUMNS, args.format)
    return 0


def cmd_explain(args) -> int:
    from pipelines.indicators.report import explain, explain_dossier, write

    if args.dossier:
        found = explain_dossier(args.period, args.dossier)
        if args.format == "json":
            write([found], list(found), "json")
        else:
            print(found["why_vi"])
            print(found["why_en"])
        return 0
    if not (args.unit and args.indicator):
        raise InputError("Cần --unit và --indicator, hoặc --dossier.", "Give --unit and --indicator, or --dossier.")
    rows, total = explain(args.period, args.unit, args.indicator)
    write(rows, list(rows[0]) if rows else ["in_numerator", "in_denominator"], args.format)
    value = "—" if total["value"] is None else f"{total['value']:.2f}%"
    print(f"{total['indicator']} {total['scope_code']} {total['period']}: tử số / numerator {total['numerator']}, "
          f"mẫu số / denominator {total['denominator']}, giá trị / value {value}, {total['status']}", file=sys.stderr)
    return 0


def cmd_report(args) -> int:
    from pipelines.indicators.report_table import report_table, to_csv, to_xlsx

    table = report_table(args.period, args.unit)
    if args.format == "csv" and args.out is None:
        sys.stdout.write(to_csv(table))
        return 0
    out = args.out or Path(f"bieu_06_{args.period}_{args.unit or 'don_vi'}.{args.format}")
    if args.format == "csv":
        out.write_text(to_csv(table), encoding="utf-8-sig")
    else:
        out.write_bytes(to_xlsx(table))
    print(f"Đã ghi / written: {out} ({len(table.data_rows) - 1} dòng / rows, tổng / total {table.rows[-1]['c3']} hồ sơ "
          f"/ dossiers)", file=sys.stderr)
    return 0


def cmd_template(args) -> int:
    from pipelines.indicators.template import write_template

    n = write_template(args.out, args.year)
    print(f"Đã ghi mẫu / template written: {args.out} ({n} dòng chỉ tiêu năm {args.year} / target rows). "
          "Điền cột «Giá trị», lưu vào hộp thư với tên chi_so_bao_cao.xlsx rồi làm mới. / "
          "Fill in 'Giá trị', save it in the inbox as chi_so_bao_cao.xlsx, then refresh.")
    return 0


def _published():
    """The home, once it has a published copy."""
    h = home()
    if not h.serving_db.exists():
        raise InputError("Chưa có kho đã xuất bản: hãy chạy `cchc refresh` trước.",
                         "No published warehouse yet: run `cchc refresh` first.")
    return h


def cmd_docs(args) -> int:
    """The catalogue of the published warehouse: one page, written offline (pipelines/model/docs.py)."""
    from pipelines.db import read_published
    from pipelines.model.docs import catalog_html

    _published()
    with read_published() as con:
        page = catalog_html(con)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "index.html").write_text(page, encoding="utf-8")
    print(f"Đã ghi / written: {args.out / 'index.html'}")
    return 0


def cmd_serve(args) -> int:
    h = _published()
    print(f"Bảng điều khiển / dashboard: http://localhost:{args.port}  (Ctrl+C để dừng / to stop)", flush=True)
    os.environ["CCHC_HOME"] = str(h.root)
    import threading

    from streamlit.web import cli as streamlit_cli

    # Served here rather than in a process of its own, so that the modules the pages import and the
    # published copy's cache are ready before the first leader comes (they cost that visit 5–7 s).
    # Nothing watches the sources: a server is not edited in place. No error details: a fault is
    # said in a sentence (dashboards/app.py). No "magic": the pages call st.* themselves, and
    # magic's ast.parse races CPython 3.11's shared AST state with any thread formatting a
    # traceback ("AST constructor recursion depth mismatch", seen once in a test run).
    threading.Thread(target=_warm_dashboards, daemon=True).start()
    sys.argv = ["streamlit", "run", str(PROJECT_ROOT / "dashboards" / "app.py"),
                "--server.port", str(args.port), "--server.address", "localhost", "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
                "--client.toolbarMode", "viewer", "--client.showErrorDetails", "none", "--runner.magicEnabled", "false",
                "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    return streamlit_cli.main()  # a signal to this process stops the server


def _warm_dashboards() -> None:
    import dashboards.brief  # noqa: F401  what the pages import, heaviest first
    import dashboards.widgets  # noqa: F401
    import pipelines.indicators.report_table  # noqa: F401
    from dashboards.data import warm

    warm()
    import gc

    import altair  # noqa: F401  st.altair_chart's, imported on the first chart

    # What is loaded by now lives as long as the server: Streamlit's full collection after every
    # page run (runner.postScriptGC) skips it, 110–150 ms less before the page is shown.
    gc.freeze()


def cmd_start(args) -> int:
    """The main job: the bundled sample (generated once, deterministic), a refresh, the dashboard."""
    h = home()
    inbox = h.inbox
    if not inbox.exists() or not any(inbox.iterdir()):
        cmd_sample(argparse.Namespace(out=inbox, dossiers=200_000, seed=2025, plain=False, first=None))
    code = cmd_refresh(argparse.Namespace(inbox=inbox))
    if code or args.no_serve:
        return code
    return cmd_serve(args)


def cmd_check(args) -> int:
    """Exit 0 when every file would be loaded (possibly with quarantined rows), 1 when one would not."""
    import json

    from pipelines.validate.check import check_files, render

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        raise InputError(f"Không tìm thấy tệp: {', '.join(missing)}", f"File not found: {', '.join(missing)}")
    reports = check_files(args.files)
    print(json.dumps(reports, ensure_ascii=False, indent=2) if args.json else render(reports))
    return int(any(r["status"] in ("rejected", "held_back") for r in reports))


def cmd_alerts(args) -> int:
    """Evaluate the rules and send (after a refresh), retry sending, list open alerts, or
    acknowledge / snooze one."""
    from pipelines.alert import run, state

    if args.action in ("ack", "snooze"):
        if not args.episode or (args.action == "snooze" and args.until is None):
            raise InputError("Cần số cảnh báo (và --until YYYY-MM-DD để tạm hoãn).",
                             "Give the alert numbers (and --until YYYY-MM-DD to snooze).")
        n = state.acknowledge_many(args.episode, args.by, until=args.until if args.action == "snooze" else None,
                                   note=args.note)
        print(f"Đã tạm hoãn {n} cảnh báo đến {args.until:%d/%m/%Y}. / {n} alerts snoozed until {args.until}."
              if args.action == "snooze" else f"Đã xác nhận {n} cảnh báo. / {n} alerts acknowledged.")
        return 0
    if args.action == "list":
        for row in run.open_episodes():
            print("\t".join(row))
        for line in run.messages_to_check():  # not (yet) known to be delivered: pending, failed, unconfirmed
            print("\t".join(line))
        return 0
    print_alerts(run.evaluate() if args.action == "evaluate" else run.send())
    return 0


def cmd_bench(args) -> int:
    from benchmarks.refresh import main as bench

    return bench(args.rest)


def cmd_dagster(args) -> int:
    from pipelines.defs.resources import environment_for

    h = home()
    dagster_home = prepare_dagster_home(h)
    print(f"Giao diện Dagster / Dagster UI: http://localhost:3000  (DAGSTER_HOME={dagster_home})", flush=True)
    return subprocess.call(
        [sys.executable, "-m", "dagster", "dev", "-m", "pipelines.definitions", "-h", "127.0.0.1", "-p", "3000"],
        cwd=PROJECT_ROOT, env={**os.environ, "DAGSTER_HOME": str(dagster_home), **environment_for(h.root, h.inbox)},
    )


COMMANDS = {"template": cmd_template, "kpis": cmd_kpis, "explain": cmd_explain, "report": cmd_report, "check": cmd_check,
            "start": cmd_start, "refresh": cmd_refresh, "sample": cmd_sample, "serve": cmd_serve, "dagster": cmd_dagster,
            "alerts": cmd_alerts, "bench": cmd_bench, "docs": cmd_docs}

if __name__ == "__main__":
    sys.exit(main())
