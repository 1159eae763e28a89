"""Messages from events, in Vietnamese: one per recipient and channel per evaluation, never one
per indicator. A unit's leaders get their unit's events; the province's leaders one digest of all;
the stewards the data-quality ones. Each event line says the indicator, value, target and the plan
that set it, the change, the worst procedures, the late dossiers without an apology letter, and
links to the dashboard page of that unit and period."""

from __future__ import annotations

import hashlib
import json
from html import escape

from pipelines.alert.contacts import Contact
from pipelines.db import connect
from pipelines.settings import home

KIND = {"opened": "Mới", "reminder": "Nhắc lại", "recovered": "Đã khắc phục"}
PERIOD_TYPE = {"month": "tháng", "quarter": "quý", "ytd": "lũy kế"}
STEWARD_RULES = ("data_quality",)


def num(v, unit: str = "%", sign: str = "") -> str:
    return "—" if v is None else f"{v:{sign}.2f}".replace(".", ",") + unit


def target(comparator: str | None, threshold: float | None) -> str:
    if comparator is None:
        return "chưa có"
    return f"{comparator.replace('>=', '≥').replace('<=', '≤')} {threshold:g}%".replace(".", ",")


def describe(event: dict, names: dict, extra: dict) -> str:
    """One line of plain text for an event."""
    d = event["detail"]
    kind = KIND[event["kind"]]
    who = names.get(d["scope_code"], d["scope_code"])
    if d["rule"] in ("below_target", "drop"):
        line = (f"[{kind}] {who} · {names.get(d['indicator'], d['indicator'])} ({PERIOD_TYPE[d['period_type']]} "
                f"{d['period']}): {num(d['value'])}, chỉ tiêu {target(d['comparator'], d['target'])}"
                + (f" ({d['target_source']})" if d["target_source"] else ""))
        if d["previous_value"] is not None:
            line += f"; {num(d['value'] - d['previous_value'], ' điểm %', '+')} so với kỳ trước"
        worst, late = extra.get((d["period"], d["scope_code"], d["indicator"])), extra.get((d["period"], d["scope_code"]))
        if worst:
            line += f". Thủ tục kéo giảm: {worst}"
        if late:
            line += f". Hồ sơ trễ hạn chưa có phiếu xin lỗi: {late}"
        return line
    if d["rule"] == "data_missing" and d["scope"] == "unit":
        return f"[{kind}] {who}: không có hồ sơ nào trong tháng {d['period']}, dù 3 tháng trước đều có"
    if d["rule"] == "data_missing":
        return f"[{kind}] Thiếu tệp {d['indicator']}_{d['period']} trong hộp thư: số liệu tháng {d['period']} chưa đủ"
    return f"[{kind}] Tệp {d['indicator']} (kỳ {d['period'] or '—'}) bị giữ lại hoặc không khớp số dòng"


def link(base: str, detail: dict) -> str:
    """The dashboard page already on that unit and period: the unit page, the ranking of a level,
    the province's overview, or the data-quality page."""
    page = {"unit": "unit", "level": "ranking"}.get(detail["scope"], "")
    if detail["rule"] in STEWARD_RULES or (detail["rule"] == "data_missing" and detail["scope"] != "unit"):
        page = "quality"
    unit = detail["scope_code"] if detail["scope"] == "unit" else "province"
    return f"{base.rstrip('/')}/{page}?unit={unit}&period={detail['period']}"


def context(events: list[dict]) -> tuple[dict, dict]:
    """Names of units and indicators; the 3 worst procedures and the late dossiers without a
    letter for each (period, unit, indicator) the events name."""
    wanted = {(e["detail"]["period"], e["detail"]["scope_code"], e["detail"]["indicator"]) for e in events
              if e["detail"]["rule"] in ("below_target", "drop")}
    con = connect(home().serving_db, read_only=True)
    try:
        names = dict(con.execute("SELECT ma_don_vi, ten_don_vi FROM core.dim_don_vi UNION ALL "
                                 "SELECT indicator, name_vi FROM kpi.indicators").fetchall())
        names |= {"province": "Toàn tỉnh", "tinh": "Cấp tỉnh (sở, ngành)", "huyen": "Cấp huyện", "xa": "Cấp xã"}
        extra = {}
        if wanted:
            con.execute("CREATE TEMP TABLE wanted (period VARCHAR, scope_code VARCHAR, indicator VARCHAR)")
            con.executemany("INSERT INTO wanted VALUES (?, ?, ?)", sorted(wanted))
            for period, scope, indicator, worst in con.execute(
                    "SELECT period, scope_code, indicator, string_agg(name || ' (' || shortfall || ')', '; ' "
                    "ORDER BY points_lost DESC) FROM (SELECT d.* FROM marts.drags d JOIN wanted USING (period, "
                    "scope_code, indicator) WHERE d.dimension = 'procedure' QUALIFY row_number() OVER (PARTITION BY "
                    "period, scope_code, indicator ORDER BY points_lost DESC, key) <= 3) GROUP BY ALL").fetchall():
                extra[(period, scope, indicator)] = worst
            for period, scope, late in con.execute(  # late_apology_rate: late dossiers, those with a letter
                    "SELECT DISTINCT v.period, v.scope_code, v.denominator - v.numerator FROM kpi.values v "
                    "JOIN wanted w ON w.period = v.period AND w.scope_code = v.scope_code "
                    "WHERE v.indicator = 'late_apology_rate'").fetchall():
                extra[(period, scope)] = late
        return names, extra
    finally:
        con.close()


