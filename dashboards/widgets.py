"""Selectors the pages share: their choices survive the language switch and follow links. The
period is resolved first, so the unit selector lists only the units that exist in it; a unit that
does not (from a link, or kept from another period) is said in a sentence with where to look,
never a traceback."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboards.data import built_by_other_code, last_refreshed, published, query
from dashboards.i18n import lang, plain, t
from pipelines.labels import period_label

STATUS_COLOURS = {"met": "background-color: #e6f4ea", "not_met": "background-color: #fce8e6"}  # with ✔/✘ beside
PERIOD_TYPES = ["month", "quarter", "half", "nine_months", "year", "ytd"]
TYPE_KEYS = {"month": "month_type", "quarter": "quarter", "half": "half", "nine_months": "nine_months",
             "year": "year", "ytd": "ytd"}


def page(title_key: str) -> None:
    """Every page's head: its title, or a clear word when nothing is published yet."""
    st.title(t(title_key))
    if not published():
        st.info(t("nothing_published"))
        st.stop()
    if built_by_other_code():
        st.warning(t("built_by_other_code"))


def label(period) -> str:
    """A period as the administration writes it, in the language chosen; "—" for none."""
    return period_label(period, english=bool(lang())) if isinstance(period, str) else "—"


def choose(where, label: str, options: list, default, name: str, fmt=str):
    """A selectbox whose choice survives the language switch: the widget's key carries the
    language (its labels change), the choice itself is kept under `name`. No options: None."""
    if not options:
        return None
    current = pending(name, options, default, fmt)
    labels = [fmt(o) for o in options]
    shown = where.selectbox(label, labels, index=options.index(current), key=f"{name}.{lang()}")
    st.session_state[name] = value = options[labels.index(shown)] if shown in labels else current
    return value


def pending(name: str, options: list, default, fmt=str):
    """What choose() returns for these options, known before it is drawn: the widget's state if
    the leader just changed it, else the kept choice, else `default`, else the first option."""
    labels = [fmt(o) for o in options]
    shown = st.session_state.get(f"{name}.{lang()}")
    if shown in labels:
        return options[labels.index(shown)]
    for wanted in (st.session_state.get(name), default):
        if wanted in options:
            return wanted
    return options[0]


def _periods() -> pd.DataFrame:
    """Every period, the newest first, with whether it is still running (it reaches past the last
    loaded month)."""
    periods = query("SELECT period, period_type, start_date, end_date, complete, has_exports FROM marts.periods "
                    "ORDER BY end_date DESC, period")
    horizon = periods["end_date"].max() if len(periods) else None
    return periods.assign(running=~periods["complete"] & (periods["end_date"] == horizon))


def _period_text(row) -> str:
    """'Quý IV/2026 (đang diễn ra, số liệu đến hết tháng 10/2026)' for a running period."""
    if not row["running"]:
        return label(row["period"])
    end = row["end_date"]
    return f"{label(row['period'])} ({t('running').format(until=f'{end.month}/{end.year}')})"


def _default_period(of_type: pd.DataFrame, wanted: str | None) -> str | None:
    """The link's period, else the newest complete one, else the newest."""
    if wanted in set(of_type["period"]):
        return wanted
    complete = of_type[of_type["complete"]]
    return (complete if len(complete) else of_type)["period"].iloc[0] if len(of_type) else None


def current_period() -> tuple[str, str | None]:
    """The period type and period choose_period will show, before it is drawn (choose_scope needs
    it to list the units of the period)."""
    periods = _periods()
    wanted = st.query_params.get("period")
    wanted_type = periods.set_index("period")["period_type"].get(wanted, "month")
    period_type = pending("period_type", PERIOD_TYPES, wanted_type, lambda k: t(TYPE_KEYS[k]))
    of_type = periods[periods["period_type"] == period_type]
    if of_type.empty:
        return period_type, None
    texts = dict(zip(of_type["period"], [_period_text(r) for r in of_type.to_dict("records")]))
    return period_type, pending(f"period.{period_type}", list(of_type["period"]), _default_period(of_type, wanted),
                                texts.get)


def choose_period(type_column, period_column):
    """Period type and period (latest first, labelled as reports write them; the running one
    marked); by default the newest complete period of the type; `?period=…` chooses both.
    Returns the period's row (start_date, end_date, complete, running…) and its code."""
    periods = _periods()
    wanted = st.query_params.get("period")
    wanted_type = periods.set_index("period")["period_type"].get(wanted, "month")
    period_type = choose(type_column, t("period_type"), PERIOD_TYPES, wanted_type, "period_type",
                         lambda k: t(TYPE_KEYS[k]))
    of_type = periods[periods["period_type"] == period_type]
    if of_type.empty:
        st.info(t("no_periods"))
        st.stop()
    texts = dict(zip(of_type["period"], [_period_text(r) for r in of_type.to_dict("records")]))
    period = choose(period_column, t("period"), list(of_type["period"]), _default_period(of_type, wanted),
                    f"period.{period_type}", texts.get)
    return periods.set_index("period").loc[period], period


