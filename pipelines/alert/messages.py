"""Messages from events, in Vietnamese: one per recipient and channel per evaluation, never one
per indicator. A unit's leaders get their unit's events; the province's leaders one digest of all;
the stewards the data-quality ones. Each event line says the indicator, value, target and the plan
that set it, the change, the worst procedures, the late dossiers without an apology letter, and
links to the dashboard page of that unit and period."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from html import escape

from pipelines.alert.contacts import Contact
from pipelines.alert.deliver import header_value
from pipelines.db import connect
from pipelines.settings import home

KIND = {"opened": "Mới", "reminder": "Nhắc lại", "recovered": "Đã khắc phục"}
RULE = {"below_target": "dưới chỉ tiêu", "drop": "giảm mạnh", "projected_miss": "dự báo cả năm không đạt",
        "data_missing": "không có hồ sơ"}
PERIOD_TYPE = {"month": "tháng", "quarter": "quý", "ytd": "lũy kế"}
INDICATOR_RULES = ("below_target", "drop", "projected_miss")
STEWARD_RULES = ("data_quality", "refresh_failed")
LOCAL = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving


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
    if d["rule"] in INDICATOR_RULES:
        now = extra.get(("now", d["scope_code"], d["indicator"], d["period_type"])) if event["kind"] == "recovered" else None
        shown = now or d
        line = (f"[{kind}] {who} · {names.get(d['indicator'], d['indicator'])} ({PERIOD_TYPE[d['period_type']]} "
                f"{shown['period']}): {num(shown['value'])}, chỉ tiêu {target(shown['comparator'], shown['target'])}"
                + (f" ({shown['target_source']})" if shown["target_source"] else ""))
        if now:
            return line + f"; trước đó {num(d['value'])} ({PERIOD_TYPE[d['period_type']]} {d['period']})"
        if d["rule"] == "projected_miss":
            line += f"; theo xu hướng từ đầu năm, cả năm dự kiến chỉ đạt {num(d['projected_value'])}"
        elif d["previous_value"] is not None:
            line += f"; {num(d['value'] - d['previous_value'], ' điểm %', '+')} so với kỳ trước"
        worst, late = extra.get((d["period"], d["scope_code"], d["indicator"])), extra.get((d["period"], d["scope_code"]))
        if worst:
            line += f". Thủ tục kéo giảm: {worst}"
        if late:
            line += f". Hồ sơ trễ hạn chưa có phiếu xin lỗi: {late}"
        return line
    if d["rule"] == "refresh_failed":
        at = dt.datetime.fromisoformat(str(d["failed_at"])).astimezone(LOCAL)
        return (f"[{kind}] Lần làm mới lúc {at:%H:%M %d/%m/%Y} thất bại; số liệu đã xuất bản được giữ nguyên. "
                f"Lỗi: {d['message']}")
    if d["rule"] == "data_missing" and d["scope"] == "unit":
        return f"[{kind}] {who}: không có hồ sơ nào trong tháng {d['period']}, dù 3 tháng trước đều có"
    if d["rule"] == "data_missing":
        return f"[{kind}] Thiếu tệp {d['indicator']}_{d['period']} trong hộp thư: số liệu tháng {d['period']} chưa đủ"
    return f"[{kind}] Tệp {d['indicator']} (kỳ {d['period'] or '—'}) bị giữ lại hoặc không khớp số dòng"


def link(base: str, detail: dict) -> str:
    """The dashboard page already on that unit and period: the unit page, the ranking of a level,
    the province's overview, or the data-quality page."""
    page = {"unit": "unit", "level": "ranking"}.get(detail["scope"], "")
    if for_steward(detail):
        page = "quality"
    unit = detail["scope_code"] if detail["scope"] == "unit" else "province"
    return f"{base.rstrip('/')}/{page}?unit={unit}" + (f"&period={detail['period']}" if detail["period"] else "")


