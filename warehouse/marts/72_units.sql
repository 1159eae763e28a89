-- Every unit, with its level, validity and successor.
CREATE OR REPLACE VIEW marts.units AS
SELECT ma_don_vi, ten_don_vi, cap, ten_cap, ma_don_vi_cha, hieu_luc_tu, hieu_luc_den, ma_don_vi_ke_thua,
    final_successor, is_province
FROM core.dim_don_vi;
