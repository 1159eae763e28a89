"""What fires now: warehouse/alerts/10_rules.sql over the published copy, with the settings."""

from __future__ import annotations

from pipelines import config
from pipelines.db import connect
from pipelines.errors import InputError
from pipelines.settings import WAREHOUSE_SQL, home

RULES_SQL = WAREHOUSE_SQL / "alerts" / "10_rules.sql"


def firing() -> list[dict]:
    settings = config.load()["alerts"]
    if not home().serving_db.exists():
        raise InputError("Chưa có số liệu được xuất bản: hãy chạy `cchc refresh` trước.",
                         "Nothing is published yet: run `cchc refresh` first.")
    con = connect(home().serving_db, read_only=True)
    try:
        con.execute("SET VARIABLE drop_points = ?", [float(settings["drop_points"])])
        con.execute("SET VARIABLE min_denominator = ?", [int(settings["min_denominator"])])
        cur = con.execute(RULES_SQL.read_text(encoding="utf-8"))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]
    finally:
        con.close()


def key(row: dict) -> str:
    return "|".join(str(row.get(k) or "") for k in ("rule", "scope_code", "indicator", "period_type"))
