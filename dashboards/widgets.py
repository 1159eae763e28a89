"""Selectors the pages share: their choices survive the language switch and follow links."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboards import export
from dashboards.data import published, query
from dashboards.i18n import fmt_int, lang, later, plain, t

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


def stop_if_gone(scope_code: str, period: str) -> None:
    """A unit merged away before the period reports under its successor: say so, and where to look."""
    gone = query("SELECT u.ten_don_vi, u.hieu_luc_den, s.ma_don_vi AS successor, s.ten_don_vi AS successor_name "
                 "FROM kpi.unit_periods p JOIN core.dim_don_vi u USING (ma_don_vi) "
                 "LEFT JOIN core.dim_don_vi s ON s.ma_don_vi = p.reporting_unit "
                 "WHERE p.period = ? AND p.ma_don_vi = ? AND p.reporting_unit <> p.ma_don_vi", [period, scope_code])
    if len(gone):
        row = gone.iloc[0]
        st.info(t("unit_gone").format(unit=plain(row["ten_don_vi"]), until=f"{row['hieu_luc_den']:%d/%m/%Y}",
                                      successor=plain(f"{row['successor_name']} ({row['successor']})")))
        st.stop()


def period_caption(subject: str, chosen, period: str) -> None:
    """What every page states: whom, which period and its days, provisional or not, how fresh."""
    refreshed = query("SELECT max(finished_at) AS at FROM meta.refreshes WHERE status = 'succeeded'")["at"].iloc[0]
    provisional = not chosen["complete"] or chosen["end_date"] >= dt.date.today().replace(day=1)
    st.caption(f"{plain(subject)} · {t('period')} {period} ({chosen['start_date']:%d/%m/%Y} – {chosen['end_date']:%d/%m/%Y})"
               + (f" · **{t('provisional')}**" if provisional else "")
               + f" · {t('freshness')}: {refreshed:%d/%m/%Y %H:%M}")


def table(frame, name: str, styled=None, whole=None, **options):
    """A table with its downloads, CSV and XLSX (formula-safe, dashboards/export.py). `whole`, if
    given, returns the full table when only part of it is shown; files are made on click."""
    shown = st.dataframe(frame if styled is None else styled, hide_index=True, width="stretch", placeholder="—",
                         **options)
    source = later(whole or (lambda: frame))
    buttons = st.container(horizontal=True)
    buttons.download_button("CSV", lambda: export.csv_bytes(source()), file_name=f"{name}.csv", mime="text/csv",
                            on_click="ignore", icon=":material/download:", key=f"csv.{name}")
    buttons.download_button("XLSX", lambda: export.xlsx_bytes(source(), name), file_name=f"{name}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            on_click="ignore", icon=":material/download:", key=f"xlsx.{name}")
    return shown



def first_rows(sql: str, params, limit: int):
    """The first `limit` rows of a query that may be long, saying so when there are more."""
    frame = query(f"{sql} LIMIT {limit + 1}", params)
    if len(frame) > limit:
        total = query(f"SELECT count(*) AS n FROM ({sql})", params)["n"].iloc[0]
        st.caption(t("first_rows").format(shown=fmt_int(limit), total=fmt_int(total)))
    return frame.head(limit)
