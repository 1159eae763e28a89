-- Schemas by layer, and the bookkeeping every refresh writes (meta). The files' text as read
-- lives only in the in-memory landing database while its batch is validated
-- (pipelines/ingest/load.py, its columns from pipelines/contract.py).
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS kpi;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS meta;
-- What a refresh changed, passed from one file of a layer to the next as declared tables rather
-- than temp tables: the rows a compared incremental model replaced and the partitions one kept by
-- addition changed (pipelines/model/incremental.py), and how the indicators count each period
-- (indicators/05_counting.sql, 10_periods.sql). Made again
-- by every refresh; not published.
CREATE SCHEMA IF NOT EXISTS changes;

CREATE TABLE IF NOT EXISTS meta.model (version VARCHAR, created_at TIMESTAMPTZ);
-- Which publish made the serving copy (pipelines/publish.py): the build and its copy agree on it
-- while the copy can be patched instead of made again; `patched`: the tables that publish patched.
CREATE TABLE IF NOT EXISTS meta.publication (id VARCHAR, published_at TIMESTAMPTZ, patched VARCHAR[]);

-- One row per loaded file, keyed by (kind, period); a re-export replaces its period's row.
CREATE TABLE IF NOT EXISTS meta.files (
    kind VARCHAR NOT NULL,
    period VARCHAR,               -- YYYY-MM; NULL for reference files
    file_name VARCHAR NOT NULL,
    sheet VARCHAR,
    file_hash VARCHAR NOT NULL,   -- sha256
    file_size BIGINT,             -- bytes, and the modification time, when hashed: a file that still
    file_mtime_ns BIGINT,         -- has both is not read again (pipelines/ingest/read.py, fingerprint)
    file_format VARCHAR,
    profile VARCHAR,              -- vi | dvcqg | mapped
    header_row INTEGER,
    rows_read INTEGER,
    rows_loaded INTEGER,
    rows_skipped INTEGER,
    extra_columns VARCHAR[],
    missing_columns VARCHAR[],
    refresh_id VARCHAR,
    loaded_at TIMESTAMPTZ
);

-- Rows that are not data (totals rows) and were therefore not loaded: kept, never silently dropped.
CREATE TABLE IF NOT EXISTS meta.skipped_rows (
    kind VARCHAR, period VARCHAR, file_name VARCHAR, "row" INTEGER,
    reason VARCHAR, content VARCHAR, refresh_id VARCHAR
);

-- One row per refresh (a Dagster run): its outcome and the data quality it found, summed over
-- meta.validations. Duration = finished_at - started_at.
CREATE TABLE IF NOT EXISTS meta.refreshes (
    refresh_id VARCHAR PRIMARY KEY,
    inbox VARCHAR,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    status VARCHAR,               -- succeeded | failed
    files_loaded INTEGER,
    files_unchanged INTEGER,
    files_validated INTEGER,
    rows_validated BIGINT,
    rows_accepted BIGINT,
    rows_quarantined BIGINT,
    rows_with_warnings BIGINT,
    expectations_run INTEGER,
    expectations_failed INTEGER,
    message VARCHAR
);

-- The data-quality history: one row per file each refresh validated, kept across refreshes.
CREATE TABLE IF NOT EXISTS meta.validations (
    refresh_id VARCHAR,
    kind VARCHAR,
    period VARCHAR,
    file_name VARCHAR,
    file_hash VARCHAR,
    rows_validated BIGINT,        -- rows read, less totals rows
    rows_accepted BIGINT,         -- NULL when the file was held back
    rows_quarantined BIGINT,
    rows_with_warnings BIGINT,
    expectations_run INTEGER,
    expectations_failed INTEGER,  -- expectations at least one row broke
    rules STRUCT(rule VARCHAR, severity VARCHAR, "rows" BIGINT)[],
    outcome VARCHAR,              -- staged | held_back
    message VARCHAR,              -- why it was held back (Vietnamese)
    seconds DOUBLE,
    validated_at TIMESTAMPTZ
);

-- Every rule a row broke (expectations/*.json): critical ones keep the row out of staging,
-- warnings are loaded and reported. Replaced with its file.
CREATE TABLE IF NOT EXISTS meta.quarantine (
    kind VARCHAR, period VARCHAR, file_name VARCHAR, sheet VARCHAR, "row" INTEGER,
    "column" VARCHAR, "value" VARCHAR, rule VARCHAR, severity VARCHAR,
    message_vi VARCHAR, message_en VARCHAR, found_at TIMESTAMPTZ
);
