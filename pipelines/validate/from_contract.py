"""The row rules that follow from the contract alone (pipelines/contract.py), made from it: a
required value is written, a value parses as its column's type, a code holds no control
characters, an event date lies in its plausible window. expectations/*.json holds the rules that
need judgement; `pipelines.validate.rows.suite_spec` puts these first, in the contract's column
order, as the suites listed them when they were written by hand."""

from __future__ import annotations

from pipelines.contract import FILES, Column, event_dates

# What a value of each type must look like, as the steward is told (kinds that are text take any).
TYPE_MESSAGES: dict[str, tuple[str, str]] = {
    "int": ("phải là số nguyên.", "must be a whole number."),
    "flag": ("phải là 0 hoặc 1.", "must be 0 or 1."),
    "number": ("phải là số (dấu thập phân là dấu chấm hoặc dấu phẩy).", "must be a number (decimal point or comma)."),
    "date": ("phải là ngày (dd/mm/yyyy).", "must be a date (dd/mm/yyyy)."),
    "timestamp": ("phải là ngày giờ (dd/mm/yyyy HH:MM:SS, yyyyMMddHHmmss hoặc ISO 8601).",
                  "must be a date/time (dd/mm/yyyy HH:MM:SS, yyyyMMddHHmmss or ISO 8601)."),
    "status": ("phải là mã trạng thái: số từ 1 đến 10, hoặc mã chữ của DVCQG (receiving, new, denied, processing, "
               "waiting, paying, cancelled, unresolved, releasing, done).",
               "must be a status code: a number from 1 to 10, or DVCQG's string code (receiving, new, denied, "
               "processing, waiting, paying, cancelled, unresolved, releasing, done)."),
    "money": ("phải là số tiền VND viết đủ chữ số (1.250.000 hoặc 1250000), không phải số lẻ hay dạng 1e9, 1,23457E+09: "
              "bảng tính viết như vậy thường đã làm tròn số tiền. Hãy định dạng cột là số rồi xuất lại tệp.",
              "must be an amount in VND written in full (1.250.000 or 1250000), not a fraction nor 1e9 or 1,23457E+09: "
              "a spreadsheet that writes so has usually rounded the amount. Format the column as a number and export "
              "the file again."),
}
UNTYPED = frozenset({"code", "text"})
# The rules' names, as meta.quarantine stores them: these belong to no suite file.
RULE_PREFIXES = ("required_", "type_")
RULES = ("control_characters", "date_too_old", "date_in_future")


def _rule(column: str, kwargs: dict, rule: str, vi: str, en: str) -> dict:
    return {"type": kwargs.pop("type"), "kwargs": {"column": column, **kwargs},
            "meta": {"rule": rule, "vi": vi, "en": en}, "severity": "critical"}


def _required(c: Column) -> dict:
    return _rule(f"{c.name}__written", {"type": "expect_column_values_to_not_be_null"}, f"required_{c.name}",
                 f"Thiếu giá trị bắt buộc ở cột «{c.header}».", f"Required value missing in column '{c.header}'.")


def _typed(c: Column) -> dict:
    vi, en = TYPE_MESSAGES[c.kind]
    return _rule(f"{c.name}__unparsed", {"type": "expect_column_values_to_be_null"}, f"type_{c.name}",
                 f"Cột «{c.header}» {vi}", f"Column '{c.header}' {en}")


def _control(c: Column) -> dict:
    return _rule(f"{c.name}__control", {"type": "expect_column_values_to_be_null"}, "control_characters",
                 f"«{c.header}» chứa ký tự điều khiển không nhìn thấy được ({{found}}): với chúng, mã này là một mã "
                 "khác. Hãy xóa các ký tự đó trong hệ thống nguồn rồi xuất lại tệp.",
                 f"'{c.header}' holds invisible control characters ({{found}}): with them it is another code. "
                 "Remove them in the source system and export the file again.")


def _window(c: Column) -> list[dict]:
    between = "expect_column_values_to_be_between"
    return [
        _rule(f"{c.name}__day", {"type": between, "min_value": {"$PARAMETER": "oldest_date"}}, "date_too_old",
              f"«{c.header}» trước ngày {{oldest_date}}, quá xa trước kỳ đầu tiên của số liệu: có lẽ ngày bị nhập sai "
              "(như 01/01/1900). Hãy sửa ngày trong hệ thống nguồn rồi xuất lại tệp (giới hạn: oldest_date_months "
              "trong cấu hình).",
              f"'{c.header}' is before {{oldest_date}}, too long before the data's first month: most likely mistyped "
              "(like 01/01/1900). Correct the date in the source system and export the file again (the limit: "
              "oldest_date_months in the settings)."),
        _rule(f"{c.name}__day", {"type": between, "max_value": {"$PARAMETER": "latest_date"}}, "date_in_future",
              f"«{c.header}» sau ngày {{latest_date}}: ngày chưa tới khi tệp được đọc. Hãy kiểm tra ngày trong hệ thống "
              "nguồn (và đồng hồ của máy xuất tệp) rồi xuất lại tệp (giới hạn: future_date_days trong cấu hình).",
              f"'{c.header}' is after {{latest_date}}: a day still to come when the file was read. Check the date in "
              "the source system (and the clock of the machine that exported it) and export the file again (the "
              "limit: future_date_days in the settings)."),
    ]


def contract_expectations(kind: str) -> list[dict]:
    """Each column's required and type rules, then the codes' control characters, then the event
    dates' windows."""
    columns = FILES[kind].columns
    events = set(event_dates(kind))
    return [
        *(rule for c in columns for rule in ([_required(c)] if c.required else []) + ([] if c.kind in UNTYPED else [_typed(c)])),
        *(_control(c) for c in columns if c.kind == "code"),
        *(rule for c in columns if c.name in events for rule in _window(c)),
    ]


def is_contract_rule(expectation: dict) -> bool:
    rule = expectation["meta"]["rule"]
    return rule.startswith(RULE_PREFIXES) or rule in RULES
