"""Streamlit entry point: `cchc serve` (or `streamlit run dashboards/app.py`)."""

import streamlit as st

from dashboards.data import one_copy
from dashboards.i18n import t

st.set_page_config(page_title="CCHC Lạng Sơn", page_icon="📊", layout="wide")
LANGUAGES = ["Tiếng Việt", "English"]
# The choice is kept under "lang", a plain session key, so it outlives the radio's own widget state
# (dropped when a run does not carry it, as on a page switch in AppTest).
st.session_state.setdefault("lang", LANGUAGES[0])
st.sidebar.radio("Ngôn ngữ / Language", LANGUAGES, index=LANGUAGES.index(st.session_state["lang"]), key="lang_radio",
                 horizontal=True, on_change=lambda: st.session_state.update(lang=st.session_state["lang_radio"]))

pages = [
    st.Page("views/overview.py", title=t("page_overview"), icon=":material/target:", default=True),
    st.Page("views/ranking.py", title=t("page_ranking"), icon=":material/leaderboard:"),
    st.Page("views/unit.py", title=t("page_unit"), icon=":material/apartment:"),
    st.Page("views/targets.py", title=t("page_targets"), icon=":material/flag:"),
    st.Page("views/alerts.py", title=t("page_alerts"), icon=":material/notifications:"),
    st.Page("views/quality.py", title=t("page_quality"), icon=":material/fact_check:"),
    st.Page("views/loaded.py", title=t("page_loaded"), icon=":material/folder_open:"),
]
with one_copy():  # the page's queries, its first to its last, read one published copy
    st.navigation(pages).run()
