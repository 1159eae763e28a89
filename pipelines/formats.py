"""How the product writes numbers, rates, targets and dates, in one place: the dashboards, the
files they export and the alerts' messages. `lang` 0 is Vietnamese (vi-VN: 1.234,5), the
messages' language; 1 is English (1,234.5). Missing is written "—", never 0. An indicator's value
and target are written by its unit (kpi.indicators.unit): a percent as 99,12%, a rank or a count
as the number it is."""

from __future__ import annotations

VI, EN = 0, 1
_VI_MARKS = str.maketrans(",.", ".,")


def missing(v) -> bool:
    return v is None or v != v  # NaN and NaT are not equal to themselves


def _decimal(text: str, lang: int) -> str:
    return text.replace(".", ",") if lang == VI else text


def number(v, decimals: int = 2, lang: int = VI) -> str:
    """1234.5 → 1.234,50 (vi-VN) or 1,234.50 (en)."""
    if missing(v):
        return "—"
    text = f"{v:,.{decimals}f}"
    return text.translate(_VI_MARKS) if lang == VI else text


def integer(n, lang: int = VI) -> str:
    """1234567 → 1.234.567 (vi-VN)."""
    return "—" if missing(n) else number(int(n), 0, lang)


def pct(v, lang: int = VI) -> str:
    """99.1234 → 99,12% (vi-VN)."""
    return "—" if missing(v) else _decimal(f"{v:.2f}", lang) + "%"


def signed(v, lang: int = VI) -> str:
    """A change in percentage points, with its sign: +1,20."""
    return "—" if missing(v) else _decimal(f"{v:+.2f}", lang)


def value(v, unit: str = "percent", lang: int = VI) -> str:
    """An indicator's value as its unit writes it: 99,12%, rank 7, 12 units."""
    if unit == "percent" or missing(v):
        return pct(v, lang)
    return number(v, 0 if float(v).is_integer() else 2, lang)


def target(comparator: str | None, threshold, unit: str = "percent", lang: int = VI) -> str:
    """('>=', 80.0) → ≥ 80%; ('<=', 35, 'rank') → ≤ 35; no target → —."""
    if comparator is None or missing(threshold):
        return "—"
    sign = comparator.replace(">=", "≥").replace("<=", "≤")
    return f"{sign} {_decimal(f'{threshold:g}', lang)}" + ("%" if unit == "percent" else "")


def date(v) -> str:
    """A date as Vietnam writes it, 25/10/2025, in both languages."""
    return "—" if missing(v) else f"{v:%d/%m/%Y}"


def local_datetime(v) -> str:
    """A moment as the local (Vietnam) time it was: 25/10/2025 10:00."""
    if missing(v):
        return "—"
    if getattr(v, "tzinfo", None) is not None:
        from zoneinfo import ZoneInfo

        v = v.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    return f"{v:%d/%m/%Y %H:%M}"
