"""Tables on a page: shown, and downloaded as CSV and XLSX (dashboards/export.py).

Numbers stay numbers: the grid gets the numeric columns as they are, so a click on a header sorts
them as numbers, and a pandas Styler gives the text shown (vi-VN: 99,12%, 925.775, +1,20; en when
English is chosen). On a phone the canvas grid is unreadable, so the first rows are also drawn as
cards; CSS shows the cards on narrow screens only and the grid on the others."""

from __future__ import annotations

import html
import re

import pandas as pd
import streamlit as st

from dashboards import export
from dashboards.data import query
from dashboards.i18n import fmt_date, fmt_datetime, fmt_int, fmt_number, fmt_pct, fmt_signed, later, t

SCREEN = {"pct": fmt_pct, "pp": fmt_signed, "int": fmt_int, "number": fmt_number, "date": fmt_date,
          "datetime": fmt_datetime}
PRINTF = {"pct": "%.2f%%", "pp": "%+.2f", "int": "%d", "number": "%.2f"}
STYLED_ROWS = 500  # above, tables skip the Styler (see long_list_columns)
CARDS = 50  # rows drawn as cards on a phone; the grid and the downloads hold them all
NARROW = 640  # px: at or below, cards instead of the grid
ROW_PX, HEAD_PX = 35, 38  # st.dataframe's row and header heights


def _key(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", name)


def formatted(frame, styled=None, formats: dict | None = None):
    """What the grid gets: the data unchanged (it sorts by it) with the text to show on top."""
    wanted = {c: _screen(k) for c, k in (formats or {}).items() if c in frame.columns and _screen(k)}
    if not wanted or len(frame) > STYLED_ROWS:
        return frame if styled is None else styled
    return (frame.style if styled is None else styled).format(wanted, na_rep="—")


def long_list_columns(frame, formats: dict, given: dict | None) -> dict | None:
    """A long list's numbers and dates through the grid's own formats (a Styler costs 0.3–1 ms a
    row: 2,000 rows would take up to 2 s): they still sort as numbers and dates; dates read
    dd/mm/yyyy, numbers have no thousands mark and a dot decimal (no long list has a rate or an
    amount today: dossier lists, alert and quarantine rows carry codes, dates and whole numbers)."""
    if len(frame) <= STYLED_ROWS:
        return given
    grid = {k: st.column_config.NumberColumn(format=f) for k, f in PRINTF.items()} | {
        "date": st.column_config.DateColumn(format="DD/MM/YYYY"),
        "datetime": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")}
    config = {c: grid[k] for c, k in formats.items() if isinstance(k, str) and k in grid and c in frame.columns}
    return config | (given or {}) or None


def _screen(kind):
    """A kind's text on screen; a function given instead is used as it is (the files get the number)."""
    return kind if callable(kind) else SCREEN.get(kind)


def height_for(rows: int) -> int:
    """Tall enough to show `rows` rows without a scrollbar of its own."""
    return ROW_PX * max(rows, 1) + HEAD_PX


def table(frame, name: str, styled=None, whole=None, *, title=None, formats=None, card_columns=None,
          card_links=None, **options):
    """A table with its downloads, CSV and XLSX (formula-safe, dashboards/export.py). `formats`
    names the kind of each numeric column (pct, pp, int, number, date, datetime, or a function
    giving the text): shown in the language chosen, written to files as numbers. `title` (unit and period) heads the XLSX and
    names its sheet. `whole`, if given, returns the full table when only part of it is shown;
    files are made on click. `card_columns` (default the first four) and `card_links` (a URL per
    row) shape the phone's cards."""
    formats = formats or {}
    key = _key(name)
    _narrow_css(key)
    with st.container(key=f"grid-{key}"):
        options["column_config"] = long_list_columns(frame, formats, options.get("column_config"))
        shown = st.dataframe(formatted(frame, styled, formats), hide_index=True, width="stretch", placeholder="—",
                             **options)
    with st.container(key=f"cards-{key}"):
        _cards(frame, formats, card_columns or list(frame.columns[:4]), card_links)
    source = later(whole or (lambda: frame))
    buttons = st.container(horizontal=True)
    buttons.download_button("CSV", lambda: export.csv_bytes(source(), formats), file_name=f"{name}.csv",
                            mime="text/csv", on_click="ignore", icon=":material/download:", key=f"csv.{name}")
    buttons.download_button("XLSX", lambda: export.xlsx_bytes(source(), name, title=title, formats=formats),
                            file_name=f"{name}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            on_click="ignore", icon=":material/download:", key=f"xlsx.{name}")
    return shown


def _narrow_css(key: str) -> None:
    st.html(f"<style>@media (max-width: {NARROW}px) {{ .st-key-grid-{key} {{ display: none; }} }}"
            f"@media (min-width: {NARROW + 1}px) {{ .st-key-cards-{key} {{ display: none; }} }}"
            # two cards a row on a phone: half the scrolling
            ".cchc-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 6px; }"
            ".cchc-card { border: 1px solid #ddd; border-radius: 6px; padding: 6px 10px; font-size: 0.9rem;"
            " line-height: 1.35; overflow-wrap: anywhere; } .cchc-card b { font-weight: 600; }</style>")


def _cards(frame, formats: dict, columns: list, links=None) -> None:
    """The first rows as cards, a line per column, the first column as the heading; text from the
    data escaped (never markup)."""
    shown = {c: _screen(formats.get(c)) or _text for c in columns if c in frame.columns}
    if not shown or frame.empty:
        return
    heading, *rest = shown
    cards = []
    for i, row in enumerate(frame.head(CARDS).itertuples(index=False)):
        values = dict(zip(frame.columns, row))
        head = html.escape(_show(shown[heading], values[heading]))
        if links is not None:
            head = f'<a href="{html.escape(links[i], quote=True)}" target="_self">{head}</a>'
        texts = {c: _show(shown[c], values[c]) for c in rest}
        lines = "".join(f"<br>{html.escape(str(c))}: <b>{html.escape(v)}</b>" for c, v in texts.items() if v.strip())
        cards.append(f'<div class="cchc-card"><b>{head}</b>{lines}</div>')
    note = (f"<p><small>{html.escape(t('cards_first').format(shown=fmt_int(CARDS), total=fmt_int(len(frame))))}"
            "</small></p>") if len(frame) > CARDS else ""
    st.html(f'<div class="cchc-cards">{"".join(cards)}</div>{note}')


def _text(value) -> str:
    return str(value)


def _show(fmt, value) -> str:
    """A cell's text, "—" when missing (pd.NA cannot be compared, so asked pandas)."""
    try:
        missing = bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array: not missing
        missing = False
    return "—" if missing else fmt(value)


def first_rows(sql: str, params, limit: int):
    """The first `limit` rows of a query that may be long, saying so when there are more."""
    frame = query(f"{sql} LIMIT {limit + 1}", params)
    if len(frame) > limit:
        total = query(f"SELECT count(*) AS n FROM ({sql})", params)["n"].iloc[0]
        st.caption(t("first_rows").format(shown=fmt_int(limit), total=fmt_int(total)))
    return frame.head(limit)
