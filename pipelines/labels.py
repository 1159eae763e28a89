"""Period codes (2026-10, 2026-Q4, 2026-H1, 2026-9M, 2026, 2026-YTD-10) as the administration
writes them in reports: "Tháng 10/2026", "Quý IV/2026", "6 tháng đầu năm 2026", "9 tháng năm
2026", "Năm 2026", "10 tháng đầu năm 2026". One place, for screens, files and messages."""

from __future__ import annotations

import re

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
_FORMS = [
    (re.compile(r"(\d{4})-(\d{2})"), lambda y, m: (f"Tháng {int(m)}/{y}", f"{MONTHS_EN[int(m) - 1]} {y}")),
    (re.compile(r"(\d{4})-Q([1-4])"), lambda y, q: (f"Quý {ROMAN[int(q)]}/{y}", f"Q{q} {y}")),
    (re.compile(r"(\d{4})-H1"), lambda y: (f"6 tháng đầu năm {y}", f"First half of {y}")),
    (re.compile(r"(\d{4})-H2"), lambda y: (f"6 tháng cuối năm {y}", f"Second half of {y}")),
    (re.compile(r"(\d{4})-9M"), lambda y: (f"9 tháng năm {y}", f"First nine months of {y}")),
    (re.compile(r"(\d{4})"), lambda y: (f"Năm {y}", f"Year {y}")),
    (re.compile(r"(\d{4})-YTD-(\d{2})"), lambda y, m: (
        f"Tháng 1/{y}" if int(m) == 1 else f"{int(m)} tháng đầu năm {y}" if int(m) < 12 else f"12 tháng năm {y}",
        f"January {y}" if int(m) == 1 else f"January–{MONTHS_EN[int(m) - 1]} {y}")),
]


def period_label(code: str, english: bool = False) -> str:
    """The period as a report names it; a code it does not know is returned as it is."""
    for pattern, words in _FORMS:
        if found := pattern.fullmatch(str(code)):
            return words(*found.groups())[english]
    return str(code)
