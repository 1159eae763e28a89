"""What the warehouse holds: periods, units, dossier counts by month and level."""

import datetime as dt

import streamlit as st

from dashboards.data import query
from dashboards.i18n import fmt_int, t
from dashboards.widgets import page, table

page("app_title")

refreshed = query("SELECT max(finished_at) AS at FROM meta.refreshes WHERE status = 'succeeded'")["at"].iloc[0]
periods = query("SELECT * FROM marts.periods_loaded ORDER BY thang")
totals = query("SELECT count(*) AS n FROM core.fct_ho_so")["n"].iloc[0]
units = query("SELECT * FROM marts.units_by_level ORDER BY cap")

current_month = dt.date.today().strftime("%Y-%m")
last = periods["thang"].max() if len(periods) else None
note = f" ({t('provisional')})" if last == current_month else ""
st.caption(f"{t('freshness')}: {refreshed:%d/%m/%Y %H:%M} · {t('periods')}: "
           f"{periods['thang'].min()} … {last}{note}" if len(periods) else t("missing"))

c1, c2, c3 = st.columns(3)
c1.metric(t("periods"), fmt_int(len(periods)))
c2.metric(t("dossiers"), fmt_int(totals))
c3.metric(t("units"), fmt_int(units["so_don_vi"].sum()))

st.subheader(t("by_month_level"))
by_month = query("SELECT thang, ten_cap, so_ho_so FROM marts.dossiers_by_month_level WHERE thang IS NOT NULL ORDER BY thang")
wide = by_month.pivot_table(index="thang", columns="ten_cap", values="so_ho_so", aggfunc="sum")
st.bar_chart(wide)
table(wide.reset_index().rename(columns={"thang": t("month")}).map(lambda v: fmt_int(v) if not isinstance(v, str) else v),
      "ho_so_theo_thang")

left, right = st.columns(2)
with left:
    st.subheader(t("units_by_level"))
    table(units.rename(columns={"ten_cap": t("level"), "so_don_vi": t("units"), "dang_hoat_dong": t("active"),
                                "da_sap_nhap": t("merged")}).drop(columns=["cap"]), "don_vi_theo_cap")
with right:
    st.subheader(t("files"))
    table(periods.rename(columns={"thang": t("month"), "tep_ho_so": t("file"), "dong_ho_so": t("ho_so_rows"),
                                  "dong_thanh_toan": t("payment_rows"), "dong_so_hoa": t("digitized_rows"),
                                  "nap_luc": t("loaded_at")}), "tep_theo_ky")
