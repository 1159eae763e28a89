-- Parsers for the value forms the contract allows. A value that does not parse becomes NULL
-- here; the landing table keeps the text as written (joined on _file, _row) while its batch is
-- validated, and meta.quarantine keeps it for every cell that broke a rule.

-- Timestamps, local time: dd/mm/yyyy [HH:MM[:SS]], yyyyMMddHHmmss (DVCQG), ISO 8601 (an offset
-- is converted to Asia/Ho_Chi_Minh), and Excel serial dates when the file was an XLSX.
CREATE OR REPLACE MACRO parse_ts(x, fmt) AS (
    CASE WHEN x IS NULL THEN NULL ELSE coalesce(
        try_strptime(x, ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y', '%Y%m%d%H%M%S']),
        try_cast(try_cast(x AS TIMESTAMPTZ) AS TIMESTAMP),
        CASE WHEN fmt = 'xlsx' AND regexp_full_match(x, '[1-9][0-9]{4}(\.[0-9]+)?')
             THEN TIMESTAMP '1899-12-30'
                  + to_microseconds(CAST(round(CAST(x AS DOUBLE) * 86400) AS BIGINT) * 1000000) END
    ) END
);

CREATE OR REPLACE MACRO parse_date(x, fmt) AS CAST(parse_ts(x, fmt) AS DATE);

-- Money in VND: 1.250.000, 1,250,000 or 1250000 (an Excel number may read as 1250000.0);
-- an optional đ/VND suffix. A fractional amount is not money: NULL. Nor is any other form a cast
-- to a number would take (1e9, 1_000, +1000, inf): no system writes đồng so, and a spreadsheet that
-- writes 1,23457E+09 has most likely rounded the amount (type_so_tien).
CREATE OR REPLACE MACRO parse_money(x) AS (
    WITH v AS (SELECT trim(regexp_replace(x, '\s*(đ|vnđ|vnd)$', '', 'i')) AS s)
    SELECT CASE
        WHEN regexp_full_match(s, '-?[0-9]{1,3}(\.[0-9]{3})+') THEN try_cast(replace(s, '.', '') AS BIGINT)
        WHEN regexp_full_match(s, '-?[0-9]{1,3}(,[0-9]{3})+') THEN try_cast(replace(s, ',', '') AS BIGINT)
        WHEN regexp_full_match(s, '-?[0-9]+(\.[0-9]+)?') AND try_cast(s AS DOUBLE) = round(try_cast(s AS DOUBLE))
            THEN try_cast(try_cast(s AS DOUBLE) AS BIGINT)
    END FROM v
);

-- Whole numbers, also when Excel wrote them as 2.0.
CREATE OR REPLACE MACRO parse_int(x) AS (
    CASE WHEN try_cast(x AS DOUBLE) = round(try_cast(x AS DOUBLE)) THEN try_cast(try_cast(x AS DOUBLE) AS INTEGER) END
);

-- Decimals with a point or a Vietnamese decimal comma (12,5).
CREATE OR REPLACE MACRO parse_number(x) AS
    try_cast(CASE WHEN x LIKE '%,%' AND x NOT LIKE '%.%' THEN replace(x, ',', '.') ELSE x END AS DOUBLE);

-- 0/1 flags (1.0/0.0 from Excel).
CREATE OR REPLACE MACRO parse_flag(x) AS CASE parse_int(x) WHEN 1 THEN true WHEN 0 THEN false END;

-- A dossier's status (trang_thai): 1–10, or the DVCQG string code meaning the same (exports.md),
-- in any case. Anything else is NULL (type_trang_thai) or out of range (allowed_trang_thai).
CREATE OR REPLACE MACRO parse_status(x) AS coalesce(parse_int(x), CASE lower(trim(x))
    WHEN 'receiving' THEN 1 WHEN 'new' THEN 2 WHEN 'denied' THEN 3 WHEN 'processing' THEN 4
    WHEN 'waiting' THEN 5 WHEN 'paying' THEN 6 WHEN 'cancelled' THEN 7 WHEN 'unresolved' THEN 8
    WHEN 'releasing' THEN 9 WHEN 'done' THEN 10 END);

-- A name as loaded: a control character (C0, DEL, C1: a NUL an export left, a line break typed
-- into a cell) is no part of a name, and the row is the same row without it, so it is cleaned
-- rather than the row kept out (control_characters_cleaned; pipelines/validate/rows.py finds them
-- with the same class): each run of them becomes one space, the ends trimmed. Replaced only where
-- found: replacing in every name copied each and took 2.5 times as long.
CREATE OR REPLACE MACRO clean_name(x) AS CASE WHEN regexp_matches(x, '[\x00-\x1F\x7F-\x9F]')
    THEN nullif(trim(regexp_replace(x, '[\x00-\x1F\x7F-\x9F]+', ' ', 'g')), '') ELSE x END;
-- A note keeps its tabs and line breaks, which lay it out; other control characters are dropped.
CREATE OR REPLACE MACRO clean_note(x) AS CASE WHEN regexp_matches(x, '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]')
    THEN regexp_replace(x, '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]+', '', 'g') ELSE x END;

-- Text as the contract compares it (pipelines/contract.py header_key): NFC, case-folded, white
-- space (Unicode's too) folded to one space and trimmed. Units' names are matched this way.
CREATE OR REPLACE MACRO text_key(x) AS trim(regexp_replace(lower(nfc_normalize(x)), '[\s\pZ]+', ' ', 'g'));

-- The days a dossier was handled, from its landing text: from its acceptance (its submission, when
-- it was not accepted; else its first date) to its latest date.
CREATE OR REPLACE MACRO handled_from(nop, tiep_nhan, ket_thuc, tra, cap_nhat, fmt) AS CAST(coalesce(
    parse_ts(tiep_nhan, fmt), parse_ts(nop, fmt),
    least(parse_ts(ket_thuc, fmt), parse_ts(tra, fmt), parse_ts(cap_nhat, fmt))
) AS DATE);
CREATE OR REPLACE MACRO handled_to(nop, tiep_nhan, ket_thuc, tra, cap_nhat, fmt) AS CAST(greatest(
    parse_ts(nop, fmt), parse_ts(tiep_nhan, fmt), parse_ts(ket_thuc, fmt), parse_ts(tra, fmt), parse_ts(cap_nhat, fmt)
) AS DATE);
