-- Every rule a row of a loaded file broke, with the file, sheet, row, column and value, and what
-- to fix in both languages (the data-quality page's rows; critical rows kept out of the warehouse).
CREATE OR REPLACE VIEW marts.quarantine AS
SELECT kind, period, file_name, sheet, "row", "column", "value", rule, severity, message_vi, message_en, found_at
FROM meta.quarantine;
