-- The rest of what the dashboards and the alerts read, as views over core and kpi: with the tables
-- above, marts is their one surface, so core and kpi can change shape without a page or an alert
-- rule knowing (tests/test_docs.py: nothing under dashboards/ or the alerts reads core or kpi).

-- The indicators, in the pages' order, with their names and their place in the composite score.
CREATE OR REPLACE VIEW marts.indicators AS
SELECT ord, indicator, name_vi, name_en, source, unit, better, score_group, max_points, score_threshold
FROM kpi.indicators;

-- The periods that have data, with whether each is complete.
CREATE OR REPLACE VIEW marts.periods AS
SELECT period, period_type, year, start_date, end_date, complete, has_exports
FROM kpi.periods;

-- Every unit, with its level, validity and successor.
CREATE OR REPLACE VIEW marts.units AS
SELECT ma_don_vi, ten_don_vi, cap, ten_cap, ma_don_vi_cha, hieu_luc_tu, hieu_luc_den, ma_don_vi_ke_thua,
    final_successor, is_province
FROM core.dim_don_vi;

-- Every value, counted and reported, against the target that applies, with its status (the
-- reported values of a period without exports too, which scorecard_tiles leaves out).
CREATE OR REPLACE VIEW marts.scorecard AS
SELECT period, scope, scope_code, indicator, numerator, denominator, value, target, comparator, target_id,
    target_source, carried_forward, target_quote, status
FROM kpi.scorecard;

-- The targets registry (warehouse/seeds/targets.csv), each target with how it is cited.
CREATE OR REPLACE VIEW marts.targets AS
SELECT target_id, plan, plan_number, plan_date, issuer, year, scope_type, scope_code, scope_name, indicator,
    comparator, threshold, quote, citation
FROM kpi.targets;

-- Every dossier late in a period, with why and by how many days (the unit page's list).
CREATE OR REPLACE VIEW marts.late_dossiers AS
SELECT period, reporting_unit, ma_ho_so, ma_don_vi, ma_tthc, ten_tthc, kenh, ngay_tiep_nhan, ngay_hen_tra,
    ngay_ket_thuc, state, so_lan_bo_sung, gio_bo_sung, hours_taken_off, two_supplements, days_late, reason,
    co_phieu_xin_loi
FROM kpi.late_dossiers;

-- Every dossier as loaded (the latest version), for looking one up.
CREATE OR REPLACE VIEW marts.dossiers AS
SELECT ma_ho_so, ma_tthc, ten_tthc, ma_linh_vuc, ten_linh_vuc, ma_don_vi, kenh, toan_trinh, ngay_nop,
    ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc, ngay_tra, trang_thai, so_lan_bo_sung, ngay_yeu_cau_bo_sung,
    ngay_hoan_thanh_bo_sung, gio_bo_sung, co_phieu_xin_loi, ngay_hen_tra_moi, danh_gia, loai_doi_tuong,
    ngay_cap_nhat, _period, _file, versions
FROM core.fct_ho_so;
