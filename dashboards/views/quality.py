"""Chất lượng dữ liệu: for the steward, what each refresh found: the runs, the files each one
validated (staged or held back, and why), the files in the warehouse and whether their rows
reconcile, the rules broken, and the quarantined rows themselves, browsable and downloadable."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboards.data import query
from dashboards.i18n import fmt_int, lang, plain, t
from dashboards.tables import first_rows, table
from dashboards.widgets import choose, page
from pipelines.history import current_failure

LIMIT = 2000
ALL = "*"
COUNTS = ["files_loaded", "files_unchanged", "rows_validated", "rows_accepted", "rows_quarantined",
          "rows_with_warnings", "expectations_run", "expectations_failed", "rows_read", "rows_skipped", "warnings",
          "files", "rows"]


def counts(frame: pd.DataFrame) -> dict:
    """The count columns of a table about to be renamed: shown 925.775 (vi-VN), numbers in the files."""
    return {t("col_" + c): "int" for c in frame.columns if c in COUNTS} | (
        {t("col_seconds"): "number"} if "seconds" in frame.columns else {})


def titled(subject: str) -> str:
    """A download's title row: what it is and when it was made (the data quality has no period)."""
    return f"{subject} · {t('freshness')}: {last_good:%d/%m/%Y %H:%M}"


page("page_quality")
runs = query("SELECT * FROM marts.refreshes ORDER BY started_at DESC")
last_good = runs.loc[runs["status"] == "succeeded", "finished_at"].max()

# A failed refresh leaves the published numbers as they were; say so at once.
if failure := current_failure():
    failed_at = pd.Timestamp(failure["failed_at"]).tz_convert(last_good.tz)
    st.error(t("refresh_failed").format(at=f"{failed_at:%d/%m/%Y %H:%M}", message=plain(failure["message"]),
                                        good=f"{last_good:%d/%m/%Y %H:%M}"))
st.caption(f"{t('freshness')}: {last_good:%d/%m/%Y %H:%M}")

# 1. The refreshes.
st.subheader(t("refresh_history"))
history = runs.assign(
    status=runs["status"].map(lambda s: t("run_" + s)),
    seconds=(runs["finished_at"] - runs["started_at"]).dt.total_seconds().round(1),
)[["started_at", "status", "seconds", "files_loaded", "files_unchanged", "rows_validated", "rows_accepted",
   "rows_quarantined", "rows_with_warnings", "expectations_run", "expectations_failed", "message"]]
table(history.rename(columns={c: t("col_" + c) for c in history.columns}), "lich_su_lam_moi",
      title=titled(t("refresh_history")), formats=counts(history),
      column_config={t("col_started_at"): st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm:ss")})

# 2. What one refresh validated, file by file.
labels = {r.refresh_id: f"{r.started_at:%d/%m/%Y %H:%M} · {t('run_' + r.status)}" for r in runs.itertuples()}
run = choose(st, t("which_refresh"), list(labels), runs["refresh_id"].iloc[0], "refresh_id", labels.get)
checked = query("SELECT kind, period, file_name, outcome, rows_validated, rows_accepted, rows_quarantined, "
                "rows_with_warnings, expectations_run, expectations_failed, seconds, message FROM marts.validations "
                "WHERE refresh_id = ? ORDER BY outcome DESC, period NULLS FIRST, kind", [run])
held = int((checked["outcome"] == "held_back").sum())
st.markdown(t("run_files").format(files=fmt_int(len(checked)), held=fmt_int(held)))
if len(checked):
    checked["outcome"] = checked["outcome"].map(lambda o: t("outcome_" + o))
    table(checked.rename(columns={c: t("col_" + c) for c in checked.columns}), f"tep_da_kiem_tra_{run[:8]}",
          title=f"{t('which_refresh')} {labels[run]}", formats=counts(checked))
else:
    st.info(t("nothing_validated"))

# 3. The files in the warehouse, rows read against rows kept.
st.subheader(t("files_in_warehouse"))
files = query("SELECT kind, period, file_name, file_format, profile, rows_read, rows_accepted, rows_quarantined, "
              "rows_skipped, warnings, balanced, loaded_at FROM marts.file_quality "
              "ORDER BY balanced, period NULLS FIRST, kind")
unbalanced = int((~files["balanced"]).sum())
(st.error if unbalanced else st.success)(t("reconciled").format(files=fmt_int(len(files)), bad=fmt_int(unbalanced)))
files["balanced"] = files["balanced"].map(lambda b: t("yes" if b else "no"))
table(files.rename(columns={c: t("col_" + c) for c in files.columns}), "tep_trong_kho",
      title=titled(t("files_in_warehouse")), formats=counts(files),
      column_config={t("col_loaded_at"): st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")})

# 4. Rules broken, over every file loaded.
st.subheader(t("by_rule"))
message = "message_en" if lang() else "message_vi"
rules = query(f"SELECT rule, severity, any_value({message}) AS message, count(DISTINCT file_name) AS files, "
              "sum(rows) AS rows FROM marts.quarantine_by_rule GROUP BY rule, severity "
              "ORDER BY severity, rows DESC, rule")
if rules.empty:
    st.success(t("no_rule_broken"))
    st.stop()
rules["severity"] = rules["severity"].map(lambda s: t("severity_" + s))
table(rules.rename(columns={c: t("col_" + c) for c in rules.columns}), "quy_tac_vi_pham",
      title=titled(t("by_rule")), formats=counts(rules))

# 5. The quarantined rows, by file and rule.
st.subheader(t("quarantined_rows"))
left, middle, right = st.columns([3, 3, 2])
file_names = [ALL] + list(query("SELECT DISTINCT file_name FROM marts.quarantine ORDER BY 1")["file_name"])
rule_names = [ALL] + list(query("SELECT DISTINCT rule FROM marts.quarantine ORDER BY 1")["rule"])
severities = [ALL, "critical", "warning"]
file_name = choose(left, t("col_file_name"), file_names, ALL, "q_file", lambda f: t("all") if f == ALL else f)
rule = choose(middle, t("rule"), rule_names, ALL, "q_rule", lambda r: t("all") if r == ALL else r)
severity = choose(right, t("severity"), severities, ALL, "q_severity",
                  lambda s: t("all") if s == ALL else t("severity_" + s))
ROWS = (f"SELECT file_name, sheet, row, \"column\", value, rule, severity, {message} AS message, found_at "
        "FROM marts.quarantine WHERE ($file = '*' OR file_name = $file) AND ($rule = '*' OR rule = $rule) "
        "AND ($severity = '*' OR severity = $severity) ORDER BY file_name, row, \"column\"")
params = {"file": file_name, "rule": rule, "severity": severity}


def shaped(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(severity=rows["severity"].map(lambda s: t("severity_" + s))).rename(
        columns={c: t("col_" + c) for c in rows.columns})


table(shaped(first_rows(ROWS, params, LIMIT)), f"dong_cach_ly_{dt.date.today():%Y%m%d}",
      whole=lambda: shaped(query(ROWS, params)), title=titled(t("quarantined_rows")),
      column_config={t("col_found_at"): st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")})
