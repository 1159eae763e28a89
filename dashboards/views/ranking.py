"""Xếp hạng: the units of a level ranked by the composite score or by one indicator, ties ranked
equal, each against its own target, with its movement since the period before."""

import streamlit as st

from dashboards.data import query
from dashboards.i18n import fmt_pct, lang, status_text, t
from dashboards.widgets import STATUS_COLOURS, choose, choose_period, page, period_caption, table

LEVELS = ["tinh", "xa", "huyen"]

page("page_ranking")

indicators = query("SELECT indicator, name_vi, name_en FROM kpi.indicators WHERE source = 'export' ORDER BY ord")
labels = {"composite": t("composite")} | dict(zip(indicators["indicator"], indicators["name_en" if lang() else "name_vi"]))
top = st.columns([2, 3, 2, 2])
level = choose(top[0], t("level"), LEVELS, "tinh", "level", lambda c: t(f"level_{c}"))
indicator = choose(top[1], t("rank_by"), list(labels), "composite", "rank_by", labels.get)
chosen, period = choose_period(top[2], top[3])
period_caption(t(f"level_{level}"), chosen, period)

rows = query(
    "SELECT r.rank, s.name_vi, s.name_en, r.value, r.status, r.previous_rank FROM marts.ranking r "
    "JOIN marts.scopes s ON s.scope = 'unit' AND s.scope_code = r.scope_code "
    "WHERE r.period = ? AND r.level = ? AND r.indicator = ? ORDER BY r.rank, s.name_vi", [period, level, indicator])
if indicator == "composite":
    st.caption(t("estimate_note"))
st.caption(t("units_ranked").format(n=len(rows)))


def movement(row) -> str:
    if row["previous_rank"] != row["previous_rank"]:
        return "—"
    change = int(row["previous_rank"] - row["rank"])
    return f"▲ {change}" if change > 0 else f"▼ {-change}" if change < 0 else "="


ranked = rows.assign(
    unit=rows["name_en" if lang() else "name_vi"],
    shown=rows["value"].map(fmt_pct).str.removesuffix("%" if indicator == "composite" else "\0"),
    judged=rows["status"].map(status_text),
    moved=rows.apply(movement, axis=1) if len(rows) else [],
)
columns = ["rank", "unit", "shown", "moved"] if indicator == "composite" else ["rank", "unit", "shown", "judged", "moved"]
view = ranked[columns].rename(columns={
    "rank": t("rank_col"), "unit": t("scope"), "shown": t("value"), "judged": t("status"), "moved": t("movement")})
styled = view.style.apply(lambda _: [STATUS_COLOURS.get(s, "") for s in rows["status"]], subset=[t("status")])
table(view, f"xep_hang_{level}_{indicator}_{period}", styled=styled if indicator != "composite" else None)
