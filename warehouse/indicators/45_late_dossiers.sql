-- Every dossier late in a period, with why (reason), by how many days, and whether it has an
-- apology letter: the rows behind late_apology_rate and the unit page's list (late_dossiers_of,
-- 35_counting_rules.sql). Kept from one refresh to the next like kpi.counts: the dossiers that
-- changed (changes.kpi_dossiers_keys) are listed again in the kept periods, the other periods with
-- exports listed whole.
-- config: name=kpi.late_dossiers unique_key=ma_ho_so pending=changes.kpi_dossiers_keys
-- config: partition=period kept=changes.kept_periods full_refresh=changes.counting_basis
FROM late_dossiers_of('changes.kpi_dossiers_after', 'changes.kept_periods')
UNION ALL
FROM late_dossiers_of('kpi.dossiers', 'changes.fresh_periods')
ORDER BY period, reporting_unit
