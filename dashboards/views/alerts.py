"""Cảnh báo: what the rules raised after each refresh, for a leader to act on. Counts by rule
and level first; the province and its levels, then each unit with its alerts (most and worst
first); filters by rule, level, indicator and state; many acknowledged or snoozed at once (as
`cchc alerts ack|snooze` does); who was not told for want of a contact; every change in the
history; and, for the province, every message sent or waiting in the outbox."""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from dashboards.data import alert_state, query
from dashboards.i18n import fmt_pct, fmt_target, lang, plain, t, without_secrets
from dashboards.tables import table
from dashboards.widgets import choose_scope, label, page
from pipelines import config
from pipelines.alert.contacts import COLUMNS, contacts_path, read_contacts
from pipelines.alert.messages import INDICATOR_RULES, for_steward
from pipelines.alert.rules import periods_of
from pipelines.alert.state import acknowledge_many
from pipelines.errors import InputError

LIMIT = 2000
UNITS_SHOWN = 10  # units with their own section (each a table: 30 cost seconds at 1M); the others by filter or unit
LEVELS = ["province", "tinh", "xa", "huyen"]  # the province and its levels, departments, communes, districts
RULES = ["below_target", "projected_miss", "drop", "data_missing", "data_quality", "refresh_failed"]
STATES = ["open", "acknowledged", "snoozed"]

page("page_alerts")
if flash := st.session_state.pop("alert_flash", None):
    st.success(flash)
st.caption(t("alerts_intro").format(days=config.load()["alerts"]["reminder_days"]))
scope_code, scope_name = choose_scope(st)
mine = "" if scope_code == "province" else "WHERE p.scope_code = ?"
params = [] if scope_code == "province" else [scope_code]

units = query("SELECT scope_code, name_vi, name_en FROM marts.scopes")
unit_names = dict(zip(units["scope_code"], units["name_en" if lang() else "name_vi"]))
unit_names |= {"tinh": t("level_tinh"), "huyen": t("level_huyen"), "xa": t("level_xa")}
caps = dict(query("SELECT ma_don_vi, cap FROM marts.units").itertuples(index=False, name=None))
indicators = query("SELECT indicator, name_vi, name_en FROM marts.indicators")
indicator_names = dict(zip(indicators["indicator"], indicators["name_en" if lang() else "name_vi"]))


def local(stamps: pd.Series) -> pd.Series:
    """Stored in UTC; shown in Vietnam's time."""
    return pd.to_datetime(stamps, utc=True, format="ISO8601").dt.tz_convert("Asia/Ho_Chi_Minh").dt.strftime(
        "%d/%m/%Y %H:%M")


def what(rule: str, indicator: str | None, detail: dict) -> str:
    if rule in INDICATOR_RULES:
        return indicator_names.get(indicator, indicator)
    if rule == "refresh_failed":
        return detail["message"].splitlines()[0]
    if rule == "data_missing":  # a unit without dossiers (no indicator), or an export file missing
        return t("what_no_dossiers") if detail["scope"] == "unit" else f"{indicator}_{detail['period']}"
    return indicator if isinstance(indicator, str) else "—"  # NULL reads as NaN, not None


def periods(detail: dict) -> str:
    """Every period the alert fires in, as reports name them: Tháng 10/2026, Quý IV/2026, …"""
    named = [label(p["period"]) for p in periods_of(detail) if p.get("period")]
    return ", ".join(named) or label(detail.get("period") or None)


def values(detail: dict) -> str:
    """The value in each of its periods, in the same order; one value when they are alike."""
    if detail["rule"] not in INDICATOR_RULES:
        return "—"
    shown = [fmt_pct(p.get("value")) for p in periods_of(detail)] or [fmt_pct(detail.get("value"))]
    return shown[0] if len(set(shown)) == 1 else " · ".join(shown)


def projected(detail: dict) -> str:
    """A projection's year-end value beside its target: dự báo cuối năm 87,10% < chỉ tiêu ≥ 90%."""
    if detail["rule"] != "projected_miss":
        return ""
    short = ">" if (detail.get("comparator") or "").startswith("<") else "<"
    return t("projected_year_end").format(value=fmt_pct(detail.get("projected_value")), short=short,
                                          target=fmt_target(detail.get("comparator"), detail.get("target")))


def described(frame: pd.DataFrame) -> pd.DataFrame:
    """Episode rows (rule, scope_code, indicator, detail) in words."""
    details = frame["detail"].map(json.loads)
    return frame.assign(
        rule_name=frame["rule"].map(lambda r: t("rule_" + r)),
        unit=frame["scope_code"].map(lambda c: unit_names.get(c, c)),
        what=[what(r, i, d) for r, i, d in zip(frame["rule"], frame["indicator"], details)],
        period=details.map(periods),
        current=details.map(values),
        projected=details.map(projected),
        target=details.map(lambda d: fmt_target(d.get("comparator"), d.get("target"))),
        level=[caps.get(c, "xa") if s == "unit" else "province" for s, c in zip(frame["scope"], frame["scope_code"])],
        leaders=details.map(lambda d: not for_steward(d)),
    )


