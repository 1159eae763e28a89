"""A published copy's fingerprint: for every table of core, kpi and marts and the steward's
record in meta, its rows and an order-free digest of them. Two copies with the same fingerprint
hold the same numbers, tables and messages; tests/test_same_numbers.py holds the bundled sample
and two others to the fingerprints in tests/golden/, made by the code before a change.

What differs between two refreshes of the same files is left out: when (`*_at`, durations), by
which run (`refresh_id`), the model version (the code's own hash) and the files' bytes and times
(an XLSX carries the time it was written). Doubles are compared to 1e-6: a sum in parallel may
differ in its last bits from one run to the next."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.db import connect

GOLDEN = Path(__file__).parent / "golden"
SCHEMAS = ("core", "kpi", "marts", "meta")
SKIPPED_TABLES = {"meta.model", "meta.publication", "meta.refreshes", "meta.validations",  # run bookkeeping
                  "marts.refreshes", "marts.validations"}  # the same, as the pages read it
VOLATILE = {"refresh_id", "file_hash", "file_mtime_ns", "seconds", "nap_luc"}  # nap_luc: loaded at


def _expression(column: str, data_type: str) -> str | None:
    if column in VOLATILE or column.endswith("_at"):
        return None
    quoted = f'"{column}"'
    if data_type in ("DOUBLE", "FLOAT") or data_type.startswith("DECIMAL"):
        return f"round({quoted}, 6)"
    if data_type in ("DOUBLE[]", "FLOAT[]"):
        return f"list_transform({quoted}, x -> round(x, 6))"
    return quoted


def fingerprint(db: Path) -> dict[str, dict]:
    con = connect(db, read_only=True)
    try:
        out = {}
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                             f"WHERE table_schema IN {SCHEMAS} ORDER BY 1, 2").fetchall()
        for schema, name in tables:
            if f"{schema}.{name}" in SKIPPED_TABLES:
                continue
            columns = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                  "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                                  [schema, name]).fetchall()
            kept = [(c, e) for c, t in columns if (e := _expression(c, t))]
            rows, digest = con.execute(
                f"SELECT count(*), coalesce(sum(hash(row({', '.join(e for _, e in kept)}))::HUGEINT), 0) "
                f"FROM {schema}.{name}").fetchone()
            out[f"{schema}.{name}"] = {"rows": rows, "digest": str(digest), "columns": [c for c, _ in kept]}
        return out
    finally:
        con.close()


def load(name: str) -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def save(name: str, fingerprint_: dict) -> None:
    GOLDEN.mkdir(exist_ok=True)
    (GOLDEN / f"{name}.json").write_text(json.dumps(fingerprint_, indent=1, sort_keys=True) + "\n", encoding="utf-8")
