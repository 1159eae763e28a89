-- The counts of the periods counted whole (changes.fresh_periods: a new month, its quarter and
-- year-to-date, …; every period when everything is counted afresh), by the counting rules of
-- 35_counting_rules.sql, for kpi.counts. Made by a statement of their own: inside kpi.counts's one
-- statement, held while the rest was sorted, they spilled 10 GB to disk at 10 million dossiers
-- under the refresh's 4 GB of memory (benchmarks/README.md).
CREATE OR REPLACE TABLE changes.fresh_counts AS
FROM counts_of('kpi.dossiers', 'kpi.payments', 'changes.fresh_periods');
