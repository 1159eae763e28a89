"""Streamlit entry point: `cchc serve` (or `streamlit run dashboards/app.py`)."""

import logging
import time
from datetime import datetime

import streamlit as st

from dashboards.data import one_copy
from dashboards.i18n import lang, speaking, t
from pipelines.errors import InputError

st.set_page_config(page_title="CCHC Lạng Sơn", page_icon="📊", layout="wide")
LANGUAGES = ["Tiếng Việt", "English"]
CODES = ["vi", "en"]  # as written in the link: ?lang=en

# A phone's sidebar lies over the page. Streamlit closes it after a page is tapped only when the
# browser's user agent says "mobile" (not an in-app browser, a tablet, a desktop site), so any
# window too narrow to show it beside the page closes it too; a language choice as well.
CLOSE_MENU_ON_NARROW = """<script>
if (!window.cchcMenu) {
  window.cchcMenu = true;
  document.addEventListener("click", (event) => {
    if (!window.matchMedia("(max-width: 767.98px)").matches) return;
    if (!event.target.closest('[data-testid="stSidebarNavLink"], [data-testid="stSidebar"] [data-testid="stRadioOption"]')) return;
    setTimeout(() => document.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click(), 0);
  }, true);
}
</script>"""


def chosen_language() -> str:
    """The link's `?lang=` opens a session (a fresh visit, a reload, a shared link); the session
    keeps the choice after that, since a page switch drops the link's parameters. Kept under
    "lang", a plain session key, so it outlives the radio's own widget state."""
    if "lang" not in st.session_state:
        code = st.query_params.get("lang")
        st.session_state["lang"] = LANGUAGES[CODES.index(code)] if code in CODES else LANGUAGES[0]
    return st.session_state["lang"]


def keep_in_link(language: str) -> None:
    """English stays in the link, so a reload, a bookmark or a shared link opens in English;
    Vietnamese, the default, leaves it out (the alerts' links open in Vietnamese)."""
    code = CODES[LANGUAGES.index(language)]
    if code == "vi":
        if "lang" in st.query_params:
            del st.query_params["lang"]
    elif st.query_params.get("lang") != code:
        st.query_params["lang"] = code


def on_language_change() -> None:
    st.session_state["lang"] = st.session_state["lang_radio"]


st.session_state["lang_radio"] = chosen_language()  # the radio shows the session's choice, set by a link too
st.sidebar.radio("Ngôn ngữ / Language", LANGUAGES, key="lang_radio", horizontal=True, on_change=on_language_change)
keep_in_link(st.session_state["lang"])
st.sidebar.html(CLOSE_MENU_ON_NARROW, unsafe_allow_javascript=True)
# Less empty space above the title (Streamlit's is 6rem): what needs attention fits above the fold
# on a laptop. Not less than the header's 3.75rem, which lies over the page and would cut off the
# title's diacritics ("Tổng quan" read "Tong quan").
st.html("<style>.stMainBlockContainer, .block-container {padding-top: 3.75rem}</style>")

pages = [
    st.Page("views/overview.py", title=t("page_overview"), icon=":material/target:", default=True),
    st.Page("views/ranking.py", title=t("page_ranking"), icon=":material/leaderboard:"),
    st.Page("views/unit.py", title=t("page_unit"), icon=":material/apartment:"),
    st.Page("views/targets.py", title=t("page_targets"), icon=":material/flag:"),
    st.Page("views/alerts.py", title=t("page_alerts"), icon=":material/notifications:"),
    st.Page("views/quality.py", title=t("page_quality"), icon=":material/fact_check:"),
    st.Page("views/loaded.py", title=t("page_loaded"), icon=":material/folder_open:"),
]


def said_instead(error: Exception) -> None:
    """A leader never meets a traceback: what went wrong is said in a sentence with where to turn,
    and the traceback goes to the server's log under a reference the steward can find. The error
    goes on up only where the server shows error details (a developer's run, the tests); `cchc
    serve` shows none."""
    if isinstance(error, InputError):  # a steward's fix (the settings file, a missing copy)
        st.error(error.en if lang() else error.vi)
    else:
        reference = datetime.now().strftime("%Y%m%d-%H%M%S")
        logging.getLogger("cchc.dashboards").exception("page %s failed [%s]", page.url_path or "overview", reference)
        st.error(t("page_failed").format(reference=reference))
    if st.get_option("client.showErrorDetails") not in ("none", False, "false", "False"):
        raise error


page = st.navigation(pages)
started = time.perf_counter()
try:
    with one_copy(), speaking(lang()):  # the page's queries, its first to its last, read one published copy
        page.run()
except Exception as error:  # st.stop() and st.rerun() are not Exceptions: they pass through
    said_instead(error)
finally:
    # Said last, so a browser sees the run is over and every element before it has arrived
    # (benchmarks/browser.py waits for it), with the server's own share of the time.
    st.sidebar.html(f'<span data-cchc-ready="{page.url_path or "overview"}" '
                    f'data-ms="{(time.perf_counter() - started) * 1000:.0f}"></span>')