def state_of(frame: pd.DataFrame) -> pd.DataFrame:
    today = dt.date.today().isoformat()
    keys = ["snoozed" if isinstance(s, str) and s > today else "acknowledged" if isinstance(a, str) else "open"
            for s, a in zip(frame["snoozed_until"], frame["acknowledged_at"])]
    return frame.assign(state_key=keys, state=[
        t("alert_snoozed").format(until=s) if k == "snoozed" else t("alert_acknowledged").format(by=b)
        if k == "acknowledged" else t("alert_open") for k, s, b in zip(keys, frame["snoozed_until"],
                                                                      frame["acknowledged_by"])])


def contacts_warning(frame: pd.DataFrame) -> set:
    """Nobody told (no contacts file, or an empty one), or units whose leaders are not in it: said
    here, as `cchc refresh` says it. Returns the units with a leader contact."""
    try:
        contacts = read_contacts()
    except InputError as e:
        st.error(str(e))
        return set()
    if not contacts:
        st.warning(t("alerts_nobody_told").format(path=contacts_path(), columns=", ".join(COLUMNS)))
        return set()
    leaders = {c.ma_don_vi for c in contacts if c.vai_tro == "lanh_dao" and c.channels()}
    untold = set(frame.loc[(frame["scope"] == "unit") & frame["leaders"], "scope_code"]) - leaders
    if untold:
        st.warning(t("alerts_units_untold").format(n=len(untold), path=contacts_path()))
    return leaders


COLUMNS_SHOWN = {"episode_id": "col_alert", "rule_name": "col_rule", "unit": "col_unit", "what": "col_what",
                 "period": "col_period", "current": "col_current", "target": "col_target",
                 "projected": "col_projected", "opened": "col_opened_at", "state": "col_state"}


def alerts_table(frame: pd.DataFrame, name: str) -> None:
    shown = frame[list(COLUMNS_SHOWN)]
    table(shown.rename(columns={k: t(v) for k, v in COLUMNS_SHOWN.items()}), name,
          formats={t("col_alert"): "int"})


# 1. Open now: counts, filters, the province and its levels, then each unit.
st.subheader(t("open_alerts"))
open_now = alert_state(f"SELECT * FROM episodes p {mine} {'AND' if mine else 'WHERE'} p.closed_at IS NULL "
                       "ORDER BY p.opened_at DESC, p.episode_id DESC", params)
if open_now.empty:
    st.info(t("no_open_alerts"))