def compose(events: list[dict], contacts: list[Contact], dashboard_url: str) -> list[dict]:
    """Outbox rows: (recipient, channel) → one message of the events routed to them."""
    if not events:
        return []
    names, extra = context(events)
    routed: dict[Contact, list[dict]] = {}
    for contact in contacts:
        mine = [e for e in events if routes_to(contact, e["detail"])]
        if mine:
            routed[contact] = mine
    rows = []
    for contact, mine in routed.items():
        digest = contact.ma_don_vi == "province" and contact.vai_tro == "lanh_dao"
        who = "Toàn tỉnh" if contact.ma_don_vi == "province" else names.get(contact.ma_don_vi, contact.ma_don_vi)
        counts = {k: sum(e["kind"] == k for e in mine) for k in KIND}
        subject = (f"[CCHC] {'Tổng hợp cảnh báo' if digest else 'Cảnh báo'} · {who}: "
                   + ", ".join(f"{n} {KIND[k].lower()}" for k, n in counts.items() if n))
        shown = [e for e in mine if not digest or e["detail"]["scope"] != "unit"]
        lines = [(describe(e, names, extra), link(dashboard_url, e["detail"])) for e in shown]
        if digest:  # the province's leaders: every unit in one line, most events first
            lines += summarise_units(mine, names, dashboard_url)
        text = "\n".join([f"Kính gửi {contact.ho_ten},", ""] + [f"- {line}\n  Xem: {url}" for line, url in lines]
                         + ["", "Tin nhắn tự động của kho chỉ số CCHC tỉnh Lạng Sơn."])
        html = ("<p>Kính gửi " + escape(contact.ho_ten) + ",</p><ul>"
                + "".join(f"<li>{escape(line)} · <a href=\"{escape(url)}\">Xem</a></li>" for line, url in lines)
                + "</ul><p><small>Tin nhắn tự động của kho chỉ số CCHC tỉnh Lạng Sơn.</small></p>")
        payload = {"subject": subject, "text": text, "recipient": contact.ho_ten, "unit": contact.ma_don_vi,
                   "events": [{"kind": e["kind"], "at": e["at"], **e["detail"], "link": link(dashboard_url, e["detail"])}
                              for e in mine]}
        ids = ",".join(str(e["event_id"]) for e in mine)
        for channel, address in contact.channels():
            rows.append({"dedupe_key": hashlib.sha256(f"{channel}|{address}|{ids}".encode()).hexdigest(),
                         "channel": channel, "address": address, "recipient": contact.ho_ten, "subject": subject,
                         "body_text": text, "body_html": html,
                         "payload": json.dumps(payload, ensure_ascii=False, default=str)})
    return rows


def summarise_units(events: list[dict], names: dict, dashboard_url: str) -> list[tuple[str, str]]:
    by_unit: dict[str, dict[str, int]] = {}
    for e in events:
        if e["detail"]["scope"] == "unit":
            counts = by_unit.setdefault(e["detail"]["scope_code"], dict.fromkeys(KIND, 0))
            counts[e["kind"]] += 1
    ranked = sorted(by_unit.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    period = next((e["detail"]["period"] for e in events if e["detail"]["period_type"] == "month"), "")
    return [(f"{names.get(unit, unit)}: " + ", ".join(f"{n} {KIND[k].lower()}" for k, n in counts.items() if n),
             f"{dashboard_url.rstrip('/')}/unit?unit={unit}&period={period}") for unit, counts in ranked]


def routes_to(contact: Contact, detail: dict) -> bool:
    for_steward = detail["rule"] in STEWARD_RULES or (detail["rule"] == "data_missing" and detail["scope"] != "unit")
    if contact.vai_tro == "quan_tri_du_lieu":
        return for_steward
    if for_steward:
        return False
    return contact.ma_don_vi == "province" or (detail["scope"] == "unit" and detail["scope_code"] == contact.ma_don_vi)
