-- What core and the indicators must rebuild. The loader notes in staging.core_pending what each
-- file it stages changes (staging.changed_keys); core rebuilds the dossiers, payments and
-- documents of those keys, then hands the list on to staging.kpi_pending, which the indicators
-- empty when they have counted the changes (warehouse/indicators). A new build notes every period
-- and no key, so it rebuilds everything. Facts are keyed as core deduplicates them (a document by
-- its dossier).
CREATE TABLE IF NOT EXISTS staging.core_pending (kind VARCHAR, period VARCHAR, "key" VARCHAR);
CREATE TABLE IF NOT EXISTS staging.kpi_pending (kind VARCHAR, period VARCHAR, "key" VARCHAR);
-- The rows of the large published tables that changed since the last publish: those of `tbl`
-- whose column `col` is `val` (pipelines/publish.py patches them in a copy of the serving file);
-- `col` NULL: the whole table. Core and the indicators add to it; a publish empties it.
CREATE TABLE IF NOT EXISTS staging.unpublished (tbl VARCHAR, col VARCHAR, val VARCHAR);

CREATE OR REPLACE MACRO staging.fact_key(kind) AS CASE kind WHEN 'thanh_toan' THEN 'ma_giao_dich' ELSE 'ma_ho_so' END;
CREATE OR REPLACE VIEW staging.fact_keys AS
SELECT 'ho_so' AS kind, _period, COLUMNS(c -> c = staging.fact_key('ho_so')) AS "key" FROM staging.ho_so
UNION ALL SELECT 'thanh_toan', _period, COLUMNS(c -> c = staging.fact_key('thanh_toan')) FROM staging.thanh_toan
UNION ALL SELECT 'so_hoa', _period, COLUMNS(c -> c = staging.fact_key('so_hoa')) FROM staging.so_hoa;

-- The keys a pending list names, by kind: a period mark (no key) names every row of the period.
CREATE OR REPLACE MACRO staging.pending_keys(pending) AS TABLE
SELECT kind, "key" FROM query_table(pending) WHERE "key" IS NOT NULL
UNION
SELECT k.kind, k."key" FROM staging.fact_keys k
SEMI JOIN query_table(pending) p ON p.kind = k.kind AND p.period = k._period AND p."key" IS NULL;

-- What the new rows of a monthly kind (`incoming`: with the warnings they broke) change in the
-- `periods` they replace. A period staged for the first time: a period mark. A period staged
-- before: the keys of the rows that differ, in a value or a warning, between the staged and the
-- new (a row the re-export dropped or added included), so that a re-export correcting a
-- hundredth of a month rebuilds a hundredth of it. Rows are compared without their row number: core
-- keeps none, and the suites keep a row unique within its period (a dossier, a transaction, a
-- document of a dossier), so a row that only moved in the file changes nothing.
CREATE OR REPLACE MACRO staging.changed_keys(fact_kind, incoming, periods) AS TABLE
WITH staged AS (
    SELECT s.* EXCLUDE (_row), w.warnings FROM query_table('staging.' || fact_kind) s
    LEFT JOIN staging.row_warnings w ON w.kind = fact_kind AND w._file = s._file AND w._row = s._row
    WHERE s._period IN (SELECT period FROM query_table(periods))
),
new AS (SELECT * EXCLUDE (_row) FROM query_table(incoming) WHERE _period IN (SELECT _period FROM staged)),
changed AS ((FROM staged EXCEPT FROM new) UNION ALL (FROM new EXCEPT FROM staged))  -- rows are unique: sets
SELECT fact_kind AS kind, period, NULL AS "key" FROM query_table(periods) WHERE period NOT IN (SELECT _period FROM staged)
UNION
SELECT fact_kind, _period, COLUMNS(c -> c = staging.fact_key(fact_kind)) FROM changed;
