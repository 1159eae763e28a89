"""Đơn vị: one unit (or the province) over time against its targets; the procedures and fields
dragging an indicator down; and its late dossiers, each one click from why it counts as late."""

import pandas as pd
import streamlit as st

from dashboards.data import query
from dashboards.i18n import fmt_int, fmt_pct, fmt_target, lang, plain, t
from dashboards.tables import first_rows, table
from dashboards.widgets import (
    STATUS_COLOURS,
    choose,
    choose_period,
    choose_scope,
    label,
    page,
    period_caption,
    stop_if_gone,
    stop_if_no_data,
    vega_config,
)
from pipelines.errors import InputError
from pipelines.indicators.report import explain

HISTORY = 12  # periods of the chosen type shown
LIMIT = 2000  # rows shown of a long list; the downloads hold them all
MARKS = {"met": " ✔", "not_met": " ✘"}


def over_time(history: pd.DataFrame, name: str, period: str):
    """The indicators × periods grid (the period's target, then value and mark, newest first: the
    chosen period in sight on any screen), its colours and its period columns, labelled as reports
    write them. An indicator missing in a period shows —."""
    cells = history.assign(cell=[fmt_pct(v) + MARKS.get(s, "") for v, s in zip(history["value"], history["status"])],
                           column=history["period"].map(label))
    columns = list(dict.fromkeys(cells.sort_values("end_date", ascending=False)["column"]))  # the chosen first
    grid = cells.pivot_table(index=["ord", name], columns="column", values="cell", aggfunc="first")
    grid = grid.reindex(columns=columns).fillna("—")
    colours = cells.pivot_table(index=["ord", name], columns="column", values="status", aggfunc="first").reindex(
        index=grid.index, columns=columns).map(lambda s: STATUS_COLOURS.get(s, ""))
    now = history[history["period"] == period].set_index(["ord", name])
    grid[t("target")] = [fmt_target(c, v) for c, v in zip(now["comparator"].reindex(grid.index),
                                                          now["target"].reindex(grid.index))]
    grid = grid[[t("target"), *columns]]  # beside the name, in sight of the chosen period
    grid = grid.reset_index(level=0, drop=True).rename_axis(index=t("indicator"), columns=None).reset_index()
    return grid, colours, columns


def trend_chart(rows: pd.DataFrame) -> None:
    """The indicator's value over the periods and its target, a dashed line (a target that changed
    with the year steps). A Vega-Lite spec as it is: st.line_chart builds it through Altair, a fifth
    of the page's time."""
    data = rows.assign(column=rows["period"].map(label))[["column", "value", "target"]]
    y = {"type": "quantitative", "title": "%", "scale": {"zero": False}}
    st.vega_lite_chart(data, {
        "height": 220, "config": vega_config(),
        "encoding": {"x": {"field": "column", "type": "ordinal", "sort": None, "title": None}},
        "layer": [
            {"mark": {"type": "line", "point": True},
             "encoding": {"y": {"field": "value", **y}, "color": {"datum": t("value")}}},
            {"mark": {"type": "line", "strokeDash": [6, 4], "interpolate": "step-after"},
             "encoding": {"y": {"field": "target", **y}, "color": {"datum": t("target")}}},
        ]}, width="stretch")

page("page_unit")
top = st.columns([3, 2, 2])
chosen, period = choose_period(top[1], top[2])  # the period first: the unit list is the period's
scope_code, scope_name = choose_scope(top[0], period)
period_caption(scope_name, chosen, period)
stop_if_gone(scope_code, period)
stop_if_no_data(chosen)
name = "name_en" if lang() else "name_vi"

# 1. Every indicator over the last periods of the chosen type, against its target.
st.subheader(t("over_time"))
history = query(
    "SELECT period, end_date, indicator, ord, name_vi, name_en, value, status, comparator, target, numerator, "
    "denominator FROM marts.scorecard_tiles "
    "WHERE scope_code = $scope AND source = 'export' AND period IN (SELECT period FROM marts.periods "
    f"WHERE period_type = $type AND end_date <= $end ORDER BY end_date DESC LIMIT {HISTORY}) ORDER BY ord, end_date",
    {"scope": scope_code, "type": chosen["period_type"], "end": chosen["end_date"]})
if history.empty:
    st.info(t("unit_no_values").format(unit=plain(scope_name)))
    st.stop()
now = history[history["period"] == period].set_index("indicator")
quiet = now.empty or (now["denominator"].fillna(0) == 0).all()  # no dossier, payment or procedure counted
if quiet:
    st.info(t("unit_no_dossiers").format(unit=plain(scope_name), period=label(period)))
grid, colours, columns = over_time(history, name, period)
table(grid, f"chi_so_theo_thoi_gian_{scope_code}_{period}",
      styled=grid.style.apply(lambda _: colours.to_numpy(), axis=None, subset=columns), height=35 * len(grid) + 38)
st.caption(t("marks_note"))

indicators = history.drop_duplicates("indicator")
labels = dict(zip(indicators["indicator"], indicators[name]))
indicator = choose(st, t("indicator"), list(labels), "on_time_rate", "unit_indicator", labels.get)
trend_chart(history[history["indicator"] == indicator])
if quiet:
    st.stop()

