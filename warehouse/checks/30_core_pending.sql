-- What core and the indicators must rebuild. The loader notes in staging.core_pending each period
-- a file replaced, and the keys of the rows the new file replaced (a dossier may be gone from the
-- re-export); core rebuilds the dossiers, payments and documents of those keys and of every row
-- of those periods, then hands the list on to staging.kpi_pending, which the indicators empty
-- when they have counted the changes (warehouse/indicators). A new build notes every period and
-- no key, so it rebuilds everything. Facts are keyed as core deduplicates them (a document by its
-- dossier).
CREATE TABLE IF NOT EXISTS staging.core_pending (kind VARCHAR, period VARCHAR, "key" VARCHAR);
CREATE TABLE IF NOT EXISTS staging.kpi_pending (kind VARCHAR, period VARCHAR, "key" VARCHAR);
-- The rows of the large published tables that changed since the last publish: those of `tbl`
-- whose column `col` is `val` (pipelines/publish.py patches them in a copy of the serving file);
-- `col` NULL: the whole table. Core and the indicators add to it; a publish empties it.
CREATE TABLE IF NOT EXISTS staging.unpublished (tbl VARCHAR, col VARCHAR, val VARCHAR);

CREATE OR REPLACE VIEW staging.fact_keys AS
SELECT 'ho_so' AS kind, _period, ma_ho_so AS "key" FROM staging.ho_so
UNION ALL SELECT 'thanh_toan', _period, ma_giao_dich FROM staging.thanh_toan
UNION ALL SELECT 'so_hoa', _period, ma_ho_so FROM staging.so_hoa;

-- The keys a pending list names, by kind.
CREATE OR REPLACE MACRO staging.pending_keys(pending) AS TABLE
SELECT kind, "key" FROM query_table(pending) WHERE "key" IS NOT NULL
UNION
SELECT k.kind, k."key" FROM staging.fact_keys k
SEMI JOIN query_table(pending) p ON p.kind = k.kind AND p.period = k._period AND p."key" IS NULL;
