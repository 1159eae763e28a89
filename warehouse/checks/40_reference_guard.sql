-- Reference files (don_vi, danh_muc_tthc) are replaced whole, so a new one is checked against
-- what the warehouse already holds before it replaces anything (pipelines/ingest/load.py,
-- _check_reference): a file that repeats a key, or that drops a unit or procedure the loaded
-- dossiers still use (or narrows a unit's validity so that it no longer covers them), would move
-- those dossiers out of every number without a word. `incoming` names a table of the rows the
-- file would stage (its rows that break no critical rule).

-- The dossiers the warehouse holds, every staged version: a re-export of any month is validated
-- against the units again. `cchc check` adds the published ones (checks/published/).
CREATE OR REPLACE VIEW staging.dossiers_in_use AS
SELECT ma_ho_so, ma_don_vi, ma_tthc, ngay_tiep_nhan,
    greatest(ngay_tiep_nhan, ngay_ket_thuc, ngay_tra, ngay_cap_nhat) AS latest
FROM staging.ho_so;

-- A reference kind's key: the contract has one row per unit (its whole validity on that row, a
-- successor for a merger) and one per procedure, and core joins the facts on the code alone.
CREATE OR REPLACE MACRO staging.reference_key(kind) AS CASE kind WHEN 'don_vi' THEN 'ma_don_vi' ELSE 'ma_tthc' END;

-- Keys written on more than one row of the batch's file of `kind` (landing: quarantined rows
-- included, since the suites quarantine every copy), with the rows they are on.
CREATE OR REPLACE MACRO staging.reference_duplicates(kind) AS TABLE
SELECT "key", count(*) AS n, list(_row ORDER BY _row) AS rows_at
FROM (
    SELECT COLUMNS(c -> c = staging.reference_key(kind)) AS "key", _row
    FROM query_table('landing.' || kind || '_typed')
)
WHERE "key" IS NOT NULL
GROUP BY ALL HAVING count(*) > 1
ORDER BY "key";

-- Units in use that the new file no longer lists (`missing`), or whose validity there no longer
-- covers a dossier the staged units cover (`validity`): as known_ma_don_vi and unit_valid_on_date
-- judge a dossier (checks/10_checks.sql, staging.unit_valid_for). Dossiers left uncovered by the
-- staged units already (a share allowed before) are not counted again. One row per code, with
-- the dossiers it would leave without a unit.
CREATE OR REPLACE MACRO staging.units_dropped(incoming) AS TABLE
WITH covered AS (  -- the rows the staged units cover now
    SELECT d.* FROM staging.dossiers_in_use d
    JOIN staging.don_vi u ON u.ma_don_vi = d.ma_don_vi
        AND coalesce(staging.unit_valid_for(u.hieu_luc_tu, u.hieu_luc_den, d.ngay_tiep_nhan, d.latest), true)
),
judged AS (
    SELECT c.ma_ho_so, c.ma_don_vi, n.ma_don_vi IS NULL AS missing,
        coalesce(staging.unit_valid_for(n.hieu_luc_tu, n.hieu_luc_den, c.ngay_tiep_nhan, c.latest), true) AS valid
    FROM covered c
    LEFT JOIN query_table(incoming) n USING (ma_don_vi)
)
SELECT ma_don_vi AS code, CASE WHEN bool_or(missing) THEN 'missing' ELSE 'validity' END AS why,
    count(DISTINCT ma_ho_so) AS dossiers
FROM judged
WHERE missing OR NOT valid
GROUP BY ALL
ORDER BY dossiers DESC, code ASC;

-- Procedures in use that the new catalog no longer lists, likewise.
CREATE OR REPLACE MACRO staging.procedures_dropped(incoming) AS TABLE
SELECT d.ma_tthc AS code, 'missing' AS why, count(DISTINCT d.ma_ho_so) AS dossiers
FROM staging.dossiers_in_use d
SEMI JOIN staging.danh_muc_tthc t ON t.ma_tthc = d.ma_tthc
WHERE d.ma_tthc NOT IN (SELECT ma_tthc FROM query_table(incoming) WHERE ma_tthc IS NOT NULL)
GROUP BY ALL
ORDER BY dossiers DESC, code ASC;

-- How many dossiers the warehouse holds: the share above is of these.
CREATE OR REPLACE VIEW staging.dossiers_loaded AS
SELECT count(DISTINCT ma_ho_so) AS dossiers FROM staging.dossiers_in_use;

-- Rows per loaded monthly file (kind, period), for the cut-short rule (load.py, _check_row_count):
-- a month far smaller than the months before it. `cchc check` adds the published files.
CREATE OR REPLACE VIEW staging.month_rows AS
SELECT kind, period, rows_loaded AS "rows" FROM meta.files WHERE period IS NOT NULL;