def context(events: list[dict]) -> tuple[dict, dict]:
    """Names of units and indicators; the 3 worst procedures and the late dossiers without a
    letter for each (period, unit, indicator) the events name; for a recovery, the value now."""
    named = [(e["kind"], e["detail"]) for e in events if e["detail"]["rule"] in INDICATOR_RULES]
    wanted = {(d["period"], d["scope_code"], d["indicator"]) for kind, d in named if kind != "recovered"}
    recovered = {(d["scope_code"], d["indicator"], d["period_type"]) for kind, d in named if kind == "recovered"}
    names = {"province": "Toàn tỉnh", "tinh": "Cấp tỉnh (sở, ngành)", "huyen": "Cấp huyện", "xa": "Cấp xã"}
    if not home().serving_db.exists():  # a first refresh that failed: nothing to name yet
        return names, {}
    con = connect(home().serving_db, read_only=True)
    try:
        names = dict(con.execute("SELECT ma_don_vi, ten_don_vi FROM core.dim_don_vi UNION ALL "
                                 "SELECT indicator, name_vi FROM kpi.indicators").fetchall()) | names
        extra: dict = {}
        if wanted:
            con.execute("CREATE TEMP TABLE wanted (period VARCHAR, scope_code VARCHAR, indicator VARCHAR)")
            con.executemany("INSERT INTO wanted VALUES (?, ?, ?)", sorted(wanted))
            # The periods as constants too: the join alone summed every period's counts (5 s at 10M dossiers).
            periods = sorted({period for period, _, _ in wanted})
            for period, scope, indicator, worst in con.execute(
                    "SELECT period, scope_code, indicator, string_agg(name || ' (' || shortfall || ')', '; ' "
                    "ORDER BY points_lost DESC) FROM (SELECT d.* FROM marts.drags d JOIN wanted USING (period, "
                    f"scope_code, indicator) WHERE d.period IN ({', '.join('?' * len(periods))}) AND "
                    "d.dimension = 'procedure' QUALIFY row_number() OVER (PARTITION BY "
                    "period, scope_code, indicator ORDER BY points_lost DESC, key) <= 3) GROUP BY ALL",
                    periods).fetchall():
                extra[(period, scope, indicator)] = worst
            for period, scope, late in con.execute(  # late_apology_rate: late dossiers, those with a letter
                    "SELECT DISTINCT v.period, v.scope_code, v.denominator - v.numerator FROM kpi.values v "
                    "JOIN wanted w ON w.period = v.period AND w.scope_code = v.scope_code "
                    "WHERE v.indicator = 'late_apology_rate'").fetchall():
                extra[(period, scope)] = late
        if recovered:
            con.execute("CREATE TEMP TABLE recovered (scope_code VARCHAR, indicator VARCHAR, period_type VARCHAR)")
            con.executemany("INSERT INTO recovered VALUES (?, ?, ?)", sorted(recovered))
            cur = con.execute(
                "SELECT t.scope_code, t.indicator, r.period_type, t.period, t.value, t.target, t.comparator, "
                "t.target_source FROM marts.scorecard_tiles t JOIN recovered r USING (scope_code, indicator) "
                "WHERE t.period = (SELECT arg_max(period, end_date) FROM kpi.periods p "
                "WHERE p.period_type = r.period_type)")
            columns = [c[0] for c in cur.description]
            for row in cur.fetchall():
                extra[("now", *row[:3])] = dict(zip(columns, row))
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
        who = header_value("Toàn tỉnh" if contact.ma_don_vi == "province" else names.get(contact.ma_don_vi,
                                                                                          contact.ma_don_vi))
        counts = {k: sum(e["kind"] == k for e in mine) for k in KIND}
        subject = header_value(f"[CCHC] {'Tổng hợp cảnh báo' if digest else 'Cảnh báo'} · {who}: "
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
    """The digest's line per unit, most events first: the counts, then what the first three say."""
    by_unit: dict[str, list[dict]] = {}
    for e in events:
        if e["detail"]["scope"] == "unit":
            by_unit.setdefault(e["detail"]["scope_code"], []).append(e)
    lines = []
    for unit, mine in sorted(by_unit.items(), key=lambda item: (-len(item[1]), item[0])):
        counts = ", ".join(f"{n} {KIND[k].lower()}" for k in KIND if (n := sum(e["kind"] == k for e in mine)))
        said = "; ".join(f"{RULE[d['rule']]} {names.get(d['indicator'], '') if d['indicator'] else ''} "
                         f"({PERIOD_TYPE[d['period_type']]} {d['period']})".replace("  ", " ")
                         for d in (e["detail"] for e in mine[:3]))
        more = f"; và {len(mine) - 3} cảnh báo khác" if len(mine) > 3 else ""
        lines.append((f"{names.get(unit, unit)}: {counts}: {said}{more}", link(dashboard_url, mine[0]["detail"])))
    return lines


def routes_to(contact: Contact, detail: dict) -> bool:
    if contact.vai_tro == "quan_tri_du_lieu":
        return for_steward(detail)
    if for_steward(detail):
        return False
    return contact.ma_don_vi == "province" or (detail["scope"] == "unit" and detail["scope_code"] == contact.ma_don_vi)


def for_steward(detail: dict) -> bool:
    """Data quality, failed refreshes and missing files: the steward's to fix, not the leaders'."""
    return detail["rule"] in STEWARD_RULES or (detail["rule"] == "data_missing" and detail["scope"] != "unit")
