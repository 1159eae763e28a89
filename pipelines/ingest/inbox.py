"""What the steward dropped into the inbox: contract files by kind and period, and the
optional column-mapping file for sources whose headers differ from both profiles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.contract import BAD_PERIOD_NAME, FILE_NAME, FILES
from pipelines.errors import InputError

MAPPING_FILE = "column_mapping.csv"
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class InboxFile:
    path: Path
    kind: str
    period: str | None  # YYYY-MM for monthly exports, None for reference files


def inbox_file(path: Path) -> InboxFile | None:
    """The kind and period a file's name gives under the contract, case ignored; None for a name
    the contract does not know. The one reading of a name, for a refresh and for `cchc check`
    alike. A monthly name with an impossible month, or with a month after the current one (in
    Asia/Ho_Chi_Minh: no export can hold it yet), is the steward's error, said at once."""
    m = FILE_NAME.match(path.name)
    if not m and BAD_PERIOD_NAME.match(path.name):
        raise InputError(
            f"Tên tệp {path.name} có kỳ không hợp lệ (tháng phải từ 01 đến 12). Hãy đặt lại tên theo dạng ho_so_YYYY-MM.",
            f"{path.name} names an impossible period (month must be 01 to 12). Rename it as ho_so_YYYY-MM.",
            path.name,
        )
    if not m:
        return None
    if not m["kind"]:
        return InboxFile(path, m["ref"].lower(), None)
    period, now = m["period"], current_month()
    if period > now:
        raise InputError(
            f"Tên tệp {path.name} ghi kỳ {period}, sau tháng hiện tại ({now}): tháng này chưa diễn ra nên chưa "
            "thể có dữ liệu xuất. Hãy kiểm tra lại năm và tháng trong tên tệp.",
            f"{path.name} names the period {period}, after the current month ({now}): that month has not "
            "happened yet, so no export can hold it. Check the year and month in the file name.",
            path.name,
        )
    return InboxFile(path, m["kind"].lower(), period)


def current_month() -> str:
    """The month in progress where the data is made: the last period a file may name."""
    return dt.datetime.now(TIMEZONE).strftime("%Y-%m")


def scan(inbox: Path) -> list[InboxFile]:
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục hộp thư: {inbox}", f"Inbox folder not found: {inbox}")
    found: dict[tuple[str, str | None], InboxFile] = {}
    for path in sorted(inbox.iterdir()):
        f = inbox_file(path)
        if f is None or not path.is_file():
            continue
        key = (f.kind, f.period)
        if key in found:
            raise InputError(
                f"Có hai tệp cho cùng một kỳ: {found[key].path.name} và {path.name}. Hãy giữ lại một tệp.",
                f"Two files for the same period: {found[key].path.name} and {path.name}. Keep one.",
                path.name,
            )
        found[key] = f
    return list(found.values())


def unmatched(inbox: Path) -> list[str]:
    """Files in the inbox that follow no contract name: reported, never guessed at."""
    return sorted(
        p.name for p in inbox.iterdir()
        if p.is_file() and not FILE_NAME.match(p.name) and p.name != MAPPING_FILE and not p.name.startswith(".")
    )


def column_mapping(inbox: Path) -> dict[str, dict[str, str]]:
    """column_mapping.csv: file (a kind, or *), source_header, canonical → per kind {header: canonical}."""
    path = inbox / MAPPING_FILE
    if not path.exists():
        return {}
    table = pl.read_csv(path, infer_schema=False)
    expected = {"file", "source_header", "canonical"}
    if set(table.columns) != expected:
        raise InputError(
            f"{MAPPING_FILE} phải có đúng các cột: file, source_header, canonical.",
            f"{MAPPING_FILE} must have exactly the columns file, source_header, canonical.",
            MAPPING_FILE,
        )
    mapping: dict[str, dict[str, str]] = {kind: {} for kind in FILES}
    for kind, source, canonical in table.iter_rows():
        kinds = list(FILES) if kind == "*" else [kind]
        for k in kinds:
            if k not in FILES or (canonical not in FILES[k].names and kind != "*"):
                raise InputError(
                    f"{MAPPING_FILE}: không có tệp '{kind}' hoặc cột chuẩn '{canonical}'.",
                    f"{MAPPING_FILE}: unknown file '{kind}' or canonical column '{canonical}'.",
                    MAPPING_FILE,
                )
            if canonical in FILES[k].names:
                mapping[k][source] = canonical
    return mapping