else:
    open_now = state_of(described(open_now)).assign(opened=local(open_now["opened_at"]))
    leaders = contacts_warning(open_now)
    counts = pd.crosstab(open_now["rule"], open_now["level"]).reindex(
        index=[r for r in RULES if r in set(open_now["rule"])], columns=LEVELS, fill_value=0)
    counts = counts.assign(total=counts.sum(axis=1))
    level_cols = {lv: t("alert_level_" + lv) for lv in LEVELS} | {"total": t("alerts_total")}
    counts = counts.rename(columns=level_cols).rename_axis(None, axis=1).reset_index()
    counts["rule"] = counts["rule"].map(lambda r: t("rule_" + r))
    st.markdown(f"**{t('alerts_counts')}**")
    table(counts.rename(columns={"rule": t("col_rule")}), f"so_canh_bao_{scope_code}",
          formats={c: "int" for c in level_cols.values()})

    filters = st.columns(4)
    rules = filters[0].multiselect(t("col_rule"), [r for r in RULES if r in set(open_now["rule"])],
                                   format_func=lambda r: t("rule_" + r), key="alert_filter_rule", placeholder=t("all_shown"))
    levels = filters[1].multiselect(t("alert_level"), [lv for lv in LEVELS if lv in set(open_now["level"])],
                                    format_func=lambda lv: t("alert_level_" + lv), key="alert_filter_level", placeholder=t("all_shown"))
    wanted = filters[2].multiselect(t("col_indicator"), sorted(set(open_now["what"])), key="alert_filter_what", placeholder=t("all_shown"))
    states = filters[3].multiselect(t("col_state"), STATES, format_func=lambda s: t("alert_state_" + s),
                                    key="alert_filter_state", placeholder=t("all_shown"))
    keep = pd.Series(True, index=open_now.index)
    for column, chosen_values in (("rule", rules), ("level", levels), ("what", wanted), ("state_key", states)):
        if chosen_values:
            keep &= open_now[column].isin(chosen_values)
    shown = open_now[keep]
    st.caption(t("alerts_shown").format(shown=len(shown), total=len(open_now)))

    own = shown[shown["scope"] != "unit"].sort_values("scope", key=lambda s: s != "province", kind="stable")
    if len(own):
        st.markdown(f"**{t('alerts_province_own')}**")
        alerts_table(own, f"canh_bao_toan_tinh_{scope_code}")
    by_unit = shown[shown["scope"] == "unit"]
    ranked = (by_unit.assign(worst=by_unit["rule"].isin(["below_target", "projected_miss"]))
              .groupby("scope_code").agg(n=("episode_id", "size"), worst=("worst", "sum"))
              .sort_values(["n", "worst"], ascending=False).index.tolist())
    for code in ranked[:UNITS_SHOWN]:
        theirs = by_unit[by_unit["scope_code"] == code]
        with st.expander(f"{plain(unit_names.get(code, code))} · {t('alerts_count').format(n=len(theirs))}",
                         expanded=scope_code != "province"):
            if leaders is not None and code not in leaders and theirs["leaders"].any():
                st.caption(t("alerts_unit_untold"))
            alerts_table(theirs, f"canh_bao_{code}")
    if len(ranked) > UNITS_SHOWN:
        st.caption(t("alerts_more_units").format(n=len(ranked) - UNITS_SHOWN))

    # 2. Acknowledge or snooze many at once: one transaction, each with its history event.
    labels = {r.episode_id: f"{r.episode_id} · {r.rule_name} · {r.unit} · {r.what} ({r.period})"
              for r in shown.itertuples()}
    with st.form("respond"):
        st.markdown(f"**{t('respond')}**")
        every = st.checkbox(t("alerts_select_all").format(n=len(labels)))
        chosen = st.multiselect(t("alert_number"), list(labels), format_func=labels.get, placeholder=t("choose_alerts"))
        left, right = st.columns(2)
        by = left.text_input(t("by_whom"))
        until = right.date_input(t("snooze_until"), value=None, min_value=dt.date.today() + dt.timedelta(days=1),
                                 format="DD/MM/YYYY")
        note = st.text_input(t("note"))
        buttons = st.container(horizontal=True)
        ack = buttons.form_submit_button(t("acknowledge"), type="primary")
        snooze = buttons.form_submit_button(t("snooze"))
    if ack or snooze:
        picked = list(labels) if every else chosen
        if not picked:
            st.error(t("need_alerts"))
        elif not by.strip():
            st.error(t("need_by"))
        elif snooze and until is None:
            st.error(t("need_until"))
        else:
            acknowledge_many(picked, by.strip(), until=until if snooze else None, note=note.strip() or None)
            numbers = ", ".join(map(str, picked[:10])) + (" …" if len(picked) > 10 else "")
            st.session_state["alert_flash"] = (
                t("snoozed_flash").format(n=numbers, until=f"{until:%d/%m/%Y}") if snooze
                else t("acknowledged_flash").format(n=numbers))
            st.rerun()

# 3. History: every change, newest first.
st.subheader(t("alert_history"))
history = alert_state(f"SELECT e.event_id, e.at, e.kind, e.by_whom, e.note, p.* FROM events e "
                      f"JOIN episodes p USING (episode_id) {mine} ORDER BY e.event_id DESC LIMIT {LIMIT}", params)
if len(history):
    history = described(history).assign(at=local(history["at"]), event=history["kind"].map(lambda k: t("event_" + k)))
    shown = history[["at", "episode_id", "event", "rule_name", "unit", "what", "period", "current", "by_whom", "note"]]
    table(shown.rename(columns=dict(zip(shown.columns, map(t, [
        "col_at", "col_alert", "col_event", "col_rule", "col_unit", "col_what", "col_period", "col_current",
        "col_by_whom", "col_note"])))), f"lich_su_canh_bao_{scope_code}", formats={t("col_alert"): "int"})

# 4. The outbox: what was sent to whom, what still waits and why.
if scope_code == "province":
    st.subheader(t("messages_sent"))
    outbox = alert_state(f"SELECT created_at, recipient, channel, address, subject, status, attempts, last_error "
                         f"FROM outbox ORDER BY message_id DESC LIMIT {LIMIT}")
    if len(outbox):
        outbox = outbox.assign(created_at=local(outbox["created_at"]),
                               status=outbox["status"].map(lambda s: t("outbox_" + s)),
                               address=outbox["address"].map(without_secrets),
                               last_error=outbox["last_error"].map(without_secrets))
        table(outbox.rename(columns=dict(zip(outbox.columns, map(t, [
            "col_at", "col_recipient", "col_channel", "col_address", "col_subject", "col_status", "col_attempts",
            "col_last_error"])))), "tin_nhan_canh_bao", formats={t("col_attempts"): "int"})
    else:
        st.info(t("no_messages"))
