-- `cchc check` only, with the published copy attached as `pub`: a reference file is checked
-- against the dossiers already published (checks/40_reference_guard.sql), and a month's rows
-- against the published months before it (a file checked here replaces its published month).
CREATE OR REPLACE VIEW staging.dossiers_in_use AS
SELECT ma_ho_so, ma_don_vi, ma_tthc, ngay_tiep_nhan,
    greatest(ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat) AS latest
FROM staging.ho_so
UNION ALL
SELECT ma_ho_so, ma_don_vi, ma_tthc, ngay_tiep_nhan,
    greatest(ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat)
FROM pub.core.fct_ho_so;

CREATE OR REPLACE VIEW staging.month_rows AS
SELECT kind, period, rows_loaded AS "rows" FROM meta.files WHERE period IS NOT NULL
UNION ALL
SELECT kind, period, rows_loaded FROM pub.meta.files p
WHERE period IS NOT NULL AND NOT EXISTS (FROM meta.files f WHERE f.kind = p.kind AND f.period = p.period);
