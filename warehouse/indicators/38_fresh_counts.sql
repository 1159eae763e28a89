-- The counts of the periods counted whole (changes.fresh_periods: a new month, its quarter and
-- year-to-date, …; every period when everything is counted afresh), by the counting rules of
-- 35_counting_rules.sql, for kpi.counts only. Made by a statement of their own: inside kpi.counts's
-- one statement, held while the rest was sorted, they spilled 10 GB to disk at 10 million dossiers
-- under the refresh's 4 GB of memory. A temp table, for this transaction only: stored in the
-- build file, writing and reading them back took 2 s more at a million dossiers (benchmarks/README.md).
CREATE OR REPLACE TEMP TABLE fresh_counts AS
FROM counts_of('kpi.dossiers', 'kpi.payments', 'changes.fresh_periods');
