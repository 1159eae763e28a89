-- The sixteen indicators of indicators.md, with the composite score's groups, points and
-- thresholds ("Composite score and ranking"); then the reported (hand-entered) indicators of
-- warehouse/seeds/reported_indicators.csv, whose values come from the steward's chi_so_bao_cao file.
CREATE OR REPLACE TABLE kpi.indicators AS
-- (UNION ALL BY NAME below matches its branches by name: their widths differ, AM07.)
SELECT *, 'export' AS source, 'percent' AS unit, 'higher' AS better FROM (VALUES  -- noqa: AM07
    (1, 'on_time_rate', 'Tỷ lệ hồ sơ giải quyết đúng hạn', 'Dossiers on time', 'Tiến độ giải quyết', 20, 100),
    (2, 'resolved_on_time_rate', 'Tỷ lệ hồ sơ đã giải quyết đúng hạn', 'Resolved dossiers on time', NULL, NULL, NULL),
    (3, 'late_apology_rate', 'Tỷ lệ hồ sơ trễ hạn có phiếu xin lỗi', 'Late dossiers with an apology letter', NULL, NULL, NULL),
    (4, 'online_dossier_rate', 'Tỷ lệ hồ sơ tiếp nhận qua DVCTT', 'Dossiers received online (online services)', NULL, NULL, NULL),
    (5, 'online_dossier_rate_all', 'Tỷ lệ hồ sơ trực tuyến trên tổng hồ sơ', 'Online dossiers of all dossiers',
        'Dịch vụ công trực tuyến', 12, 50),
    (6, 'full_process_rate', 'Tỷ lệ hồ sơ trực tuyến toàn trình', 'Full-process online dossiers', NULL, NULL, NULL),
    (7, 'online_service_uptake_rate', 'Tỷ lệ DVCTT có phát sinh hồ sơ trực tuyến', 'Online services with online dossiers',
        NULL, NULL, NULL),
    (8, 'payment_integration_rate', 'Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến trên Cổng DVCQG',
        'Fee-bearing procedures with online payment on the National Portal', 'Thanh toán trực tuyến', 4, 80),
    (9, 'online_payment_rate', 'Tỷ lệ giao dịch thanh toán trực tuyến', 'Online payment transactions', NULL, NULL, NULL),
    (10, 'dvcqg_payment_share', 'Tỷ lệ thanh toán trực tuyến qua Cổng DVCQG', 'Online payments through the National Portal',
        NULL, NULL, NULL),
    (11, 'online_paid_dossier_rate', 'Tỷ lệ hồ sơ thanh toán trực tuyến', 'Dossiers paid online', 'Thanh toán trực tuyến', 6, 100),
    (12, 'dossier_digitization_rate', 'Tỷ lệ số hóa hồ sơ', 'Dossiers digitized', 'Số hóa hồ sơ', 4, 100),
    (13, 'result_digitization_rate', 'Tỷ lệ số hóa kết quả', 'Results digitized', NULL, NULL, NULL),
    (14, 'e_result_rate', 'Tỷ lệ cấp kết quả điện tử', 'Electronic results', 'Số hóa hồ sơ', 6, 100),
    (15, 'data_reuse_rate', 'Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa', 'Reuse of digitized data', 'Số hóa hồ sơ', 2, 80),
    (16, 'satisfaction_rate', 'Mức độ hài lòng trong giải quyết TTHC', 'Satisfaction', 'Mức độ hài lòng', 6, 90)
) t (ord, indicator, name_vi, name_en, score_group, max_points, score_threshold)
UNION ALL BY NAME
SELECT 100 + row_number() OVER () AS ord, code AS indicator, name_vi, name_en, 'reported' AS source, unit, better
FROM staging.reported_indicators;

-- Value in percent, unrounded; empty when nothing was counted (status no_activity).
CREATE OR REPLACE MACRO rate(numerator, denominator) AS
    CASE WHEN denominator > 0 THEN 100.0 * numerator / denominator END;

-- Whether a value meets a target (indicators.md, "Targets"): the one place a comparator is read.
CREATE OR REPLACE MACRO meets(value, comparator, threshold) AS
    CASE comparator WHEN '>' THEN value > threshold WHEN '>=' THEN value >= threshold
                    WHEN '<' THEN value < threshold WHEN '<=' THEN value <= threshold END;
