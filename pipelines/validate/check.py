"""`cchc check FILE...`: validate export files without loading them into the warehouse.

The files go through the same reading, suites and limits as a refresh, in a throw-away
in-memory DuckDB; codes are checked against the published units and procedures unless
reference files are among those checked. Files are checked in the order a refresh stages them
(reference files, then dossiers, payments, documents), and a document's month is its dossier's
acceptance, looked up in the dossier files checked with it and in the published dossiers.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipelines import config
from pipelines.contract import FILES
from pipelines.db import connect, quote_path, run_layer
from pipelines.errors import InputError
from pipelines.ingest.inbox import InboxFile, column_mapping, inbox_file
from pipelines.ingest.load import ingest, prepare
from pipelines.settings import home

EXAMPLES = 5


def check_files(paths: list[Path]) -> list[dict]:
    config.load()  # a wrong setting is said once, before any file
    con = connect(":memory:")
    prepare(con)
    _published_reference(con)
    named = [_named(path) for path in paths]
    reports = []
    order = list(FILES)  # as a refresh: reference files first, then the monthly kinds in contract order

    def staged_first(n: tuple) -> tuple:
        f = n[1]
        return f is None or f.period is not None, order.index(f.kind) if f else len(order)

    for path, f, error in sorted(named, key=staged_first):
        reports.append(_check_one(con, path, f, error))
    con.close()
    return reports


def _named(path: Path) -> tuple[Path, InboxFile | None, InputError | None]:
    """The file as a refresh names it (pipelines.ingest.inbox.inbox_file), or why its name is refused."""
    try:
        return path, inbox_file(path), None
    except InputError as e:
        return path, None, e


def _check_one(con, path: Path, f: InboxFile | None, error: InputError | None) -> dict:
    report = {"file": str(path), "kind": f and f.kind, "period": f and f.period, "status": "ok"}
    if error is not None:
        return report | {"status": "rejected", "error_vi": error.vi, "error_en": error.en}
    if f is None:
        return report | {"status": "rejected", "error_vi": "Tên tệp không theo quy ước (ho_so_YYYY-MM.csv, don_vi.xlsx, …).",
                         "error_en": "The file name does not follow the contract (ho_so_YYYY-MM.csv, don_vi.xlsx, …)."}
    [result] = ingest(con, [f], column_mapping(path.parent), "check")
    if result.status == "unreadable":
        return report | {"status": "rejected", "error_vi": result.error.vi, "error_en": result.error.en}
    if result.status == "unchanged":
        return report | {"status": "rejected", "error_vi": "Trùng nội dung với một tệp cùng kỳ đã kiểm tra ở trên.",
                         "error_en": "Same content as a file of the same period checked above."}
    validation = result.validation
    if result.error:  # the limits a refresh applies: period match, quarantine share
        report |= {"status": "held_back", "error_vi": result.error.vi, "error_en": result.error.en}
    # A message may name what a row holds (the code a unit's name was read as): one entry per message.
    rules = Counter((i.rule, i.severity, i.message_vi, i.message_en) for i in validation.issues)
    report |= {
        "rows_read": result.rows_loaded + result.rows_skipped, "rows_accepted": result.accepted,
        "rows_quarantined": result.quarantined, "rows_with_warnings": result.warnings,
        "rows_skipped": result.rows_skipped, "rows_skipped_by_reason": _skipped(con, path.name),
        "extra_columns": result.extra_columns,
        "expectations_run": validation.expectations, "expectations_failed": validation.failed,
        "rules": [{"rule": rule, "severity": sev, "rows": n, "message_vi": vi, "message_en": en,
                   "examples": [{"row": i.row, "column": i.column, "value": i.value}
                                for i in validation.issues if (i.rule, i.message_vi) == (rule, vi)][:EXAMPLES]}
                  for (rule, sev, vi, en), n in rules.most_common()],
    }
    if report["status"] == "ok" and result.quarantined:
        report["status"] = "quarantined"
    elif report["status"] == "ok" and result.warnings:
        report["status"] = "warnings"
    return report


def _skipped(con, file_name: str) -> dict[str, int]:
    """Rows skipped by reason (totals, blank, only extra columns), as the loader recorded them; a
    file held back has none recorded."""
    return dict(con.execute("SELECT reason, count(*) FROM meta.skipped_rows WHERE file_name = ? GROUP BY ALL "
                            "ORDER BY 2 DESC, 1", [file_name]).fetchall())


SKIPPED = {"dong_tong_cong": ("dòng tổng cộng", "totals"), "dong_trong": ("dòng trống", "blank"),
           "dong_chi_cot_thua": ("chỉ có cột ngoài quy ước", "only extra columns")}


def _published_reference(con) -> None:
    serving = home().serving_db
    if not serving.exists():
        return
    con.execute(f"ATTACH {quote_path(serving)} AS pub (READ_ONLY)")
    con.execute("INSERT INTO staging.don_vi BY NAME SELECT * EXCLUDE (final_successor, is_province, ten_cap), "
                "'published' AS _file, 0 AS _row FROM pub.core.dim_don_vi")
    con.execute("INSERT INTO staging.danh_muc_tthc BY NAME SELECT * EXCLUDE (is_online_service), "
                "'published' AS _file, 0 AS _row FROM pub.core.dim_tthc")
    run_layer(con, "checks/published")  # the published dossiers, for the documents' month; `pub` stays attached


STATUS = {
    "ok": ("đạt", "passed"), "warnings": ("đạt, có cảnh báo", "passed with warnings"),
    "quarantined": ("có dòng bị cách ly", "rows quarantined"), "held_back": ("bị giữ lại", "held back"),
    "rejected": ("bị từ chối", "rejected"),
}


def render(reports: list[dict]) -> str:
    """The steward's report: one block per file, Vietnamese first."""
    out = []
    for r in reports:
        vi, en = STATUS[r["status"]]
        out.append(f"{Path(r['file']).name}: {vi.upper()} / {en}")
        if "error_vi" in r:
            out.append(f"  {r['error_vi']}\n  ({r['error_en']})")
        if "rows_read" in r:
            out.append(f"  {r['rows_read']} dòng đọc / rows read · {r['rows_accepted']} nhận / accepted · "
                       f"{r['rows_quarantined']} cách ly / quarantined · {r['rows_with_warnings']} cảnh báo / warnings"
                       + (f" · {r['rows_skipped']} dòng bỏ qua / rows skipped{_reasons(r)}" if r["rows_skipped"] else ""))
            if r["extra_columns"]:
                out.append(f"  Cột không thuộc quy ước (bỏ qua) / extra columns (ignored): {', '.join(r['extra_columns'])}")
            for rule in r["rules"]:
                where = ", ".join(f"dòng {e['row']}" + (f" «{e['value']}»" if e["value"] is not None else "")
                                  for e in rule["examples"])
                mark = "LỖI" if rule["severity"] == "critical" else "cảnh báo"
                out.append(f"  [{mark}] {rule['rule']} × {rule['rows']}: {rule['message_vi']} ({where})")
    limit = f"{config.max_quarantine_share():.0%}"
    out.append(f"Ngưỡng giữ lại tệp / hold-back share: {limit}")
    return "\n".join(out)


def _reasons(report: dict) -> str:
    """Why rows were skipped: ' (1 dòng tổng cộng / totals, 2 dòng trống / blank)'."""
    reasons = report.get("rows_skipped_by_reason") or {}
    said = [f"{n} {SKIPPED.get(r, (r, r))[0]} / {SKIPPED.get(r, (r, r))[1]}" for r, n in reasons.items()]
    return f" ({', '.join(said)})" if said else ""
