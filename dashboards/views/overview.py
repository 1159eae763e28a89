"""Tổng quan: for the province or one unit and a period, what needs attention first. The targets
missed lead, each with the units that drag it down most (value, Đạt/Tổng, the points they cost,
a link to their page); then the targets met; then, compact, the indicators without a target. A
tile's colour follows its target (met, not met, none), always with a symbol and a word; the change
against the period before is a neutral arrow, and a period still running is compared only with
the same span of the period before (marts.scorecard_tiles)."""

from html import escape

import streamlit as st

from dashboards.brief import brief_html
from dashboards.data import query
from dashboards.i18n import fmt_int, fmt_pct, fmt_pp, fmt_source, fmt_target, fmt_value, lang, later, plain, status_text, t
from dashboards.widgets import choose_period, choose_scope, label, page, period_caption, stop_if_gone, unit_href
from pipelines.indicators.report_table import report_table, to_csv, to_xlsx

AGGREGATES = ("province", "tinh", "huyen", "xa")  # scopes whose units can drag a target down
MET_PER_ROW = 4
DRAGS = 3  # units named under a missed target


def change_text(tile) -> str | None:
    """The change against the compared period as a neutral arrow and its sign: ▲ +1,20 điểm %."""
    if tile["source"] != "export" or tile["previous_value"] != tile["previous_value"] or tile["previous_value"] is None:
        return None
    change = tile["value"] - tile["previous_value"]
    if change != change:
        return None
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{arrow} {fmt_pp(change).replace('-', '−')}"


def value_text(tile, column: str = "value") -> str:
    """A value as its indicator's unit writes it: a reported rank is 30, not 30,00%."""
    return fmt_value(tile[column], tile["unit"])


def sparkline(values, target) -> str:
    """The trend as a small inline SVG with the target as a dashed rule: one element, drawn by the
    browser, no chart library (16 Vega charts would slow the page)."""
    points = [v if v is not None and v == v else None for v in (values if values is not None else [])]
    known = [v for v in points if v is not None]
    if len(known) < 2:
        return ""
    has_target = target is not None and target == target
    lo, hi = min(known + ([target] if has_target else [])), max(known + ([target] if has_target else []))
    pad = max((hi - lo) * 0.1, 0.5)
    lo, hi = lo - pad, hi + pad
    width, height = 200, 40
    x = lambda i: round(i * width / (len(points) - 1), 1)  # noqa: E731
    y = lambda v: round(height - (v - lo) * height / (hi - lo), 1)  # noqa: E731
    line = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(points) if v is not None)
    rule = (f'<line x1="0" x2="{width}" y1="{y(target)}" y2="{y(target)}" stroke="#888" stroke-dasharray="4 3" '
            f'stroke-width="1"/>') if has_target else ""
    title = escape(t("ov_trend").format(n=len(points)))
    return (f'<svg viewBox="0 0 {width} {height}" width="100%" height="{height}" preserveAspectRatio="none" '
            f'role="img" aria-label="{title}"><title>{title}</title>{rule}<polyline points="{line}" fill="none" '
            f'stroke="#4a4a4a" stroke-width="1.5"/></svg>')


def unit_link(code: str, name: str, period: str) -> str:
    """A link to the unit page on that unit and period, opened in this tab."""
    href = escape(unit_href(code, period))
    return f'<a href="{href}" target="_self">{plain(name)}</a>'


def drag_cell(where, drag, period: str) -> None:
    """One unit dragging a missed target down: its link, value, Đạt/Tổng and the points it costs."""
    where.markdown(f"{drag.rank}\\. {unit_link(drag.unit, drag.name, period)}  \n<small>**{fmt_pct(drag.value)}** · "
                   f"{fmt_int(drag.numerator)}/{fmt_int(drag.denominator)} · "
                   f"−{fmt_pp(drag.points).removeprefix('+')}</small>", unsafe_allow_html=True)


