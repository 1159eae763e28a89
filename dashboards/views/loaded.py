"""What the warehouse holds: periods, units, dossier counts by month and level. Numbers stay
numbers (vi-VN on screen, numbers in the downloads); months as reports name them."""

import datetime as dt

import streamlit as st

from dashboards.data import last_refreshed, query
from dashboards.i18n import fmt_int, t
from dashboards.tables import table
from dashboards.widgets import label, page, vega_config

page("app_title")

refreshed = last_refreshed()
periods = query("SELECT * FROM marts.periods_loaded ORDER BY thang")
totals = query("SELECT count(*) AS n FROM marts.dossiers")["n"].iloc[0]
units = query("SELECT * FROM marts.units_by_level ORDER BY cap")

if not len(periods):
    st.info(t("missing"))
    st.stop()
current_month = dt.date.today().strftime("%Y-%m")
last = periods["thang"].max()
note = f" ({t('provisional')})" if last == current_month else ""
fresh = f"{t('freshness')}: {refreshed:%d/%m/%Y %H:%M} · " if refreshed == refreshed and refreshed is not None else ""
st.caption(f"{fresh}{t('periods')}: {label(periods['thang'].min())} … {label(last)}{note}")

c1, c2, c3 = st.columns(3)
c1.metric(t("periods"), fmt_int(len(periods)))
c2.metric(t("dossiers"), fmt_int(totals))
c3.metric(t("units"), fmt_int(units["so_don_vi"].sum()))

st.subheader(t("by_month_level"))
by_month = query("SELECT thang, ten_cap, so_ho_so FROM marts.dossiers_by_month_level WHERE thang IS NOT NULL ORDER BY thang")
if len(by_month):
    # A Vega-Lite spec with the vi-VN locale: the axis reads 925.775, not 925,775.
    st.vega_lite_chart(by_month.assign(month=by_month["thang"].map(label)), {
        "mark": "bar", "height": 260, "config": vega_config(),
        "encoding": {"x": {"field": "month", "type": "ordinal", "sort": None, "title": None},
                     "y": {"field": "so_ho_so", "type": "quantitative", "aggregate": "sum", "title": t("dossiers")},
                     "color": {"field": "ten_cap", "type": "nominal", "title": t("level")}}}, width="stretch")
    wide = by_month.pivot_table(index="thang", columns="ten_cap", values="so_ho_so", aggfunc="sum").reset_index()
    levels = [c for c in wide.columns if c != "thang"]
    wide["thang"] = wide["thang"].map(label)
    table(wide.rename(columns={"thang": t("month")}), "ho_so_theo_thang", formats={c: "int" for c in levels})
else:
    st.info(t("missing"))

left, right = st.columns(2)
with left:
    st.subheader(t("units_by_level"))
    table(units.rename(columns={"ten_cap": t("level"), "so_don_vi": t("units"), "dang_hoat_dong": t("active"),
                                "da_sap_nhap": t("merged")}).drop(columns=["cap"]), "don_vi_theo_cap",
          formats={t("units"): "int", t("active"): "int", t("merged"): "int"})
with right:
    st.subheader(t("files"))
    table(periods.assign(thang=periods["thang"].map(label)).rename(columns={
        "thang": t("month"), "tep_ho_so": t("file"), "dong_ho_so": t("ho_so_rows"), "dong_thanh_toan": t("payment_rows"),
        "dong_so_hoa": t("digitized_rows"), "nap_luc": t("loaded_at")}), "tep_theo_ky",
          formats={t("ho_so_rows"): "int", t("payment_rows"): "int", t("digitized_rows"): "int",
                   t("loaded_at"): "datetime"})
