"""Chỉ tiêu: the plans' targets that apply to the province or a unit, each with its plan and the
quoted sentence; and the reported (hand-entered) indicators with their values and status."""

import streamlit as st

from dashboards.data import query
from dashboards.i18n import fmt_source, lang, plain, status_text, t
from dashboards.tables import table
from dashboards.widgets import choose_scope, label, page

page("page_targets")

scope_code, scope_name = choose_scope(st, every=True)  # targets are by year: every unit
name = "name_en" if lang() else "name_vi"


def shown(comparator: str, threshold: str) -> str:
    """SQL for '≥ 80' from ('>=', 80.0)."""
    return (f"replace(replace({comparator}, '>=', '≥'), '<=', '≤') || ' ' || format('{{:g}}', {threshold})")


st.subheader(t("targets_applying").format(who=plain(scope_name)))
st.caption(t("targets_note"))
targets = query(
    f"SELECT t.year, i.{name} AS indicator, {shown('t.comparator', 't.threshold')} AS target, t.scope_name, "
    "t.citation AS plan, t.quote "
    "FROM marts.targets t JOIN marts.indicators i USING (indicator) "
    "LEFT JOIN marts.units u ON u.ma_don_vi = $unit "
    "WHERE t.scope_type = 'province' OR (t.scope_type = 'level' AND t.scope_code = u.cap) "
    "OR (t.scope_type = 'unit' AND (t.scope_code = $unit OR lower(t.scope_name) = lower(u.ten_don_vi))) "
    "ORDER BY t.year DESC, i.ord, t.target_id", {"unit": scope_code})
table(targets.rename(columns={"year": t("year_col"), "indicator": t("indicator"), "target": t("target"),
                              "scope_name": t("applies_to"), "plan": t("plan"), "quote": t("quote")}),
      f"chi_tieu_{scope_code}")

st.subheader(t("reported_values"))
reported = query(
    f"SELECT s.period, i.{name} AS indicator, s.value, {shown('s.comparator', 's.target')} AS target, s.status, "
    "s.target_source FROM marts.scorecard s JOIN marts.indicators i USING (indicator) "
    "WHERE i.source = 'reported' AND s.scope_code = ? ORDER BY s.period DESC, i.ord", [scope_code])
if reported.empty:
    st.info(t("no_reported"))
else:
    reported["status"] = reported["status"].map(status_text)
    reported["period"] = reported["period"].map(label)
    reported["target_source"] = reported["target_source"].map(fmt_source)
    table(reported.rename(columns={"period": t("period"), "indicator": t("indicator"), "value": t("value"),
                                   "target": t("target"), "status": t("status"), "target_source": t("plan")}),
          f"chi_so_bao_cao_{scope_code}", formats={t("value"): "number"})
