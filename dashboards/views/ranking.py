"""Xếp hạng: every unit of a level ranked by the composite score or by one indicator, ties ranked
equal, each against its own target with the counts behind its value (a rate of 2 dossiers is
marked too few to judge), its movement since the period before, and a bar chart; a row opens the
unit's page."""

import pandas as pd
import streamlit as st

from dashboards.data import query
from dashboards.i18n import fmt_rank, fmt_target, lang, status_text, t, vega_config
from dashboards.tables import height_for, table
from dashboards.widgets import STATUS_COLOURS, choose, choose_period, label, page, period_caption, unit_href
from pipelines.config import load

LEVELS = ["tinh", "xa", "huyen"]
BAR_COLOURS = {"met": "#2e7d32", "not_met": "#c62828"}  # others grey; the status word is in the legend too

page("page_ranking")
indicators = query("SELECT indicator, name_vi, name_en FROM marts.indicators WHERE source = 'export' ORDER BY ord")
labels = {"composite": t("composite")} | dict(zip(indicators["indicator"], indicators["name_en" if lang() else "name_vi"]))
top = st.columns([2, 3, 2, 2])
chosen, period = choose_period(top[2], top[3])
when = label(period)
present = set(query("SELECT DISTINCT level FROM marts.ranking WHERE period = ?", [period])["level"])
levels = [code for code in LEVELS if code in present]
if not levels:
    st.info(t("nothing_ranked").format(period=when))
    st.stop()
wanted = st.session_state.get("level", "tinh")
level = choose(top[0], t("level"), levels, wanted, "level", lambda c: t(f"level_{c}"))
indicator = choose(top[1], t("rank_by"), list(labels), "composite", "rank_by", labels.get)
period_caption(t(f"level_{level}"), chosen, period)
if wanted not in levels:  # districts were abolished on 1/7/2025: say so rather than show nothing
    st.info(t("level_absent").format(level=t(f"level_noun_{wanted}"), period=when, shown=t(f"level_{level}")))

rows = query(
    "SELECT r.rank, r.units_ranked, r.scope_code, s.name_vi, s.name_en, r.value, r.status, r.numerator, "
    "r.denominator, r.target, r.comparator, r.previous_rank FROM marts.ranking r "
    "JOIN marts.scopes s ON s.scope = 'unit' AND s.scope_code = r.scope_code "
    "WHERE r.period = ? AND r.level = ? AND r.indicator = ? ORDER BY r.rank, s.name_vi", [period, level, indicator])
if rows.empty:
    st.info(t("nothing_ranked").format(period=when))
    st.stop()
composite = indicator == "composite"
small = load()["alerts"]["min_denominator"]
of = int(rows["units_ranked"].iloc[0])
if composite:
    st.caption(t("estimate_note"))
st.caption(t("units_ranked").format(n=of))


def movement(change) -> str:
    """Places gained (▲) or lost (▼) since the period before; the number sorts, the arrow reads."""
    if change is None or change != change:
        return "—"
    return f"▲ {int(change)}" if change > 0 else f"▼ {int(-change)}" if change < 0 else "="


# Numbers stay numbers (they sort as numbers); tables.table shows them in the language chosen.
names = rows["name_en" if lang() else "name_vi"]
columns = {t("rank_col"): rows["rank"], t("scope"): names,
           t("score" if composite else "value"): rows["value"]}
formats = {t("rank_col"): lambda r: fmt_rank(r, of), t("score" if composite else "value"): "number" if composite else "pct",
           t("movement"): movement}
if not composite:
    columns |= {t("numerator"): rows["numerator"], t("denominator"): rows["denominator"],
                t("few_col"): [t("few_mark") if d < small else "" for d in rows["denominator"]],
                t("target"): [fmt_target(c, v) for c, v in zip(rows["comparator"], rows["target"])],
                t("status"): rows["status"].map(status_text)}
    formats |= {t("numerator"): "int", t("denominator"): "int"}
columns[t("movement")] = rows["previous_rank"] - rows["rank"]
view = pd.DataFrame(columns)
styled = None if composite else view.style.apply(
    lambda _: [STATUS_COLOURS.get(s, "") for s in rows["status"]], subset=[t("status")])
title = " · ".join([t("ranking_title").format(level=t(f"level_noun_{level}")), labels[indicator], when])
picked = table(view, f"xep_hang_{level}_{indicator}_{period}", styled=styled, title=title, formats=formats,
               card_columns=[t("scope"), t("rank_col"), view.columns[2]] + ([t("movement")] if composite else [
                   t("status"), t("numerator"), t("denominator"), t("few_col")]),
               card_links=[unit_href(c, period) for c in rows["scope_code"]],
               on_select="rerun", selection_mode="single-row", key=f"ranking.{level}.{indicator}.{period}",
               height=height_for(len(view)))
st.caption(t("ranking_click") + ("" if composite else " " + t("few_note").format(n=small)))
if picked.selection.rows:  # the unit's page, on this period (widgets.choose keeps "scope" as the choice)
    code = rows["scope_code"].iloc[picked.selection.rows[0]]
    st.session_state["scope"] = code
    st.switch_page("views/unit.py", query_params={"unit": code, "period": period})


def chart_spec(frame: pd.DataFrame) -> dict:
    """Bars of the values in rank order, coloured met / not met (the word in the legend), paler
    for counts too small to judge, against the target: one dashed rule when every unit has the
    same, else a tick on each bar. Vega-Lite as it is: Altair would cost a fifth of the page."""
    order = list(frame["unit"])
    judged = frame.drop_duplicates("status")
    colours = {"domain": list(judged["judged"]), "range": [BAR_COLOURS.get(s, "#9e9e9e") for s in judged["status"]]}
    bar = {"mark": {"type": "bar", "tooltip": True},
           "encoding": {"y": {"field": "unit", "type": "nominal", "sort": order, "title": None,
                              "axis": {"labelLimit": 260}},
                        "x": {"field": "value", "type": "quantitative", "title": t("score" if composite else "value")
                              + ("" if composite else " (%)")},
                        "color": {"field": "judged", "type": "nominal", "scale": colours,
                                  "legend": {"orient": "top", "title": None}},
                        "opacity": {"field": "few", "type": "nominal", "legend": None,
                                    "scale": {"domain": [False, True], "range": [1, 0.4]}}}}
    targets = frame["target"].dropna().unique()
    if len(targets) == 0:
        layers = [bar]
    elif len(targets) == 1:
        layers = [bar, {"data": {"values": [{"target": float(targets[0])}]},
                        "mark": {"type": "rule", "strokeDash": [6, 4], "size": 2, "color": "#212121"},
                        "encoding": {"x": {"field": "target", "type": "quantitative"}}}]
    else:
        layers = [bar, {"mark": {"type": "tick", "thickness": 3, "color": "#212121"},
                        "encoding": {"y": {"field": "unit", "type": "nominal", "sort": order},
                                     "x": {"field": "target", "type": "quantitative"}}}]
    return {"height": {"step": 22}, "layer": layers, "config": vega_config()}


bars = pd.DataFrame({"unit": names, "value": rows["value"], "target": rows["target"], "status": rows["status"],
                     "judged": [status_text(s) or t("score") for s in rows["status"]],
                     "few": [bool(d < small) for d in rows["denominator"]] if not composite else False})
st.vega_lite_chart(bars, chart_spec(bars), width="stretch")
targets = rows[["comparator", "target"]].dropna().drop_duplicates()
if len(targets) == 1:
    st.caption(t("chart_target").format(target=fmt_target(*targets.iloc[0])))
elif len(targets) > 1:
    st.caption(t("chart_targets"))