def choose_scope(where, period: str | None = None, every: bool = False) -> tuple[str, str]:
    """The province or a unit that exists in `period` (by default the period being chosen);
    `?unit=…` in the link chooses it (alerts link here). A unit asked for that does not exist in
    the period stays chosen, marked, and stop_if_gone says why. `every`: all units ever (pages
    without a period). Returns the code and its name."""
    name = "name_en" if lang() else "name_vi"
    wanted = st.query_params.get("unit", "province")
    first_choice = "scope" not in st.session_state
    if every:
        scopes = query(f"SELECT scope_code, {name} AS name FROM marts.scopes ORDER BY level_order, name_vi")
        names = dict(zip(scopes["scope_code"], scopes["name"]))
        code = choose(where, t("scope"), list(names), wanted, "scope", names.get)
        _unknown_in_link(wanted, code, names[code], first_choice)
        return code, names[code]
    period = period or current_period()[1]
    scopes = query(f"SELECT scope_code, {name} AS name, state = 'exists' AS listed FROM marts.scope_periods "
                   "WHERE period = ? ORDER BY level_order, name_vi", [period])
    kept = pending("scope", list(scopes["scope_code"]), wanted) if len(scopes) else "province"
    shown = scopes[scopes["listed"] | (scopes["scope_code"] == kept)]
    names = dict(zip(shown["scope_code"], shown["name"]))
    marked = {c: n if listed else f"{n} — {t('scope_not_in_period')}"
              for c, n, listed in zip(shown["scope_code"], shown["name"], shown["listed"])}
    code = choose(where, t("scope"), list(names), kept, "scope", marked.get) or "province"
    _unknown_in_link(wanted, code, names.get(code, t("province_name")), first_choice)
    return code, names.get(code, t("province_name"))


def _unknown_in_link(wanted: str, code: str, shown: str, first_choice: bool) -> None:
    """A link's unit code that no unit ever had (a typing slip, a unit the reference file lacks):
    said once, when the link opens the session, rather than silently showing another unit."""
    if first_choice and wanted != code and query("SELECT count(*) AS n FROM marts.scopes WHERE scope_code = ?",
                                                 [wanted])["n"].iloc[0] == 0:
        st.warning(t("unit_unknown").format(code=plain(wanted), shown=plain(shown)))


def go(unit: str | None = None, period: str | None = None, period_type: str | None = None) -> None:
    """Open the page on another unit or period (a button's on_click): forget the widgets' own
    state so the new choice shows, and put it in the link."""
    for key in [k for k in st.session_state if str(k).startswith(("scope.", "period_type.", "period."))]:
        del st.session_state[key]
    if unit:
        st.session_state["scope"] = unit
        st.query_params["unit"] = unit
    if period:
        st.session_state["period_type"] = period_type
        st.session_state[f"period.{period_type}"] = period
        st.query_params["period"] = period


def stop_if_gone(scope_code: str, period: str) -> None:
    """A unit that does not exist in the period: say so in a sentence, offer where to look (its
    successor for this period, or the periods it existed), and stop the page there."""
    found = query("SELECT * FROM marts.scope_periods WHERE period = ? AND scope_code = ?", [period, scope_code])
    if found.empty or found["state"].iloc[0] == "exists":
        return
    row = found.iloc[0]
    day = lambda d: "—" if pd.isna(d) else f"{d:%d/%m/%Y}"  # noqa: E731
    words = {"unit": plain(row["ten_don_vi"]), "period": label(period), "since": day(row["hieu_luc_tu"]),
             "until": day(row["hieu_luc_den"]),
             "successor": plain(f"{row['reporting_name']} ({row['reporting_unit']})")}
    if row["state"] == "merged":
        st.info(t("unit_gone").format(**words))
    elif row["state"] == "not_yet":
        st.info(t("unit_not_yet").format(**words))
    else:
        st.info(t("unit_ended" if row["cap"] != "huyen" else "district_abolished").format(**words))
    buttons = st.container(horizontal=True)
    if row["state"] == "merged":
        buttons.button(t("open_successor").format(successor=words["successor"], period=label(period)),
                       on_click=go, kwargs={"unit": row["reporting_unit"]}, key="go_successor")
    elif row["state"] == "gone":
        buttons.button(t("open_province").format(period=label(period)), on_click=go, kwargs={"unit": "province"},
                       key="go_province")
    other = row["first_period"] if row["state"] == "not_yet" else row["last_period"]
    if isinstance(other, str):
        buttons.button(t("open_period").format(unit=words["unit"], period=label(other)), on_click=go,
                       kwargs={"period": other, "period_type": row["period_type"]}, key="go_period")
    st.stop()


def stop_if_no_data(chosen) -> None:
    """A period without any export file: missing, said, not zeros."""
    if not chosen["has_exports"]:
        st.info(t("period_without_exports"))
        st.stop()


def period_caption(subject: str, chosen, period: str) -> None:
    """What every page states: whom, which period and its days, provisional (up to which day) or
    not, how fresh."""
    refreshed = last_refreshed()
    provisional = not chosen["complete"] or chosen["end_date"] >= dt.date.today().replace(day=1)
    until = f"{chosen['end_date']:%d/%m/%Y}"
    st.caption(f"{plain(subject)} · {label(period)} ({chosen['start_date']:%d/%m/%Y} – {until})"
               + (f" · **{t('provisional_until').format(until=until)}**" if provisional else "")
               + (f" · {t('freshness')}: {refreshed:%d/%m/%Y %H:%M}" if not pd.isna(refreshed) else ""))


def vega_config() -> dict:
    """Vega-Lite's config for a chart: numbers on axes and tooltips as vi-VN writes them (925.775;
    99,5) when Vietnamese is chosen. Vega-Lite 6 (Streamlit 1.67) takes a d3 locale here."""
    if lang():
        return {}
    return {"locale": {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]}}}


def unit_href(code: str, period: str) -> str:
    """The unit page on that unit and period. A link opens a new session, so the language goes in
    it (?lang=en), as dashboards/app.py reads it."""
    return "unit?" + urlencode({"unit": code, "period": period} | ({"lang": "en"} if lang() else {}))
