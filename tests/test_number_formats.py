"""One way to write numbers (pipelines/formats.py), for the dashboards, their files and the alerts."""

import datetime as dt
import math

from pipelines import formats
from pipelines.formats import EN


def test_rates_and_changes_in_both_languages():
    assert formats.pct(99.1234) == "99,12%" and formats.pct(99.1234, EN) == "99.12%"
    assert formats.signed(1.2) == "+1,20" and formats.signed(-0.5, EN) == "-0.50"
    assert formats.number(1234.5) == "1.234,50" and formats.number(1234.5, 2, EN) == "1,234.50"
    assert formats.integer(1234567) == "1.234.567" and formats.integer(1234567.0, EN) == "1,234,567"


def test_missing_is_never_zero():
    for missing in (None, math.nan):
        assert formats.pct(missing) == formats.signed(missing) == formats.number(missing) == "—"
        assert formats.integer(missing) == formats.value(missing, "rank") == formats.date(missing) == "—"
        assert formats.target(">=", missing) == "—"
    assert formats.target(None, 80) == "—"


def test_a_value_and_its_target_by_the_indicators_unit():
    assert formats.value(87.5) == "87,50%"
    assert formats.value(30.0, "rank") == "30" and formats.target("<=", 35.0, "rank") == "≤ 35"
    assert formats.value(1234.0, "count") == "1.234" and formats.value(2.5, "count", EN) == "2.50"
    assert formats.target(">=", 80.0) == "≥ 80%"
    assert formats.target(">=", 6.17) == "≥ 6,17%" and formats.target(">=", 6.17, lang=EN) == "≥ 6.17%"


def test_dates_as_vietnam_writes_them():
    assert formats.date(dt.date(2025, 10, 25)) == "25/10/2025"
    utc = dt.datetime(2025, 10, 25, 3, 0, tzinfo=dt.UTC)
    assert formats.local_datetime(utc) == "25/10/2025 10:00"
    assert formats.local_datetime(dt.datetime(2025, 10, 25, 10, 0)) == "25/10/2025 10:00"
