import pytest

from pipelines.labels import period_label


@pytest.mark.parametrize("code, vi, en", [
    ("2026-10", "Tháng 10/2026", "October 2026"),
    ("2025-01", "Tháng 1/2025", "January 2025"),
    ("2026-Q4", "Quý IV/2026", "Q4 2026"),
    ("2026-Q1", "Quý I/2026", "Q1 2026"),
    ("2026-H1", "6 tháng đầu năm 2026", "First half of 2026"),
    ("2026-H2", "6 tháng cuối năm 2026", "Second half of 2026"),
    ("2026-9M", "9 tháng năm 2026", "First nine months of 2026"),
    ("2026", "Năm 2026", "Year 2026"),
    ("2026-YTD-10", "10 tháng đầu năm 2026", "January–October 2026"),
    ("2026-YTD-01", "Tháng 1/2026", "January 2026"),
    ("2026-YTD-12", "12 tháng năm 2026", "January–December 2026"),
    ("something", "something", "something"),
])
def test_period_labels_are_the_administrations(code, vi, en):
    assert period_label(code) == vi
    assert period_label(code, english=True) == en
