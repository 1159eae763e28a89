"""Selectors the pages share: their choices survive the language switch and follow links."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards.data import published, query
from dashboards.i18n import lang, t

PERIOD_TYPES = ["month", "quarter", "half", "nine_months", "year", "ytd"]
TYPE_KEYS = {"month": "month_type", "quarter": "quarter", "half": "half", "nine_months": "nine_months",
             "year": "year", "ytd": "ytd"}


def page(title_key: str) -> None:
    """Every page's head: its title, or a clear word when nothing is published yet."""
    st.title(t(title_key))
    if not published():
        st.info(t("no_data"))
        st.stop()


def choose_scope(where) -> tuple[str, str]:
    """The province or a unit; `?unit=…` in the link chooses it (alerts link here). Returns the
    code and its name."""
    scopes = query("SELECT scope_code, name_vi, name_en FROM marts.scopes ORDER BY level_order, name_vi")
    names = dict(zip(scopes["scope_code"], scopes["name_en" if lang() else "name_vi"]))
    code = choose(where, t("scope"), list(scopes["scope_code"]), st.query_params.get("unit", "province"), "scope",
                  names.get)
    return code, names[code]


def choose(where, label: str, options: list, default, name: str, fmt=str):
    """A selectbox whose choice survives the language switch: the widget's key carries the
    language (its labels change), the choice itself is kept under `name`."""
    current = st.session_state.get(name, default)
    labels = [fmt(o) for o in options]
    shown = where.selectbox(label, labels, index=options.index(current) if current in options else 0,
                            key=f"{name}.{lang()}")
    st.session_state[name] = value = options[labels.index(shown)]
    return value


def choose_period(type_column, period_column):
    """Period type and period (latest first); `?period=…` in the link chooses both."""
    periods = query("SELECT period, period_type, start_date, end_date, complete FROM kpi.periods "
                    "ORDER BY end_date DESC, period")
    wanted = st.query_params.get("period")
    wanted_type = periods.set_index("period")["period_type"].get(wanted, "month")
    period_type = choose(type_column, t("period_type"), PERIOD_TYPES, wanted_type, "period_type",
                         lambda k: t(TYPE_KEYS[k]))
    period = choose(period_column, t("period"), list(periods.loc[periods["period_type"] == period_type, "period"]),
                    wanted, f"period.{period_type}")
    return periods.set_index("period").loc[period], period


def period_caption(subject: str, chosen, period: str) -> None:
    """What every page states: whom, which period and its days, provisional or not, how fresh."""
    refreshed = query("SELECT max(finished_at) AS at FROM meta.refreshes WHERE status = 'succeeded'")["at"].iloc[0]
    provisional = not chosen["complete"] or chosen["end_date"] >= dt.date.today().replace(day=1)
    st.caption(f"{subject} · {t('period')} {period} ({chosen['start_date']:%d/%m/%Y} – {chosen['end_date']:%d/%m/%Y})"
               + (f" · **{t('provisional')}**" if provisional else "")
               + f" · {t('freshness')}: {refreshed:%d/%m/%Y %H:%M}")
