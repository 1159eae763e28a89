"""Who gets what: $CCHC_HOME/contacts.csv (the file [alerts] contacts names).

    ma_don_vi,ho_ten,vai_tro,email,webhook
    H39.13,Nguyễn Văn A,lanh_dao,a@example.vn,
    province,Chánh Văn phòng UBND tỉnh,lanh_dao,b@example.vn,https://chat.example.vn/hook
    province,Sở Nội vụ (quản trị dữ liệu),quan_tri_du_lieu,c@example.vn,

A unit's leaders (lanh_dao) get their unit's alerts; the province's leaders get one digest per
refresh; the data stewards (quan_tri_du_lieu) get data quality and missing-file alerts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pipelines import config
from pipelines.errors import InputError
from pipelines.settings import home

ROLES = ("lanh_dao", "quan_tri_du_lieu")
COLUMNS = ("ma_don_vi", "ho_ten", "vai_tro", "email", "webhook")


@dataclass(frozen=True)
class Contact:
    ma_don_vi: str
    ho_ten: str
    vai_tro: str
    email: str
    webhook: str

    def channels(self) -> list[tuple[str, str]]:
        return [(c, a) for c, a in (("email", self.email), ("webhook", self.webhook)) if a]


def contacts_path() -> Path:
    return home().root / config.load()["alerts"]["contacts"]


def read_contacts() -> list[Contact]:
    path = contacts_path()
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    found = []
    for line, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            raise InputError(f"Tệp danh bạ thiếu cột: {', '.join(missing)}.", f"The contacts file lacks columns: "
                             f"{', '.join(missing)}.", str(path))
        values = {c: (row[c] or "").strip() for c in COLUMNS}
        if values["vai_tro"] not in ROLES:
            raise InputError(f"Dòng {line}: vai_tro phải là {' hoặc '.join(ROLES)}.",
                             f"Line {line}: vai_tro must be {' or '.join(ROLES)}.", str(path))
        found.append(Contact(**values))
    return found