def missed_row(tile, drags, scope_code: str, period: str) -> None:
    """A missed target on one row: the indicator, its value against the target, the change and
    the plan; beside it the units dragging it down most (a phone stacks them under it)."""
    box = st.container(border=True)
    cols = box.columns([2, 1, 1, 1])
    cols[0].markdown(f"**{tile['name_en'] if lang() else tile['name_vi']}**",
                     help=plain(tile["target_quote"]) if isinstance(tile["target_quote"], str) else None)
    cols[0].markdown(f"**{value_text(tile)}** {t(tile['status'])} {t('target')} "
                     f"{fmt_target(tile['comparator'], tile['target'], tile['unit'])}")
    change = change_text(tile)
    cols[0].caption((f"{change} · {t('ov_change').format(period=label(tile['previous_period']))} · "
                     if change else "") + plain(fmt_source(tile["target_source"])))
    if scope_code not in AGGREGATES:
        cols[1].markdown(unit_link(scope_code, t("ov_unit_drags") + " →", period), unsafe_allow_html=True)
    elif drags is None or not len(drags):
        cols[1].markdown(t("ov_no_unit_drags"))
    else:
        for col, drag in zip(cols[1:], drags.assign(rank=range(1, len(drags) + 1)).itertuples()):
            drag_cell(col, drag, period)


def tile_card(where, tile) -> None:
    """One indicator: name, value, status from the target (symbol and word), change, trend with the
    target, and the plan that set it."""
    box = where.container(border=True)
    box.markdown(f"**{tile['name_en'] if lang() else tile['name_vi']}**")
    change = change_text(tile)
    box.metric(tile["indicator"], value_text(tile), delta=change, delta_color="off", delta_arrow="off",
               label_visibility="collapsed", border=False,
               delta_description=t("ov_change").format(period=label(tile["previous_period"])) if change else None,
               help=plain(tile["target_quote"]) if isinstance(tile["target_quote"], str) else None)
    has_target = tile["target"] == tile["target"] and tile["target"] is not None
    box.markdown(t(tile["status"]) + (f" {t('target')} {fmt_target(tile['comparator'], tile['target'], tile['unit'])}"
                                      if has_target else ""))
    if svg := sparkline(tile["trend"], tile["target"] if has_target else None):
        box.markdown(svg, unsafe_allow_html=True)
    box.caption((f"{plain(fmt_source(tile['target_source']))}  \n" if has_target and fmt_source(tile["target_source"]) else "")
                + t("ov_last_year").format(period=label(tile["last_year_period"])) + f": {value_text(tile, 'last_year_value')}")


def grid(tiles, per_row: int) -> None:
    for start in range(0, len(tiles), per_row):
        for col, (_, tile) in zip(st.columns(per_row), tiles.iloc[start:start + per_row].iterrows()):
            tile_card(col, tile)


def headline(tiles, scope_code: str, period: str) -> str:
    """Targets met of those judged; the composite score; its rank in the level as n/N: one line, so
    the missed targets fit above the fold."""
    judged = tiles[tiles["status"].isin(["met", "not_met"])]
    parts = [f"**{t('summary').format(met=int((judged['status'] == 'met').sum()), judged=len(judged))}**"]
    score = query("SELECT score, rank, ranked FROM marts.composite_rank WHERE period = ? AND scope_code = ?",
                  [period, scope_code])
    if len(score) and score["score"].iloc[0] == score["score"].iloc[0]:
        parts.append(f"{t('composite')}: **{fmt_pct(score['score'].iloc[0]).removesuffix('%')}**")
        if score["rank"].iloc[0] == score["rank"].iloc[0]:
            parts.append(f"{t('rank')}: **{int(score['rank'].iloc[0])}/{int(score['ranked'].iloc[0])}**")
    return " · ".join(parts)


