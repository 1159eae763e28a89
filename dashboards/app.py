"""Streamlit entry point: `cchc serve` (or `streamlit run dashboards/app.py`)."""

import streamlit as st

from dashboards.i18n import t

st.set_page_config(page_title="CCHC Lạng Sơn", page_icon="📊", layout="wide")
st.sidebar.radio("Ngôn ngữ / Language", ["Tiếng Việt", "English"], key="lang", horizontal=True)

pages = [
    st.Page("pages/overview.py", title=t("page_overview"), icon=":material/target:", default=True),
    st.Page("pages/ranking.py", title=t("page_ranking"), icon=":material/leaderboard:"),
    st.Page("pages/unit.py", title=t("page_unit"), icon=":material/apartment:"),
    st.Page("pages/targets.py", title=t("page_targets"), icon=":material/flag:"),
    st.Page("pages/quality.py", title=t("page_quality"), icon=":material/fact_check:"),
    st.Page("pages/loaded.py", title=t("page_loaded"), icon=":material/folder_open:"),
]
st.navigation(pages).run()