# 2. What drags the chosen indicator down: procedures and fields with the most shortfalls.
st.subheader(t("drags").format(indicator=labels[indicator]))
st.caption(t("drags_note"))
for column, dimension in zip(st.columns(2), ["procedure", "field"]):
    with column:
        drags = query("SELECT key, name, numerator, denominator, value, shortfall, points_lost FROM marts.drags "
                      "WHERE period = ? AND scope_code = ? AND indicator = ? AND dimension = ? "
                      "ORDER BY points_lost DESC, key LIMIT 10", [period, scope_code, indicator, dimension])
        st.markdown(f"**{t('by_' + dimension)}**")
        if drags.empty:
            st.info(t("no_drags"))
            continue
        table(drags.rename(columns={"key": t("code"), "name": t("name"), "numerator": t("numerator"),
                                    "denominator": t("denominator"), "value": t("value"),
                                    "shortfall": t("shortfall"), "points_lost": t("points_lost")}),
              f"keo_giam_{dimension}_{scope_code}_{period}_{indicator}",
              formats={t("numerator"): "int", t("denominator"): "int", t("value"): "pct",
                       t("shortfall"): "int", t("points_lost"): "pp"})

# 3. Late dossiers: those without an apology letter first, the latest first.
st.subheader(t("late_title"))
LATE = ("SELECT ma_ho_so, ten_tthc, ma_don_vi, ngay_tiep_nhan, ngay_hen_tra, ngay_ket_thuc, days_late, reason, "
        "co_phieu_xin_loi FROM marts.late_dossiers WHERE period = $period "
        "AND ($scope = 'province' OR reporting_unit = $scope) "
        "ORDER BY co_phieu_xin_loi, days_late DESC NULLS LAST, ma_ho_so")
params = {"period": period, "scope": scope_code}
if "late_apology_rate" in now.index:  # its denominator is the late ones
    apology = now.loc["late_apology_rate"]
    st.markdown(t("late_summary").format(late=fmt_int(apology["denominator"]),
                                         without=fmt_int(apology["denominator"] - apology["numerator"])))


def shaped(late: pd.DataFrame) -> pd.DataFrame:
    return late.assign(reason=late["reason"].map(lambda r: t(f"reason_{r}")),
                       co_phieu_xin_loi=late["co_phieu_xin_loi"].map(lambda a: t("yes" if a else "no"))).rename(
        columns={"ma_ho_so": t("dossier_code"), "ten_tthc": t("procedure"), "ma_don_vi": t("unit_code"),
                 "ngay_tiep_nhan": t("received"), "ngay_hen_tra": t("due"), "ngay_ket_thuc": t("finished"),
                 "days_late": t("days_late"), "reason": t("reason"), "co_phieu_xin_loi": t("apology")})


late = first_rows(LATE, params, LIMIT)
picked = None
if len(late):
    when = st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")
    event = table(shaped(late), f"ho_so_tre_han_{scope_code}_{period}", whole=lambda: shaped(query(LATE, params)),
                  on_select="rerun", selection_mode="single-row", key="late_rows",
                  column_config={t("received"): when, t("due"): when, t("finished"): when})
    rows = event.selection.rows if event is not None else []
    picked = late["ma_ho_so"].iloc[rows[0]] if rows else None
else:
    st.info(t("late_none"))

# 4. One dossier: why it counts as late, and the row as loaded.
typed = st.text_input(t("find_dossier"), key="dossier_code", placeholder="H37.2610.00012345").strip()
code = typed or picked
if code:
    found = query("SELECT * FROM marts.late_dossiers WHERE period = ? AND ma_ho_so = ?", [period, code])
    dossier = query("SELECT * FROM marts.dossiers WHERE ma_ho_so = ?", [code])
    st.markdown(f"#### {t('dossier_code')} {plain(code)}")
    if dossier.empty:
        st.warning(t("dossier_unknown").format(code=plain(code)))
    else:
        if found.empty:
            st.success(t("not_late").format(period=label(period)))
        else:
            row = found.iloc[0]
            when = {"end": row["ngay_ket_thuc"], "due": row["ngay_hen_tra"]}
            shown = {k: "—" if pd.isna(v) else f"{v:%d/%m/%Y %H:%M}" if k == "end" else f"{v:%d/%m/%Y}"
                     for k, v in when.items()}
            st.markdown(t(f"why_{row['reason']}").format(
                **shown, hours=f"{row['hours_taken_off'] or 0:g}", days=row["days_late"], n=row["so_lan_bo_sung"],
                period_end=f"{chosen['end_date']:%d/%m/%Y}")
                + " " + t("with_apology" if row["co_phieu_xin_loi"] else "without_apology"))
        fields = dossier.iloc[0].map(lambda v: "—" if v is None or (not isinstance(v, list) and pd.isna(v)) else str(v))
        st.dataframe(fields.rename_axis(t("field")).reset_index(name=t("value")), hide_index=True, width="stretch")

# 5. Every row behind the chosen indicator's number: `cchc explain`, on the page.
if st.toggle(t("show_counted").format(indicator=labels[indicator]), key="show_counted"):
    try:
        counted, total = explain(period, scope_code, indicator)
    except InputError as e:
        st.warning(plain(e.vi if lang() == 0 else e.en))
    else:
        st.caption(t("counted_total").format(num=fmt_int(total["numerator"]), den=fmt_int(total["denominator"]),
                                              command=f"cchc explain --period {period} --unit {scope_code} "
                                                      f"--indicator {indicator}"))
        frame = pd.DataFrame(counted)
        table(frame.head(LIMIT), f"explain_{scope_code}_{period}_{indicator}", whole=lambda: frame)
