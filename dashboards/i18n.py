"""Interface text: Vietnamese by default, English on request; vi-VN number formats."""

from __future__ import annotations

import streamlit as st

TEXT = {
    "app_title": ("Kho chỉ số CCHC tỉnh Lạng Sơn", "Lạng Sơn CCHC KPI warehouse"),
    "language": ("Ngôn ngữ", "Language"),
    "page_loaded": ("Dữ liệu đã nạp", "Loaded data"),
    "no_data": ("Chưa có dữ liệu đã xuất bản. Hãy chạy `cchc refresh`.",
                "No published data yet. Run `cchc refresh`."),
    "freshness": ("Cập nhật lần cuối", "Last refreshed"),
    "periods": ("Kỳ dữ liệu", "Periods"),
    "dossiers": ("Hồ sơ", "Dossiers"),
    "units": ("Đơn vị", "Units"),
    "by_month_level": ("Số hồ sơ theo tháng tiếp nhận và cấp", "Dossiers by month received and level"),
    "month": ("Tháng", "Month"),
    "level": ("Cấp", "Level"),
    "units_by_level": ("Đơn vị theo cấp", "Units by level"),
    "active": ("Đang hoạt động", "Active"),
    "merged": ("Đã sáp nhập", "Merged"),
    "files": ("Tệp đã nạp theo kỳ", "Files loaded by period"),
    "ho_so_rows": ("Dòng hồ sơ", "Dossier rows"),
    "payment_rows": ("Dòng thanh toán", "Payment rows"),
    "digitized_rows": ("Dòng số hóa", "Digitized rows"),
    "loaded_at": ("Nạp lúc", "Loaded at"),
    "file": ("Tệp hồ sơ", "Dossier file"),
    "online": ("Trực tuyến", "Online"),
    "provisional": ("số liệu tạm thời", "provisional figures"),
    "missing": ("không có dữ liệu", "no data"),
}


def lang() -> int:
    return 1 if st.session_state.get("lang") == "English" else 0


def t(key: str) -> str:
    return TEXT[key][lang()]


def fmt_int(n) -> str:
    """1234567 → 1.234.567 (vi-VN); missing stays visibly missing."""
    if n is None or n != n:
        return "—"
    s = f"{int(n):,}"
    return s.replace(",", ".") if lang() == 0 else s
