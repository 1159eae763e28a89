"""Settings a province may change, from config/defaults.toml overlaid by $CCHC_HOME/config.toml.

One file for every threshold (validation now, alert rules later), read at call time so a refresh
always uses what the file says today. A wrong key or value is a steward's error, not a traceback.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pipelines.errors import InputError
from pipelines.settings import PROJECT_ROOT, home

DEFAULTS = PROJECT_ROOT / "config" / "defaults.toml"
RANGES = {("validation", "max_quarantine_share"): (0, 1), ("alerts", "drop_points"): (0, 100),
          ("alerts", "min_denominator"): (0, 10**9), ("alerts", "reminder_days"): (0, 365),
          ("alerts", "smtp_port"): (1, 65535), ("alerts", "retry_minutes"): (0, 10**4),
          ("alerts", "max_attempts"): (1, 1000), ("warehouse", "memory_limit_gb"): (0.5, 10**4),
          ("validation", "oldest_date_months"): (0, 1200), ("validation", "future_date_days"): (0, 3650),
          ("validation", "min_rows_share"): (0, 1), ("validation", "max_amount_vnd"): (1, 10**15),
          ("validation", "max_unknown_share"): (0, 1), ("limits", "xlsx_max_cells"): (1, 10**11),
          ("limits", "xlsx_max_unzipped_mb"): (1, 10**6), ("limits", "csv_max_field_chars"): (1, 10**8),
          ("limits", "csv_max_line_bytes"): (1, 10**10)}
CHOICES = {("indicators", "reporting_window"): ("month", *(f"{d}-{d - 1}" for d in range(2, 29))),
           ("alerts", "smtp_starttls"): ("auto", "yes", "no")}


def config_path() -> Path:
    return Path(os.environ.get("CCHC_CONFIG") or home().root / "config.toml")


def load() -> dict:
    """The settings in force; raises InputError naming a wrong entry, so a run can check them first."""
    settings = tomllib.loads(DEFAULTS.read_text(encoding="utf-8"))
    path = config_path()
    if not path.exists():
        return settings
    try:
        overrides = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"Tệp cấu hình không đọc được: {e}.", f"The configuration file cannot be read: {e}.",
                         str(path)) from None
    for section, values in overrides.items():
        for key, value in (values.items() if isinstance(values, dict) else [(None, values)]):
            default = settings.get(section, {}).get(key) if key else None
            allowed = (int, float) if isinstance(default, float) else type(default)
            if default is None or isinstance(value, bool) != isinstance(default, bool) or not isinstance(value, allowed):
                raise InputError(
                    f"Tệp cấu hình có mục không hợp lệ: [{section}] {key} = {value!r}. "
                    f"Các mục được phép và giá trị mặc định ở config/{DEFAULTS.name}.",
                    f"The configuration file has an invalid entry: [{section}] {key} = {value!r}. "
                    f"The allowed entries and their defaults are in config/{DEFAULTS.name}.",
                    str(path))
            settings[section][key] = value
    for (section, key), (low, high) in RANGES.items():
        if not low <= settings[section][key] <= high:
            raise InputError(f"Tệp cấu hình: [{section}] {key} phải nằm trong khoảng {low} … {high}.",
                             f"The configuration file: [{section}] {key} must lie within {low} … {high}.", str(path))
    for (section, key), allowed in CHOICES.items():
        if settings[section][key] not in allowed:
            shown = ", ".join(allowed) if len(allowed) < 6 else f"{allowed[0]}, {allowed[1]} … {allowed[-1]}"
            raise InputError(f"Tệp cấu hình: [{section}] {key} phải là một trong: {shown}.",
                             f"The configuration file: [{section}] {key} must be one of: {shown}.", str(path))
    return settings


def max_quarantine_share() -> float:
    return float(load()["validation"]["max_quarantine_share"])


def validation() -> dict:
    return load()["validation"]


def limits() -> dict:
    return load()["limits"]


def memory_limit_gb() -> float:
    return float(load()["warehouse"]["memory_limit_gb"])


def reporting_window() -> str:
    return load()["indicators"]["reporting_window"]


def cutoff_day() -> int | None:
    """The reporting window's first day of a month (2-28), or None for calendar months."""
    window = reporting_window()
    return None if window == "month" else int(window.split("-")[0])


def supplement_moves_due_date() -> bool:
    return bool(load()["indicators"]["supplement_moves_due_date"])
