"""What the steward dropped into the inbox: contract files by kind and period, and the
optional column-mapping file for sources whose headers differ from both profiles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.contract import BAD_PERIOD_NAME, FILE_NAME, FILES
from pipelines.errors import InputError

MAPPING_FILE = "column_mapping.csv"


@dataclass(frozen=True)
class InboxFile:
    path: Path
    kind: str
    period: str | None  # YYYY-MM for monthly exports, None for reference files


def scan(inbox: Path) -> list[InboxFile]:
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục hộp thư: {inbox}", f"Inbox folder not found: {inbox}")
    found: dict[tuple[str, str | None], InboxFile] = {}
    for path in sorted(inbox.iterdir()):
        m = FILE_NAME.match(path.name)
        if not m and BAD_PERIOD_NAME.match(path.name):
            raise InputError(
                f"Tên tệp {path.name} có kỳ không hợp lệ (tháng phải từ 01 đến 12). Hãy đặt lại tên theo dạng ho_so_YYYY-MM.",
                f"{path.name} names an impossible period (month must be 01 to 12). Rename it as ho_so_YYYY-MM.",
                path.name,
            )
        if not m or not path.is_file():
            continue
        kind, period = (m["kind"], m["period"]) if m["kind"] else (m["ref"], None)
        f = InboxFile(path, kind.lower(), period)
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
