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
    "page_overview": ("Tổng quan", "Overview"),
    "scope": ("Đơn vị", "Unit"),
    "period_type": ("Loại kỳ", "Period type"),
    "period": ("Kỳ", "Period"),
    "month_type": ("Tháng", "Month"),
    "quarter": ("Quý", "Quarter"),
    "half": ("6 tháng", "Half year"),
    "nine_months": ("9 tháng", "Nine months"),
    "year": ("Năm", "Year"),
    "ytd": ("Lũy kế từ đầu năm", "Year to date"),
    "target": ("Chỉ tiêu", "Target"),
    "no_target_set": ("chưa có chỉ tiêu", "no target"),
    "vs_previous": ("so với kỳ trước", "vs previous period"),
    "last_year": ("Cùng kỳ năm trước", "Same period last year"),
    # a symbol and a word besides the colour, for colour-blind readers
    "met": (":green-badge[✔ Đạt]", ":green-badge[✔ Met]"),
    "not_met": (":red-badge[✘ Chưa đạt]", ":red-badge[✘ Not met]"),
    "no_activity": (":gray-badge[– Không phát sinh]", ":gray-badge[– No activity]"),
    "no_target": (":gray-badge[○ Không có chỉ tiêu]", ":gray-badge[○ No target]"),
    "pp": ("điểm %", "pp"),
    "summary": ("Đạt {met}/{judged} chỉ tiêu", "{met} of {judged} targets met"),
    "estimate_note": ("Điểm tổng hợp là ước tính Bộ chỉ số phục vụ người dân, doanh nghiệp từ dữ liệu của tỉnh.",
                      "The composite score estimates the national service index from the province's own data."),
    "composite": ("Điểm tổng hợp", "Composite score"),
    "rank": ("Xếp hạng trong cấp", "Rank within level"),
    "page_ranking": ("Xếp hạng", "Ranking"),
    "rank_by": ("Xếp theo", "Rank by"),
    "level_tinh": ("Sở, ban, ngành (cấp tỉnh)", "Provincial departments"),
    "level_huyen": ("Cấp huyện", "Districts"),
    "level_xa": ("Xã, phường", "Communes and wards"),
    "rank_col": ("Hạng", "Rank"),
    "value": ("Giá trị", "Value"),
    "status": ("Đánh giá", "Status"),
    "movement": ("So với kỳ trước", "Since last period"),
    "units_ranked": ("{n} đơn vị được xếp hạng", "{n} units ranked"),
    "page_targets": ("Chỉ tiêu", "Targets"),
    "targets_applying": ("Chỉ tiêu áp dụng cho {who}", "Targets that apply to {who}"),
    "targets_note": ("Chỉ tiêu của đơn vị ưu tiên hơn chỉ tiêu theo cấp và của tỉnh; năm gần nhất được dùng, "
                     "chỉ tiêu năm trước được chuyển tiếp.",
                     "A unit's own target comes before its level's and the province's; the latest year applies, "
                     "an earlier year's is carried forward."),
    "indicator": ("Chỉ số", "Indicator"),
    "plan": ("Kế hoạch", "Plan"),
    "quote": ("Trích dẫn", "Quote"),
    "year_col": ("Năm", "Year"),
    "applies_to": ("Áp dụng cho", "Applies to"),
    "reported_values": ("Chỉ số báo cáo (nhập tay)", "Reported indicators (entered by hand)"),
    "no_reported": ("Chưa có giá trị nhập tay: dùng `cchc template` để lập mẫu chi_so_bao_cao.xlsx.",
                    "No values entered yet: `cchc template` writes the chi_so_bao_cao.xlsx form."),
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


STATUS_TEXT = {  # plain text for tables: a symbol and a word, readable without colour
    "met": ("✔ Đạt", "✔ Met"), "not_met": ("✘ Chưa đạt", "✘ Not met"),
    "no_activity": ("– Không phát sinh", "– No activity"), "no_target": ("○ Không có chỉ tiêu", "○ No target"),
}


def status_text(status) -> str:
    return STATUS_TEXT[status][lang()] if status in STATUS_TEXT else ""


def fmt_pct(v) -> str:
    """99.1234 → 99,12% (vi-VN); missing stays visibly missing, never 0."""
    if v is None or v != v:
        return "—"
    s = f"{v:.2f}%"
    return s.replace(".", ",") if lang() == 0 else s


def fmt_pp(v) -> str | None:
    """A change of a rate, in percentage points with its sign: +1,20 điểm %."""
    if v is None or v != v:
        return None
    s = f"{v:+.2f}"
    return f"{s.replace('.', ',') if lang() == 0 else s} {t('pp')}"
