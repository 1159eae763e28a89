-- `cchc check` only (pipelines/validate/check.py), with the published copy attached as `pub`: a
-- document's month is its dossier's acceptance (checks/20_file_period.sql), and a document file
-- checked without its month's dossier file finds them among the published ones.
CREATE OR REPLACE VIEW staging.dossiers_accepted AS
SELECT ma_ho_so, ngay_tiep_nhan FROM staging.ho_so
UNION ALL SELECT ma_ho_so, ngay_tiep_nhan FROM pub.core.fct_ho_so;
