"""Cảnh báo: what the rules raised after each refresh. The alerts open now, for the province or
one unit, acknowledged or snoozed here (as `cchc alerts ack|snooze` does); every change in
their history; and, for the province, every message sent or waiting in the outbox."""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from dashboards.data import alert_state, query
from dashboards.i18n import fmt_pct, fmt_target, lang, t, without_secrets
from dashboards.widgets import choose_scope, page, table
from pipelines import config
from pipelines.alert.messages import INDICATOR_RULES
from pipelines.alert.state import acknowledge

LIMIT = 2000

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
indicators = query("SELECT indicator, name_vi, name_en FROM kpi.indicators")
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
    if rule == "data_missing" and detail["scope"] != "unit":
        return f"{indicator}_{detail['period']}"
    return indicator or "—"


def described(frame: pd.DataFrame) -> pd.DataFrame:
    """Episode rows (rule, scope_code, indicator, detail) in words."""
    details = frame["detail"].map(json.loads)
    return frame.assign(
        rule_name=frame["rule"].map(lambda r: t("rule_" + r)),
        unit=frame["scope_code"].map(lambda c: unit_names.get(c, c)),
        what=[what(r, i, d) for r, i, d in zip(frame["rule"], frame["indicator"], details)],
        period=details.map(lambda d: d.get("period") or "—"),
        current=details.map(lambda d: fmt_pct(d.get("value")) if d["rule"] in INDICATOR_RULES else "—"),
        target=details.map(lambda d: fmt_target(d.get("comparator"), d.get("target"))),
    )


# 1. Open now.
st.subheader(t("open_alerts"))
open_now = alert_state(f"SELECT * FROM episodes p {mine} {'AND' if mine else 'WHERE'} p.closed_at IS NULL "
                       "ORDER BY p.opened_at DESC, p.episode_id DESC", params)
if open_now.empty:
    st.info(t("no_open_alerts"))
else:
    today = dt.date.today().isoformat()
    open_now = described(open_now).assign(
        opened=local(open_now["opened_at"]),
        state=[t("alert_snoozed").format(until=s) if isinstance(s, str) and s > today
               else t("alert_acknowledged").format(by=b) if isinstance(a, str) else t("alert_open")
               for s, a, b in zip(open_now["snoozed_until"], open_now["acknowledged_at"], open_now["acknowledged_by"])])
    shown = open_now[["episode_id", "rule_name", "unit", "what", "period", "current", "target", "opened", "state"]]
    table(shown.rename(columns=dict(zip(shown.columns, map(t, [
        "col_alert", "col_rule", "col_unit", "col_what", "col_period", "col_current", "col_target", "col_opened_at",
        "col_state"])))), f"canh_bao_dang_mo_{scope_code}")

    # 2. Acknowledge or snooze one.
    labels = {r.episode_id: f"{r.episode_id} · {r.rule_name} · {r.unit} · {r.what} ({r.period})"
              for r in open_now.itertuples()}
    with st.form("respond"):
        st.markdown(f"**{t('respond')}**")
        episode = st.selectbox(t("alert_number"), list(labels), format_func=labels.get)
        left, right = st.columns(2)
        by = left.text_input(t("by_whom"))
        until = right.date_input(t("snooze_until"), value=None, min_value=dt.date.today() + dt.timedelta(days=1),
                                 format="DD/MM/YYYY")
        note = st.text_input(t("note"))
        buttons = st.container(horizontal=True)
        ack = buttons.form_submit_button(t("acknowledge"), type="primary")
        snooze = buttons.form_submit_button(t("snooze"))
    if ack or snooze:
        if not by.strip():
            st.error(t("need_by"))
        elif snooze and until is None:
            st.error(t("need_until"))
        else:
            acknowledge(int(episode), by.strip(), until=until if snooze else None, note=note.strip() or None)
            st.session_state["alert_flash"] = (t("snoozed_flash").format(n=episode, until=f"{until:%d/%m/%Y}")
                                               if snooze else t("acknowledged_flash").format(n=episode))
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
        "col_by_whom", "col_note"])))), f"lich_su_canh_bao_{scope_code}")

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
            "col_last_error"])))), "tin_nhan_canh_bao")
    else:
        st.info(t("no_messages"))
