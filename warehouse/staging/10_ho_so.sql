-- Dossiers, typed from the landing text. Parsed once per batch into landing.ho_so_typed by the loader;
-- the rows that break no critical rule go on to staging.ho_so.

-- DonViXuLy as systems that sync to DVCQG fill it: the unit's name instead of its code
-- (exports.md). For each row of `rows` (landing text) whose ma_don_vi is no unit code, the units
-- whose name (ten_don_vi, compared as text_key: NFC, case, spacing) it is: those valid on the day
-- the dossier was accepted (submitted, when it was not accepted); if none, those valid at some time
-- while it was handled, from its acceptance to its latest date (a dossier open across a merger goes
-- on under the successor, as a code may: checks/10_checks.sql, _unit_valid); with no date at all to
-- tell, every unit of that name. `read_as`: the code, when one unit fits; `candidates`: their codes,
-- when several do; neither: no unit fits, and `name_like` says whether the value reads as a name
-- (white space, or a letter outside ASCII, which no unit code has), so that the steward is not told
-- to add it to don_vi as a code. Nothing when no units are loaded (known_ma_don_vi is not run then
-- either). Names are looked up once per distinct value; a row is compared with its name's units
-- only, its other dates parsed only when its acceptance day does not decide, and rows are grouped
-- only when their name is several units' (a name reused across a merger): a month written by
-- names costs a join, not a lookup per row.
CREATE OR REPLACE MACRO staging.unit_names_of(rows) AS TABLE
WITH written AS (
    SELECT _file, _row, _format, ma_don_vi, ngay_nop, ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat
    FROM query_table(rows)
    WHERE ma_don_vi NOT IN (SELECT ma_don_vi FROM staging.don_vi WHERE ma_don_vi IS NOT NULL)
        AND EXISTS (FROM staging.don_vi)
),
named AS (  -- each distinct value, and the units of that name (none: one row, with no unit)
    SELECT v.ma_don_vi AS written, v.name_like, u.ma_don_vi,
        coalesce(u.hieu_luc_tu, DATE '0001-01-01') AS valid_from, coalesce(u.hieu_luc_den, DATE '9999-12-31') AS valid_to,
        count(u.ma_don_vi) OVER (PARTITION BY v.ma_don_vi) AS units
    FROM (SELECT DISTINCT ma_don_vi, regexp_matches(ma_don_vi, '[\s\pZ]|[^\x00-\x7F]') AS name_like FROM written) v
    LEFT JOIN staging.don_vi u ON text_key(u.ten_don_vi) = text_key(v.ma_don_vi)
),
fits AS (  -- 1: valid when accepted; 2: valid at some time while handled, or no date to tell; NULL: neither.
           -- The other dates are parsed only for the rows their acceptance day does not decide.
    SELECT w._file, w._row, n.ma_don_vi, n.units, n.name_like, CASE
        WHEN CAST(coalesce(parse_ts(ngay_tiep_nhan, _format), parse_ts(ngay_nop, _format)) AS DATE)
            BETWEEN valid_from AND valid_to THEN 1
        WHEN handled_from(ngay_nop, ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat, _format) IS NULL THEN 2
        WHEN valid_to >= handled_from(ngay_nop, ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat, _format)
            AND valid_from <= handled_to(ngay_nop, ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat, _format)
            THEN 2 END AS fit
    FROM written w
    JOIN named n ON n.written = w.ma_don_vi AND n.units > 0
),
several AS (  -- rows whose value is several units' name: the units of the best fit
    SELECT _file, _row, any_value(name_like) AS name_like,
        count(*) FILTER (fit = 1) AS on_acceptance, count(*) FILTER (fit = 2) AS while_handled,
        list(ma_don_vi) FILTER (fit = 1) AS units_on_acceptance,
        list(ma_don_vi) FILTER (fit = 2) AS units_while_handled
    FROM fits WHERE units > 1
    GROUP BY _file, _row
)
SELECT _file, _row, CASE WHEN fit IS NOT NULL THEN ma_don_vi END AS read_as, NULL AS candidates, name_like
FROM fits WHERE units = 1
UNION ALL
SELECT _file, _row,
    CASE WHEN on_acceptance = 1 THEN units_on_acceptance[1]
         WHEN on_acceptance = 0 AND while_handled = 1 THEN units_while_handled[1] END,
    array_to_string(list_sort(CASE WHEN on_acceptance > 1 THEN units_on_acceptance
                                   WHEN on_acceptance = 0 AND while_handled > 1 THEN units_while_handled END), ', '),
    name_like
FROM several
UNION ALL
SELECT w._file, w._row, NULL, NULL, n.name_like
FROM written w JOIN named n ON n.written = w.ma_don_vi AND n.units = 0;

-- A unit written by its name that fits exactly one unit is that unit's code from here on: the
-- validation (unit_valid_on_date), core and the indicators see the code. The landing text keeps
-- the name as written, for meta.quarantine (the warning unit_by_name, expectations/ho_so.json).
CREATE OR REPLACE VIEW staging.ho_so_parsed AS
SELECT
    ma_ho_so,
    ma_tthc,
    clean_name(ten_tthc) AS ten_tthc,
    ma_linh_vuc,
    clean_name(ten_linh_vuc) AS ten_linh_vuc,
    coalesce(n.read_as, l.ma_don_vi) AS ma_don_vi,
    parse_int(kenh) AS kenh,
    parse_flag(toan_trinh) AS toan_trinh,
    parse_ts(ngay_nop, _format) AS ngay_nop,
    parse_ts(ngay_tiep_nhan, _format) AS ngay_tiep_nhan,
    parse_ts(ngay_hen_tra, _format) AS ngay_hen_tra,
    parse_ts(ngay_ket_thuc, _format) AS ngay_ket_thuc,
    parse_ts(ngay_tra, _format) AS ngay_tra,
    parse_status(trang_thai) AS trang_thai,
    parse_int(so_lan_bo_sung) AS so_lan_bo_sung,
    parse_ts(ngay_yeu_cau_bo_sung, _format) AS ngay_yeu_cau_bo_sung,
    parse_ts(ngay_hoan_thanh_bo_sung, _format) AS ngay_hoan_thanh_bo_sung,
    parse_number(gio_bo_sung) AS gio_bo_sung,
    parse_flag(co_phieu_xin_loi) AS co_phieu_xin_loi,
    parse_ts(ngay_hen_tra_moi, _format) AS ngay_hen_tra_moi,
    lower(danh_gia) AS danh_gia,
    parse_int(loai_doi_tuong) AS loai_doi_tuong,
    parse_ts(ngay_cap_nhat, _format) AS ngay_cap_nhat,
    _period, _file, _row
FROM landing.ho_so l
LEFT JOIN staging.unit_names_of('landing.ho_so') n USING (_file, _row);
