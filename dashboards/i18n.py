"""Interface text: Vietnamese by default, English on request; vi-VN number formats."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import streamlit as st

from pipelines import formats

TEXT = {
    "app_title": ("Kho chỉ số CCHC tỉnh Lạng Sơn", "Lạng Sơn CCHC KPI warehouse"),
    "language": ("Ngôn ngữ", "Language"),
    "page_loaded": ("Dữ liệu đã nạp", "Loaded data"),
    "page_failed": ("Trang này chưa hiển thị được do một lỗi của phần mềm, không phải của số liệu. Hãy chọn "
                    "kỳ hoặc đơn vị khác, hoặc mở trang khác; lỗi đã được ghi vào nhật ký của máy chủ với mã "
                    "{reference}: hãy báo mã này cho cán bộ quản lý dữ liệu.",
                    "This page could not be shown because of a fault in the software, not in the figures. "
                    "Choose another period or unit, or open another page; the fault was written to the "
                    "server's log under reference {reference}: give that reference to the data steward."),
    "built_by_other_code": ("Số liệu đang hiển thị được dựng bởi phiên bản phần mềm trước; phiên bản mới đã được "
                            "cài. Hãy chạy `cchc refresh` để dựng lại (số liệu đã xuất bản vẫn giữ đến khi xong); "
                            "đến lúc đó, một số trang có thể chưa hiển thị đủ.",
                            "The figures shown were built by the previous version of the software; a new one has "
                            "been installed. Run `cchc refresh` to rebuild them (the published figures stay until "
                            "it is done); until then some pages may not show everything."),
    "nothing_published": ("Chưa có dữ liệu đã xuất bản. Hãy chạy `cchc refresh`.",
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
    "no_data": (":gray-badge[— Không có dữ liệu xuất]", ":gray-badge[— No export data]"),
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
    "first_rows": ("Hiện {shown} dòng đầu trong {total} dòng; tệp tải về có đủ.",
                   "Showing the first {shown} of {total} rows; the downloads hold them all."),
    "unit_gone": ("{unit} hoạt động đến {until}, sau đó sáp nhập vào {successor}: số liệu kỳ này của đơn vị "
                  "được tính cho {successor}. Hãy chọn {successor} hoặc một kỳ trước đó.",
                  "{unit} existed until {until} and then merged into {successor}, which reports its figures for "
                  "this period. Choose {successor} or an earlier period."),
    "page_quality": ("Chất lượng dữ liệu", "Data quality"),
    "page_alerts": ("Cảnh báo", "Alerts"),
    "open_alerts": ("Cảnh báo đang mở", "Open alerts"),
    "no_open_alerts": ("Không có cảnh báo nào đang mở.", "No alert is open."),
    "alerts_intro": ("Sau mỗi lần làm mới, các quy tắc được đánh giá lại: mỗi cảnh báo mở một lần, nhắc lại sau {days} "
                     "ngày nếu chưa ai xác nhận, và báo khi đã khắc phục.",
                     "After every refresh the rules are evaluated again: each alert opens once, is repeated after "
                     "{days} days unless someone acknowledges it, and says when it clears."),
    "respond": ("Xác nhận hoặc tạm hoãn", "Acknowledge or snooze"),
    "alert_number": ("Cảnh báo", "Alert"),
    "by_whom": ("Người xác nhận (họ tên hoặc e-mail)", "Acknowledged by (name or e-mail)"),
    "snooze_until": ("Tạm hoãn đến ngày (chỉ khi tạm hoãn)", "Snooze until (only to snooze)"),
    "note": ("Ghi chú", "Note"),
    "acknowledge": ("Xác nhận đã biết (dừng nhắc lại)", "Acknowledge (no more reminders)"),
    "snooze": ("Tạm hoãn (không gửi gì đến ngày đó)", "Snooze (nothing is sent until then)"),
    "need_by": ("Hãy ghi tên người xác nhận.", "Say who acknowledges it."),
    "need_until": ("Hãy chọn ngày tạm hoãn đến.", "Choose the date to snooze until."),
    "acknowledged_flash": ("Đã ghi nhận cảnh báo số {n}.", "Alert {n} acknowledged."),
    "snoozed_flash": ("Đã tạm hoãn cảnh báo số {n} đến {until}.", "Alert {n} snoozed until {until}."),
    "alert_history": ("Lịch sử cảnh báo", "Alert history"),
    "messages_sent": ("Tin nhắn đã gửi và đang chờ", "Messages sent and waiting"),
    "no_messages": ("Chưa có tin nhắn nào.", "No message yet."),
    "rule_below_target": ("Dưới chỉ tiêu", "Below target"),
    "rule_drop": ("Giảm mạnh so với kỳ trước", "Sharp drop"),
    "rule_projected_miss": ("Dự báo cả năm không đạt", "Projected to miss the year"),
    "rule_data_missing": ("Thiếu số liệu", "Data missing"),
    "what_no_dossiers": ("Không có hồ sơ nào trong tháng, dù 3 tháng trước đều có",
                         "No dossiers in the month, though each of the 3 before had some"),
    "rule_data_quality": ("Tệp bị giữ lại / không khớp", "File held back / not reconciling"),
    "rule_refresh_failed": ("Làm mới thất bại", "Refresh failed"),
    "event_opened": ("Mở", "Opened"),
    "event_reminder": ("Nhắc lại", "Reminder"),
    "event_recovered": ("Đã khắc phục", "Recovered"),
    "event_acknowledged": ("Đã xác nhận", "Acknowledged"),
    "event_snoozed": ("Tạm hoãn", "Snoozed"),
    "alert_open": ("Đang mở", "Open"),
    "alert_acknowledged": ("Đã xác nhận: {by}", "Acknowledged: {by}"),
    "alert_snoozed": ("Tạm hoãn đến {until}", "Snoozed until {until}"),
    "outbox_pending": ("⏳ Chờ gửi", "⏳ Waiting"),
    "outbox_sent": ("✔ Đã gửi", "✔ Sent"),
    "outbox_failed": ("✘ Hết lượt thử", "✘ Out of attempts"),
    "outbox_handing_over": ("⇢ Đang gửi", "⇢ Handing over"),
    "outbox_sent_unconfirmed": ("✔? Đã gửi, chưa xác nhận (không gửi lại)", "✔? Sent, unconfirmed (not sent again)"),
    "col_alert": ("Số", "No."),
    "col_what": ("Nội dung", "What"),
    "col_unit": ("Đơn vị", "Unit"),
    "col_indicator": ("Chỉ số", "Indicator"),
    "col_current": ("Giá trị", "Value"),
    "col_target": ("Chỉ tiêu", "Target"),
    "col_opened_at": ("Mở lúc", "Opened"),
    "col_state": ("Trạng thái", "State"),
    "col_at": ("Lúc", "At"),
    "col_event": ("Sự kiện", "Event"),
    "col_by_whom": ("Người", "By"),
    "col_note": ("Ghi chú", "Note"),
    "col_recipient": ("Người nhận", "Recipient"),
    "col_channel": ("Kênh", "Channel"),
    "col_subject": ("Tiêu đề", "Subject"),
    "col_address": ("Địa chỉ", "Address"),
    "col_attempts": ("Số lần thử", "Attempts"),
    "col_last_error": ("Lỗi gần nhất", "Last error"),
    "refresh_failed": ("Lần làm mới lúc {at} thất bại: {message} — Số liệu đang hiển thị vẫn là của lần thành công "
                       "lúc {good}. Sửa tệp theo thông báo rồi chạy lại `cchc refresh`.",
                       "The refresh at {at} failed: {message} — The figures shown are still those of the refresh "
                       "that succeeded at {good}. Fix the file as the message says and run `cchc refresh` again."),
    "refresh_history": ("Lịch sử làm mới", "Refresh history"),
    "which_refresh": ("Lần làm mới", "Refresh"),
    "run_succeeded": ("✔ Thành công", "✔ Succeeded"),
    "run_failed": ("✘ Thất bại", "✘ Failed"),
    "run_files": ("Lần này kiểm tra **{files}** tệp, **{held}** tệp bị giữ lại (không nạp).",
                  "This refresh validated **{files}** files and held back **{held}**."),
    "nothing_validated": ("Lần này không có tệp nào thay đổi.", "No file changed in this refresh."),
    "outcome_staged": ("✔ Đã nạp", "✔ Loaded"),
    "outcome_held_back": ("⏸ Giữ lại", "⏸ Held back"),
    "files_in_warehouse": ("Tệp trong kho", "Files in the warehouse"),
    "reconciled": ("{files} tệp; số dòng đọc được = nhận + cách ly + bỏ qua ở mọi tệp trừ {bad} tệp.",
                   "{files} files; rows read = accepted + quarantined + skipped in every file but {bad}."),
    "by_rule": ("Số dòng theo quy tắc vi phạm", "Rows by rule broken"),
    "no_rule_broken": ("Không có dòng nào vi phạm quy tắc.", "No row broke a rule."),
    "severity_critical": ("✘ Lỗi (cách ly)", "✘ Error (quarantined)"),
    "severity_warning": ("⚠ Cảnh báo (vẫn nạp)", "⚠ Warning (loaded)"),
    "quarantined_rows": ("Các dòng vi phạm", "Rows that broke a rule"),
    "all": ("Tất cả", "All"),
    "rule": ("Quy tắc", "Rule"),
    "severity": ("Mức", "Severity"),
    "col_started_at": ("Bắt đầu", "Started"),
    "col_status": ("Kết quả", "Result"),
    "col_seconds": ("Số giây", "Seconds"),
    "col_files_loaded": ("Tệp nạp mới", "Files loaded"),
    "col_files_unchanged": ("Tệp không đổi", "Files unchanged"),
    "col_rows_validated": ("Dòng đã kiểm tra", "Rows validated"),
    "col_rows_accepted": ("Dòng được nhận", "Rows accepted"),
    "col_rows_quarantined": ("Dòng bị cách ly", "Rows quarantined"),
    "col_rows_with_warnings": ("Dòng có cảnh báo", "Rows with warnings"),
    "col_expectations_run": ("Phép kiểm tra đã chạy", "Expectations run"),
    "col_expectations_failed": ("Phép kiểm tra không đạt", "Expectations failed"),
    "col_message": ("Thông báo", "Message"),
    "col_kind": ("Loại tệp", "Kind"),
    "col_period": ("Kỳ", "Period"),
    "col_file_name": ("Tệp", "File"),
    "col_outcome": ("Xử lý", "Outcome"),
    "col_file_format": ("Định dạng", "Format"),
    "col_profile": ("Nguồn xuất", "Export profile"),
    "col_rows_read": ("Dòng đọc được", "Rows read"),
    "col_rows_skipped": ("Dòng bỏ qua (trống, chân trang)", "Rows skipped (blank, footer)"),
    "col_warnings": ("Cảnh báo", "Warnings"),
    "col_balanced": ("Khớp số dòng", "Rows reconcile"),
    "col_loaded_at": ("Nạp lúc", "Loaded at"),
    "col_rule": ("Quy tắc", "Rule"),
    "col_severity": ("Mức", "Severity"),
    "col_files": ("Số tệp", "Files"),
    "col_rows": ("Số dòng", "Rows"),
    "col_sheet": ("Trang tính", "Sheet"),
    "col_row": ("Dòng", "Row"),
    "col_column": ("Cột", "Column"),
    "col_value": ("Giá trị như trong tệp", "Value as written"),
    "col_found_at": ("Phát hiện lúc", "Found at"),
    "brief_button": ("Bản tin một trang (in hoặc lưu PDF)", "One-page brief (print or save as PDF)"),
    "brief_title": ("Bản tin cải cách hành chính", "Administrative reform brief"),
    "brief_scorecard": ("Kết quả các chỉ số", "Indicators"),
    "brief_slips": ("Chỉ tiêu chưa đạt, xa nhất trước", "Targets missed, furthest first"),
    "brief_drags": ("Thủ tục có nhiều trường hợp chưa đạt nhất", "Procedures with the most shortfalls"),
    "brief_no_slips": ("Không có chỉ tiêu nào chưa đạt.", "No target missed."),
    "brief_late": ("{late} hồ sơ trễ hạn trong kỳ, {without} hồ sơ chưa có phiếu xin lỗi.",
                   "{late} dossiers late in the period, {without} without an apology letter."),
    "brief_footer": ("Kho chỉ số CCHC tỉnh Lạng Sơn. Chỉ số tính theo định nghĩa thống nhất; chỉ tiêu trích từ kế "
                     "hoạch ghi ở từng dòng. «—» là không có dữ liệu.",
                     "Lạng Sơn CCHC KPI warehouse. Indicators follow one written definition; each target is "
                     "quoted from the plan named on its line. '—' means no data."),
    "page_unit": ("Đơn vị", "Unit"),
    "over_time": ("Các chỉ số theo thời gian", "Indicators over time"),
    "marks_note": ("✔ đạt, ✘ chưa đạt chỉ tiêu áp dụng cho kỳ đó; — là không có dữ liệu.",
                   "✔ met, ✘ missed the target that applied in that period; — means no data."),
    "drags": ("Thủ tục và lĩnh vực kéo giảm: {indicator}", "Procedures and fields dragging it down: {indicator}"),
    "drags_note": ("«Điểm bị kéo giảm»: số điểm % chỉ số của đơn vị sẽ tăng nếu mọi hồ sơ của dòng đó đều đạt.",
                   "'Points lost': how many percentage points the unit's value would gain were every case of "
                   "that line met."),
    "by_procedure": ("Theo thủ tục", "By procedure"),
    "by_field": ("Theo lĩnh vực", "By field"),
    "no_drags": ("Không có trường hợp chưa đạt.", "Nothing fell short."),
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "numerator": ("Đạt", "Met"),
    "denominator": ("Tổng", "Total"),
    "shortfall": ("Chưa đạt", "Short"),
    "points_lost": ("Điểm bị kéo giảm", "Points lost"),
    "late_title": ("Hồ sơ trễ hạn", "Late dossiers"),
    "late_summary": ("**{late}** hồ sơ trễ hạn trong kỳ, **{without}** chưa có phiếu xin lỗi. "
                     "Chọn một dòng để xem vì sao hồ sơ bị tính trễ hạn.",
                     "**{late}** dossiers late in the period, **{without}** without an apology letter. "
                     "Pick a row to see why it counts as late."),
    "dossier_code": ("Mã hồ sơ", "Dossier"),
    "procedure": ("Thủ tục", "Procedure"),
    "unit_code": ("Mã đơn vị", "Unit code"),
    "received": ("Tiếp nhận", "Received"),
    "due": ("Hẹn trả", "Due"),
    "finished": ("Kết thúc", "Finished"),
    "days_late": ("Số ngày trễ", "Days late"),
    "reason": ("Lý do", "Reason"),
    "apology": ("Phiếu xin lỗi", "Apology letter"),
    "yes": ("✔ Có", "✔ Yes"),
    "no": ("✘ Không", "✘ No"),
    "reason_finished_late": ("Giải quyết quá hạn", "Finished late"),
    "reason_open_overdue": ("Chưa giải quyết, đã quá hạn", "Open past its due date"),
    "reason_two_supplements": ("Yêu cầu bổ sung từ 2 lần", "Two or more supplement requests"),
    "report_xlsx": ("Biểu 06 (XLSX)", "Report table 06 (XLSX)"),
    "report_csv": ("Biểu 06 (CSV)", "Report table 06 (CSV)"),
    "reason_requested_late": ("Yêu cầu bổ sung khi đã quá hạn", "Supplement requested after its due date"),
    "find_dossier": ("Xem chi tiết hồ sơ (nhập mã hoặc chọn dòng ở trên)",
                     "Dossier detail (type a code or pick a row above)"),
    "dossier_unknown": ("Không có hồ sơ «{code}» trong kho.", "No dossier '{code}' in the warehouse."),
    "not_late": ("Hồ sơ này không bị tính trễ hạn trong kỳ {period}.", "This dossier is not counted late in {period}."),
    "why_finished_late": ("Kết thúc lúc {end}, sau khi trừ {hours} giờ chờ bổ sung vẫn sau hạn {due}: trễ **{days}** ngày.",
                          "Finished at {end}; after taking off {hours} hours waiting for supplements it is still "
                          "after its due date {due}: **{days}** days late."),
    "why_requested_late": ("Đang chờ công dân bổ sung: thời gian dừng tính lúc yêu cầu bổ sung ({end}), "
                           "sau khi trừ {hours} giờ chờ bổ sung trước đó vẫn sau hạn {due}: trễ **{days}** ngày.",
                           "Waiting for the applicant: the clock stopped at the supplement request ({end}); after "
                           "taking off {hours} hours of earlier supplements it is still after its due date {due}: "
                           "**{days}** days late."),
    "why_open_overdue": ("Đến hết kỳ ({period_end}) chưa giải quyết, đã quá hạn {due}: trễ **{days}** ngày.",
                         "Still open at the period's end ({period_end}), past its due date {due}: **{days}** days late."),
    "why_two_supplements": ("Đã yêu cầu bổ sung **{n}** lần: hồ sơ yêu cầu bổ sung từ 2 lần trở lên được tính là "
                            "trễ hạn dù thời gian còn trong hạn {due}.",
                            "Supplements were requested **{n}** times: a dossier with two or more supplement "
                            "requests counts as late even within its due date {due}."),
    "with_apology": ("Đã có phiếu xin lỗi.", "An apology letter was sent."),
    "without_apology": ("**Chưa có phiếu xin lỗi.**", "**No apology letter.**"),
    "field": ("Trường", "Field"),
    "show_counted": ("Hiện mọi dòng được tính cho «{indicator}»", "Show every row counted for '{indicator}'"),
    "counted_total": ("Tử số {num}, mẫu số {den}; cũng như lệnh `{command}`.",
                      "Numerator {num}, denominator {den}; the same as `{command}`."),
    # --- overview (new strings of this part go here) ---
    "ov_drag_legend": ("Bên phải: ba đơn vị kéo giảm nhiều nhất, mỗi đơn vị với giá trị · Đạt/Tổng · số điểm % "
                       "kéo giảm chỉ số chung.",
                       "On the right: the three units dragging it down most, each with its value · met/total · the "
                       "points it costs the whole."),
    "ov_missed": ("Chỉ tiêu chưa đạt ({n})", "Targets missed ({n})"),
    "ov_none_missed": ("Không có chỉ tiêu nào chưa đạt trong kỳ này.", "No target is missed in this period."),
    "ov_met": ("Chỉ tiêu đã đạt ({n})", "Targets met ({n})"),
    "ov_untargeted": ("Chỉ số chưa có chỉ tiêu hoặc không phát sinh ({n})", "Indicators without a target or activity ({n})"),
    "ov_points_note": ("«Điểm % bị kéo giảm» của một đơn vị: số điểm % tỷ lệ của {scope} sẽ tăng nếu riêng đơn vị đó "
                       "đạt chỉ tiêu (Tổng của đơn vị ÷ Tổng của {scope} × (chỉ tiêu − giá trị của đơn vị)).",
                       "'Points it costs': how many percentage points the rate of {scope} would gain had that unit "
                       "alone met the target (the unit's total ÷ the total of {scope} × (target − the unit's value))."),
    "ov_unit_drags": ("Xem thủ tục, lĩnh vực kéo giảm", "See the procedures and fields dragging it down"),
    "ov_no_unit_drags": ("Không đơn vị nào dưới chỉ tiêu: thiếu hụt nằm ở tổng số.",
                         "No single unit is below the target."),
    "ov_rank_help": ("Thứ hạng điểm tổng hợp trong cấp / số đơn vị được xếp hạng trong cấp và kỳ này.",
                     "Rank of the composite score within the level / units ranked in that level and period."),
    "ov_change": ("So với {period}", "vs {period}"),
    "ov_last_year": ("Cùng kỳ năm trước ({period})", "Same period last year ({period})"),
    "ov_compare_whole": ("Thay đổi so với kỳ trước: {previous}.", "Change against the period before: {previous}."),
    "ov_compare_span": ("Kỳ đang diễn ra, số liệu đến {end}: so với {previous}, cùng khoảng thời gian của {kind} trước "
                        "(không so với cả {kind} trước).",
                        "A period still running, data to {end}: compared with {previous}, the same span of the "
                        "previous {kind} (not the whole {kind})."),
    "ov_compare_none_running": ("Kỳ đang diễn ra, số liệu đến {end}: không so sánh với kỳ trước, vì khoảng thời gian "
                                "tương ứng của {kind} trước không phải là một kỳ báo cáo có đủ số liệu.",
                                "A period still running, data to {end}: no change is shown, because the same span "
                                "of the previous {kind} is not a reporting period with complete data."),
    "ov_compare_none": ("Không có kỳ trước đủ số liệu để so sánh.", "No complete period before to compare with."),
    "ov_kind_month": ("tháng", "month"),
    "ov_kind_quarter": ("quý", "quarter"),
    "ov_kind_half": ("6 tháng", "half year"),
    "ov_kind_nine_months": ("9 tháng", "nine months"),
    "ov_kind_year": ("năm", "year"),
    "ov_kind_ytd": ("lũy kế", "year to date"),
    "ov_trend": ("Xu hướng {n} kỳ gần nhất; đường đứt nét là chỉ tiêu", "Trend of the last {n} periods; the dashed line is the target"),
    "brief_drags_units": ("Đơn vị kéo giảm nhiều nhất (giá trị, Đạt/Tổng, điểm % bị kéo giảm)",
                          "Units dragging it down most (value, met/total, points it costs)"),
    # --- scopes and periods (new strings of this part go here) ---
    "running": ("đang diễn ra, số liệu đến hết tháng {until}", "running, figures up to the end of {until}"),
    "provisional_until": ("số liệu tạm thời, tính đến hết ngày {until}", "provisional figures, counted to {until}"),
    "no_periods": ("Chưa có kỳ nào thuộc loại này trong dữ liệu đã nạp. Hãy chọn loại kỳ khác.",
                   "The loaded data has no period of this type yet. Choose another period type."),
    "period_without_exports": ("Kỳ này không có tệp dữ liệu xuất nào: số liệu bị thiếu, không phải bằng 0. "
                               "Hãy chọn một kỳ khác.",
                               "No export file covers this period: its figures are missing, not zero. "
                               "Choose another period."),
    "scope_not_in_period": ("không hoạt động trong kỳ này", "not in this period"),
    "province_name": ("Toàn tỉnh", "Whole province"),
    "unit_unknown": ("Đường liên kết hỏi đơn vị mã {code}, nhưng danh mục đơn vị không có mã này (có thể gõ nhầm, "
                     "hoặc đơn vị chưa có trong tệp danh mục đã nạp). Đang hiển thị {shown}; hãy chọn đơn vị ở ô "
                     "Đơn vị.",
                     "The link asks for unit code {code}, but the list of units has no such code (a typing slip, "
                     "or a unit not yet in the loaded reference file). Showing {shown}; choose a unit in the "
                     "Unit box."),
    "unit_not_yet": ("{unit} được thành lập từ {since}, nên chưa có trong kỳ {period}.",
                     "{unit} was created on {since}, so it does not exist in {period}."),
    "unit_ended": ("{unit} hoạt động đến {until}, nên không có trong kỳ {period}.",
                   "{unit} existed until {until}, so it is not in {period}."),
    "district_abolished": ("{unit} hoạt động đến {until}: cấp huyện đã kết thúc hoạt động từ 01/07/2025, nên "
                           "không có số liệu của đơn vị này trong kỳ {period}. Các xã, phường trước đây thuộc "
                           "huyện nay được tính trực tiếp vào toàn tỉnh.",
                           "{unit} existed until {until}: districts were abolished on 1 July 2025, so it has no "
                           "figures in {period}. The communes and wards that were under it now count directly "
                           "towards the province."),
    "open_successor": ("Xem {successor}, {period}", "Open {successor}, {period}"),
    "open_province": ("Xem toàn tỉnh, {period}", "Open the whole province, {period}"),
    "open_period": ("Xem {unit}, {period}", "Open {unit}, {period}"),
    "unit_no_values": ("Chưa có số liệu chỉ số nào của {unit} cho loại kỳ này.",
                       "No indicator figures for {unit} for this period type yet."),
    "unit_no_dossiers": ("{unit} không có hồ sơ nào trong kỳ {period}: các chỉ số dựa trên hồ sơ không phát "
                         "sinh, không phải bằng 0.",
                         "{unit} has no dossiers in {period}: the dossier indicators had no activity, which is "
                         "not zero."),
    "late_none": ("Không có hồ sơ trễ hạn trong kỳ.", "No late dossiers in this period."),
    # --- ranking and tables (new strings of this part go here) ---
    "level_noun_tinh": ("sở, ban, ngành", "departments"),
    "level_noun_xa": ("cấp xã", "communes"),
    "level_noun_huyen": ("cấp huyện", "districts"),
    "ranking_title": ("Xếp hạng {level}", "Ranking of {level}"),
    "level_absent": ("Kỳ {period} không có đơn vị {level} nào được xếp hạng (cấp huyện không còn từ 01/7/2025); "
                     "đang hiện {shown}.",
                     "No {level} unit is ranked in {period} (districts were abolished on 1/7/2025); showing {shown}."),
    "nothing_ranked": ("Kỳ {period} chưa có đơn vị nào có số liệu để xếp hạng theo chỉ số này.",
                       "No unit has figures to rank by this indicator in {period}."),
    "rank_of": ("Hạng (trên số đơn vị)", "Rank (of units)"),
    "few_col": ("Cỡ mẫu", "Sample"),
    "few_mark": ("⚠ ít", "⚠ few"),
    "few_note": ("⚠ ít: dưới {n} hồ sơ được tính, quá ít để đánh giá (vẫn xếp hạng; cột nhạt hơn trên biểu đồ). "
                 "Đạt/Tổng: số hồ sơ đạt trên số hồ sơ được tính.",
                 "⚠ few: fewer than {n} cases counted, too few to judge (still ranked; a paler bar in the chart). "
                 "Met/Total: the cases that met it out of those counted."),
    "chart_target": ("Vạch đứt: chỉ tiêu áp dụng ({target}).", "Dashed line: the target that applies ({target})."),
    "chart_targets": ("Vạch đen: chỉ tiêu áp dụng cho từng đơn vị.", "Black tick: the target that applies to each unit."),
    "ranking_click": ("Chọn một dòng (ô đầu dòng) để mở trang của đơn vị đó.",
                      "Pick a row (its first cell) to open that unit's page."),
    "score": ("Điểm", "Score"),
    "cards_first": ("Màn hình hẹp: hiện {shown} dòng đầu trong {total} dòng; màn hình rộng và tệp tải về có đủ.",
                    "Narrow screen: showing the first {shown} of {total} rows; a wide screen and the downloads hold them all."),
    # --- alerts (new strings of this part go here) ---
    "all_shown": ("Tất cả", "All"),
    "choose_alerts": ("Chọn cảnh báo…", "Choose alerts…"),
    "col_projected": ("Dự báo cuối năm", "Year-end projection"),
    "projected_year_end": ("dự báo cuối năm {value} {short} chỉ tiêu {target}",
                           "projected year-end {value} {short} target {target}"),
    "alerts_counts": ("Số cảnh báo đang mở theo quy tắc và cấp", "Open alerts by rule and level"),
    "alerts_total": ("Tổng", "Total"),
    "alert_level": ("Cấp", "Level"),
    "alert_level_province": ("Toàn tỉnh và các cấp", "Province and its levels"),
    "alert_level_tinh": ("Sở, ngành", "Departments"),
    "alert_level_xa": ("Xã, phường", "Communes"),
    "alert_level_huyen": ("Huyện (trước sắp xếp)", "Districts (before the reform)"),
    "alert_state_open": ("Đang mở", "Open"),
    "alert_state_acknowledged": ("Đã xác nhận", "Acknowledged"),
    "alert_state_snoozed": ("Tạm hoãn", "Snoozed"),
    "alerts_shown": ("Đang hiện {shown} trong {total} cảnh báo đang mở.", "Showing {shown} of {total} open alerts."),
    "alerts_province_own": ("Toàn tỉnh và các cấp", "The province and its levels"),
    "alerts_count": ("{n} cảnh báo", "{n} alerts"),
    "alerts_more_units": ("Còn {n} đơn vị khác có cảnh báo: lọc hoặc chọn đơn vị để xem.",
                          "{n} more units have alerts: filter or choose the unit to see them."),
    "alerts_select_all": ("Chọn tất cả {n} cảnh báo đang hiện", "Select all {n} alerts shown"),
    "need_alerts": ("Hãy chọn ít nhất một cảnh báo.", "Choose at least one alert."),
    "alerts_nobody_told": ("Không ai được báo: chưa có tệp danh bạ (hoặc tệp trống) {path}. Tạo tệp CSV với các cột "
                           "{columns} (vai_tro: lanh_dao hoặc quan_tri_du_lieu; ma_don_vi = province cho lãnh đạo "
                           "tỉnh).",
                           "Nobody was told: no contacts file (or an empty one) at {path}. Write a CSV with the "
                           "columns {columns} (vai_tro: lanh_dao or quan_tri_du_lieu; ma_don_vi = province for the "
                           "province's leaders)."),
    "alerts_units_untold": ("{n} đơn vị có cảnh báo nhưng chưa có lãnh đạo (lanh_dao) trong danh bạ {path}: "
                            "không được báo trực tiếp.",
                            "{n} units with alerts have no leader (lanh_dao) in the contacts file {path}: not told "
                            "directly."),
    "alerts_unit_untold": ("Chưa có lãnh đạo của đơn vị trong danh bạ: không ai ở đơn vị được báo.",
                           "No leader of this unit in the contacts file: nobody there was told."),
    "event_merged": ("Gộp vào cảnh báo khác", "Merged into another alert"),
    # --- app and phone (new strings of this part go here) ---
}


_spoken = threading.local()


def lang() -> int:
    forced = getattr(_spoken, "lang", None)
    return forced if forced is not None else 1 if st.session_state.get("lang") == "English" else 0


@contextmanager
def speaking(index: int):
    """lang() is `index` inside: a page run (app.py; asking the session state costs ~0.07 ms, and a
    page asks a thousand times) or a download made in another thread (later)."""
    before, _spoken.lang = getattr(_spoken, "lang", None), index
    try:
        yield
    finally:
        _spoken.lang = before


def later(make):
    """`make` as a callable that runs in the language chosen now: a download made on click runs in
    another thread, without the session."""
    spoken = lang()

    def made():
        with speaking(spoken):
            return make()
    return made


def t(key: str) -> str:
    return TEXT[key][lang()]


def fmt_int(n) -> str:
    return formats.integer(n, lang())


STATUS_TEXT = {  # plain text for tables: a symbol and a word, readable without colour
    "met": ("✔ Đạt", "✔ Met"), "not_met": ("✘ Chưa đạt", "✘ Not met"),
    "no_activity": ("– Không phát sinh", "– No activity"), "no_data": ("— Không có dữ liệu", "— No data"),
    "no_target": ("○ Không có chỉ tiêu", "○ No target"),
}


def status_text(status) -> str:
    return STATUS_TEXT[status][lang()] if status in STATUS_TEXT else ""


def fmt_pct(v) -> str:
    return formats.pct(v, lang())


def fmt_value(v, unit: str = "percent") -> str:
    return formats.value(v, unit, lang())


def fmt_target(comparator, threshold, unit: str = "percent") -> str:
    return formats.target(comparator, threshold, unit, lang())


def fmt_pp(v) -> str | None:
    """A change of a rate, in percentage points with its sign: +1,20 điểm %."""
    return None if formats.missing(v) else f"{formats.signed(v, lang())} {t('pp')}"


def fmt_number(v, decimals: int = 2) -> str:
    return formats.number(v, decimals, lang())


def fmt_signed(v) -> str:
    return formats.signed(v, lang())


def fmt_rank(rank, of) -> str:
    """7 of 65 ranked → 7/65: where a unit stands needs how many stand."""
    return "—" if formats.missing(rank) else f"{int(rank)}/{int(of)}" if not formats.missing(of) else str(int(rank))


VEGA_VI = {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}}


def vega_config() -> dict:
    """A Vega-Lite chart's `config` for the language chosen: vi-VN axes read 8.000 and 99,5, as
    the tables do (Vega's number locale; English keeps Vega's own)."""
    return {"locale": VEGA_VI} if lang() == 0 else {}


fmt_date = formats.date
fmt_datetime = formats.local_datetime


_CARRIED = re.compile(r" \(chỉ tiêu năm (\d{4}), chuyển tiếp\)$")


def fmt_source(source) -> str:
    """The plan that set a target, as marts.scorecard cites it (the plan's own Vietnamese title);
    in English the warehouse's note on a target carried forward from an earlier year is said in
    English. Empty when no target applies."""
    if not isinstance(source, str):
        return ""
    return _CARRIED.sub(lambda m: f" ({m[1]} target, carried forward)", source) if lang() else source


# Every ASCII punctuation mark CommonMark lets a backslash escape, and the colon of Streamlit's
# :color[…] and :material/…: directives.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(value) -> str:
    """Text from the data (a unit's or procedure's name, a code, a file name, a message) as it is
    written, inside Markdown: never a link, an image the browser fetches, emphasis or a directive."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(value).split()))


_URL = re.compile(r"\b(https?)://(?:[^\s/@]*@)?([^\s/?#:]+)(:\d+)?[^\s]*", re.IGNORECASE)


def without_secrets(text):
    """A webhook address (or a message quoting one) shown as its scheme and host only: the path and
    query carry the token, and the user part a password; neither is shown nor exported."""
    return text if not isinstance(text, str) else _URL.sub(lambda m: f"{m[1]}://{m[2]}{m[3] or ''}/…", text)
