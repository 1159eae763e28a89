"""Tổng quan: for the province or one unit and a period, a tile per indicator with its value,
the target and the plan that set it, met or not, the change against the previous period (in
percentage points) and the same period last year, and a trend line."""

import streamlit as st

from dashboards.brief import brief_html
from dashboards.data import query
from dashboards.i18n import fmt_pct, fmt_pp, fmt_target, lang, later, plain, t
from dashboards.widgets import choose_period, choose_scope, page, period_caption, stop_if_gone
from pipelines.indicators.report_table import report_table, to_csv, to_xlsx

PER_ROW = 4

page("page_overview")

left, middle, right = st.columns([3, 2, 2])
scope_code, scope_name = choose_scope(left)
chosen, period = choose_period(middle, right)
period_caption(scope_name, chosen, period)
stop_if_gone(scope_code, period)

buttons = st.container(horizontal=True)  # side by side, each as wide as its label, wrapping on a phone
buttons.download_button(t("brief_button"), later(lambda: brief_html(scope_code, scope_name, chosen, period)),
                        file_name=f"ban_tin_{scope_code}_{period}.html", mime="text/html", on_click="ignore",
                        icon=":material/print:", key="brief")
# The periodic report table (Biểu 06): the province by unit, a unit by field.
report_unit = None if scope_code == "province" else scope_code
report_name = f"bieu_06_{period}_{report_unit or 'don_vi'}"
buttons.download_button(t("report_xlsx"), lambda: to_xlsx(report_table(period, report_unit)),
                        file_name=f"{report_name}.xlsx", on_click="ignore", icon=":material/table:", key="report_xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
buttons.download_button(t("report_csv"), lambda: to_csv(report_table(period, report_unit)).encode("utf-8-sig"),
                        file_name=f"{report_name}.csv", mime="text/csv", on_click="ignore", key="report_csv")

tiles = query("SELECT * FROM marts.scorecard_tiles WHERE period = ? AND scope_code = ? ORDER BY ord", [period, scope_code])
judged = tiles[tiles["status"].isin(["met", "not_met"])]
score = query("SELECT score, rank FROM kpi.composite WHERE period = ? AND scope_code = ?", [period, scope_code])
head = st.columns(3)
head[0].metric(t("summary").format(met=int((judged["status"] == "met").sum()), judged=len(judged)),
               f"{(judged['status'] == 'met').mean() * 100:.0f}%" if len(judged) else "—")
if len(score):
    head[1].metric(t("composite"), fmt_pct(score["score"].iloc[0]).removesuffix("%"), help=t("estimate_note"))
    if score["rank"].iloc[0] == score["rank"].iloc[0]:
        head[2].metric(t("rank"), int(score["rank"].iloc[0]))

for start in range(0, len(tiles), PER_ROW):
    for col, (_, tile) in zip(st.columns(PER_ROW), tiles.iloc[start:start + PER_ROW].iterrows()):
        is_rate = tile["source"] == "export"
        change = tile["value"] - tile["previous_value"] if is_rate else None
        trend = [v for v in tile["trend"] if v == v and v is not None] if tile["trend"] is not None else []
        has_target = tile["target"] == tile["target"] and tile["target"] is not None
        tile_box = col.container(border=True)
        tile_box.markdown(f"**{tile['name_en'] if lang() else tile['name_vi']}**")
        tile_box.metric(tile["indicator"], fmt_pct(tile["value"]) if is_rate else (
                            "—" if tile["value"] != tile["value"] else f"{tile['value']:g}"),
                        delta=fmt_pp(change), label_visibility="collapsed",
                        delta_description=t("vs_previous") if change == change and change is not None else None,
                        chart_data=trend if len(trend) > 1 else None,
                        help=plain(tile["target_quote"]) if isinstance(tile["target_quote"], str) else None)
        tile_box.markdown(t(tile["status"]) + (f" {t('target')} {fmt_target(tile['comparator'], tile['target'])}" if has_target else ""))
        tile_box.caption((f"{plain(tile['target_source'])}  \n" if has_target else "")
                         + f"{t('last_year')}: {fmt_pct(tile['last_year_value'])}")