def comparison_sentence(tiles, chosen) -> str:
    """Which comparison the changes show, and why none when a running period has no same span."""
    compared = tiles.dropna(subset=["previous_period"])
    kind = t(f"ov_kind_{chosen['period_type']}")
    end = f"{chosen['end_date']:%d/%m/%Y}"
    if len(compared):
        first = compared.iloc[0]
        if first["previous_kind"] == "same_span":
            return t("ov_compare_span").format(end=end, previous=label(first["previous_period"]), kind=kind)
        return t("ov_compare_whole").format(previous=label(first["previous_period"]))
    if not chosen["complete"]:
        return t("ov_compare_none_running").format(end=end, kind=kind)
    return t("ov_compare_none")


def untargeted(tiles) -> None:
    """Indicators without a target, or without activity or data: one compact line each."""
    st.markdown("\n".join(f"- {plain(r['name_en'] if lang() else r['name_vi'])}: **{value_text(r)}** · "
                          f"{status_text(r['status'])}" for _, r in tiles.iterrows()))


def downloads(scope_code: str, scope_name: str, chosen, period: str) -> None:
    buttons = st.container(horizontal=True)  # side by side, each as wide as its label, wrapping on a phone
    buttons.download_button(t("brief_button"), later(lambda: brief_html(scope_code, scope_name, chosen, period)),
                            file_name=f"ban_tin_{scope_code}_{period}.html", mime="text/html", on_click="ignore",
                            icon=":material/print:", key="brief")
    # The periodic report table (Biểu 06): the province by unit, a unit by field.
    report_unit = None if scope_code == "province" else scope_code
    report_name = f"bieu_06_{period}_{report_unit or 'don_vi'}"
    buttons.download_button(t("report_xlsx"), lambda: to_xlsx(report_table(period, report_unit)),
                            file_name=f"{report_name}.xlsx", on_click="ignore", icon=":material/table:",
                            key="report_xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    buttons.download_button(t("report_csv"), lambda: to_csv(report_table(period, report_unit)).encode("utf-8-sig"),
                            file_name=f"{report_name}.csv", mime="text/csv", on_click="ignore", key="report_csv")


page("page_overview")

left, middle, right = st.columns([3, 2, 2])
scope_code, scope_name = choose_scope(left)
chosen, period = choose_period(middle, right)
period_caption(scope_name, chosen, period)
stop_if_gone(scope_code, period)

tiles = query("SELECT * FROM marts.scorecard_tiles WHERE period = ? AND scope_code = ? ORDER BY ord",
              [period, scope_code])
st.markdown(f"{headline(tiles, scope_code, period)}  \n<small>{comparison_sentence(tiles, chosen)}</small>",
            help=t("estimate_note") + " " + t("ov_rank_help"), unsafe_allow_html=True)

missed = tiles[tiles["status"] == "not_met"]
drags = query("SELECT indicator, unit, name, numerator, denominator, value, points FROM marts.unit_drags "
              f"WHERE period = ? AND scope_code = ? AND rank <= {DRAGS} ORDER BY indicator, rank", [period, scope_code])
by_indicator = {k: g for k, g in drags.groupby("indicator")}
st.subheader(t("ov_missed").format(n=len(missed)),
             help=t("ov_drag_legend") + " " + t("ov_points_note").format(scope=plain(scope_name))
             if scope_code in AGGREGATES else None)
if len(missed):
    for _, tile in missed.iterrows():
        missed_row(tile, by_indicator.get(tile["indicator"]), scope_code, period)
else:
    st.success(t("ov_none_missed"))

met = tiles[tiles["status"] == "met"]
if len(met):
    st.subheader(t("ov_met").format(n=len(met)))
    grid(met, MET_PER_ROW)

rest = tiles[~tiles["status"].isin(["met", "not_met"])]
if len(rest):
    st.subheader(t("ov_untargeted").format(n=len(rest)))
    untargeted(rest)

downloads(scope_code, scope_name, chosen, period)
