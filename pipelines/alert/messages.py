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

from pipelines import formats
from pipelines.alert.contacts import COLUMNS, Contact
from pipelines.alert.deliver import header_value
from pipelines.alert.rules import periods_of
from pipelines.db import read_published
from pipelines.labels import period_label
from pipelines.settings import home

KIND = {"opened": "Mới", "reminder": "Nhắc lại", "recovered": "Đã khắc phục"}
LABEL = {**KIND, "open": "Đang mở"}
RULE = {"below_target": "dưới chỉ tiêu", "drop": "giảm mạnh", "projected_miss": "dự báo cả năm không đạt",
        "data_missing": "không có hồ sơ"}
INDICATOR_RULES = ("below_target", "drop", "projected_miss")
STEWARD_RULES = ("data_quality", "refresh_failed")
LOCAL = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving


def target(comparator: str | None, threshold: float | None) -> str:
    return "chưa có" if comparator is None else formats.target(comparator, threshold)


def describe(event: dict, names: dict, extra: dict) -> str:
    """One line of plain text for an event (or, kind "open", for an alert as it stands)."""
    d = event["detail"]
    kind = LABEL[event["kind"]]
    who = names.get(d["scope_code"], d["scope_code"])
    if d["rule"] in INDICATOR_RULES:
        return f"[{kind}] {who} · {names.get(d['indicator'], d['indicator'])}" + said(event["kind"], d, extra)
    if d["rule"] == "refresh_failed":
        at = dt.datetime.fromisoformat(str(d["failed_at"])).astimezone(LOCAL)
        return (f"[{kind}] Lần làm mới lúc {at:%H:%M %d/%m/%Y} thất bại; số liệu đã xuất bản được giữ nguyên. "
                f"Lỗi: {d['message']}")
    if d["rule"] == "data_missing" and d["scope"] == "unit":
        return f"[{kind}] {who}: không có hồ sơ nào trong {label(d['period']).lower()}, dù 3 tháng trước đều có"
    if d["rule"] == "data_missing":
        return f"[{kind}] Thiếu tệp {d['indicator']}_{d['period']} trong hộp thư: số liệu {label(d['period']).lower()} chưa đủ"
    return f"[{kind}] Tệp {d['indicator']} (kỳ {d['period'] or '—'}) bị giữ lại hoặc không khớp số dòng"


def said(kind: str, d: dict, extra: dict) -> str:
    """What an indicator alert says after its unit and indicator: every period it fires in with
    its value (a projection: the projected year-end value beside it), the target, the change; for
    a recovery, the values now and before; then the worst procedures and late dossiers without a
    letter in its first period."""
    periods = periods_of(d)
    if kind == "recovered":
        now = [extra[k] for p in periods if (k := ("now", d["scope_code"], d["indicator"], p["period_type"])) in extra]
        if not now:
            return ": " + RULE[d["rule"]] + f" đã hết; trước đó {values(periods)}"
        return f": {values(now)}{target_of(now)}; trước đó {values(periods)}"
    line = f" — {RULE[d['rule']]}: {values(periods)}"
    if d["rule"] == "projected_miss":
        short = ">" if (d["comparator"] or "").startswith("<") else "<"
        line += f", dự báo cuối năm {formats.pct(d['projected_value'])} {short} chỉ tiêu {target(d['comparator'], d['target'])}" \
            + (f" ({d['target_source']})" if d["target_source"] else "")
    else:
        line += target_of(periods)
        if d["previous_value"] is not None and d["value"] is not None:
            line += f"; {label(d['period'])} {formats.signed(d['value'] - d['previous_value'])} điểm % so với kỳ trước"
    worst, late = extra.get((d["period"], d["scope_code"], d["indicator"])), extra.get((d["period"], d["scope_code"]))
    if worst:
        line += f". Thủ tục kéo giảm ({label(d['period'])}): {worst}"
    if late:
        line += f". Hồ sơ trễ hạn chưa có phiếu xin lỗi: {late}"
    return line


def label(period) -> str:
    return period_label(period) if period else "—"


def values(periods: list[dict]) -> str:
    """Tháng 10/2026 87,50%, Quý IV/2026 88,10%; or, all alike, Tháng 10/2026, Quý IV/2026: 87,50%."""
    if len(periods) > 1 and len({formats.pct(p["value"]) for p in periods}) == 1:
        return ", ".join(label(p["period"]) for p in periods) + f": {formats.pct(periods[0]['value'])}"
    return ", ".join(f"{label(p['period'])} {formats.pct(p['value'])}" for p in periods)


def target_of(periods: list[dict]) -> str:
    """The target once when every period has the same, else each period's."""
    targets = {(p["comparator"], p["target"], p["target_source"]) for p in periods}
    if len(targets) == 1:
        comparator, threshold, source = targets.pop()
        return f"; chỉ tiêu {target(comparator, threshold)}" + (f" ({source})" if source else "")
    return "; chỉ tiêu " + ", ".join(f"{label(p['period'])} {target(p['comparator'], p['target'])}" for p in periods)


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
    recovered = {(d["scope_code"], d["indicator"], p["period_type"]) for kind, d in named if kind == "recovered"
                 for p in periods_of(d)}
    names = {"province": "Toàn tỉnh", "tinh": "Cấp tỉnh (sở, ngành)", "huyen": "Cấp huyện", "xa": "Cấp xã"}
    if not home().serving_db.exists():  # a first refresh that failed: nothing to name yet
        return names, {}
    with read_published() as con:
        names = dict(con.execute("SELECT ma_don_vi, ten_don_vi FROM marts.units UNION ALL "
                                 "SELECT indicator, name_vi FROM marts.indicators").fetchall()) | names
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
                    "SELECT DISTINCT v.period, v.scope_code, v.denominator - v.numerator FROM marts.scorecard v "
                    "JOIN wanted w ON w.period = v.period AND w.scope_code = v.scope_code "
                    "WHERE v.indicator = 'late_apology_rate'").fetchall():
                extra[(period, scope)] = late
        if recovered:
            con.execute("CREATE TEMP TABLE recovered (scope_code VARCHAR, indicator VARCHAR, period_type VARCHAR)")
            con.executemany("INSERT INTO recovered VALUES (?, ?, ?)", sorted(recovered))
            cur = con.execute(
                "SELECT t.scope_code, t.indicator, r.period_type, t.period, t.value, t.target, t.comparator, "
                "t.target_source FROM marts.scorecard_tiles t JOIN recovered r USING (scope_code, indicator) "
                "WHERE t.period = (SELECT arg_max(period, end_date) FROM marts.periods p "
                "WHERE p.period_type = r.period_type)")
            columns = [c[0] for c in cur.description]
            for row in cur.fetchall():
                extra[("now", *row[:3])] = dict(zip(columns, row))
        return names, extra


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
        ids = ",".join(str(e["event_id"]) for e in mine)
        rows += messages_for(contact, subject, lines, {"events": [
            {"kind": e["kind"], "at": e["at"], **e["detail"], "link": link(dashboard_url, e["detail"])}
            for e in mine]}, ids)
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
        said = "; ".join(briefly(e["detail"], names) for e in mine[:3])
        more = f"; và {len(mine) - 3} cảnh báo khác" if len(mine) > 3 else ""
        lines.append((f"{names.get(unit, unit)}: {counts}: {said}{more}", link(dashboard_url, mine[0]["detail"])))
    return lines


def briefly(d: dict, names: dict) -> str:
    """dưới chỉ tiêu Tỷ lệ … (Tháng 10/2026, Quý IV/2026)"""
    periods = ", ".join(label(p["period"]) for p in periods_of(d)) or label(d.get("period"))
    return f"{RULE.get(d['rule'], d['rule'])} {names.get(d['indicator'], '') if d['indicator'] else ''} " \
           f"({periods})".replace("  ", " ")


def routes_to(contact: Contact, detail: dict) -> bool:
    if contact.vai_tro == "quan_tri_du_lieu":
        return for_steward(detail)
    if for_steward(detail):
        return False
    return contact.ma_don_vi == "province" or (detail["scope"] == "unit" and detail["scope_code"] == contact.ma_don_vi)


def for_steward(detail: dict) -> bool:
    """Data quality, failed refreshes and missing files: the steward's to fix, not the leaders'."""
    return detail["rule"] in STEWARD_RULES or (detail["rule"] == "data_missing" and detail["scope"] != "unit")


LEVELS = {"province": "toàn tỉnh và các cấp", "tinh": "sở, ngành", "xa": "xã, phường",
          "huyen": "huyện (trước sắp xếp)"}
TOP_UNITS = 10


def level_of(d: dict, caps: dict) -> str:
    """province (the province and the levels), tinh, xa or huyen: where the alert's unit sits."""
    return caps.get(d["scope_code"], "xa") if d["scope"] == "unit" else "province"


def unit_levels() -> dict:
    """Each unit's level (marts.units.cap)."""
    if not home().serving_db.exists():
        return {}
    with read_published() as con:
        return dict(con.execute("SELECT ma_don_vi, cap FROM marts.units").fetchall())


def summarise(details: list[dict], contacts: list[Contact], dashboard_url: str, event_ids: list[int],
              now: str) -> list[dict]:
    """The baseline (the first evaluation, or the first after a long gap): one summary per
    recipient and channel of the alerts open now, instead of one line per episode (a first
    evaluation opens over a thousand): counts by rule and level, the province's own alerts, the
    units with most alerts, the link to the alerts page. Later evaluations tell each new one."""
    if not details:
        return []
    caps = unit_levels()
    rows = []
    for contact in contacts:
        mine = [d for d in details if routes_to(contact, d)]
        if not mine:
            continue
        digest = contact.ma_don_vi == "province" and contact.vai_tro == "lanh_dao"
        own = sorted([d for d in mine if d["scope"] != "unit"] if digest else mine,
                     key=lambda d: (d["scope"] != "province", d["scope"] != "level"))  # the province's own first
        names, extra = context([{"kind": "open", "detail": d} for d in own[:30]])
        who = header_value("Toàn tỉnh" if contact.ma_don_vi == "province" else names.get(contact.ma_don_vi,
                                                                                          contact.ma_don_vi))
        subject = header_value(f"[CCHC] Tổng hợp cảnh báo đang mở · {who}: {len(mine)} cảnh báo")
        lines = [(f"Các quy tắc cảnh báo vừa được ghi nhận lần đầu (hoặc sau một thời gian dài không đánh giá): "
                  f"{len(mine)} cảnh báo đang mở. Thay vì báo từng cảnh báo, đây là bản tổng hợp; từ nay mỗi "
                  f"cảnh báo mới sẽ được báo riêng.", alerts_page(dashboard_url, contact))]
        for rule in dict.fromkeys(d["rule"] for d in mine):
            of_rule = [d for d in mine if d["rule"] == rule]
            by_level = ", ".join(f"{LEVELS[lv]} {n}" for lv in LEVELS
                                 if (n := sum(level_of(d, caps) == lv for d in of_rule)))
            lines.append((f"{RULE.get(rule, RULE_STEWARD.get(rule, rule))}: {len(of_rule)} ({by_level})", ""))
        lines += [(describe({"kind": "open", "detail": d}, names, extra), link(dashboard_url, d)) for d in own[:30]]
        if len(own) > 30:
            lines.append((f"và {len(own) - 30} cảnh báo khác", alerts_page(dashboard_url, contact)))
        if digest:
            units: dict[str, list[dict]] = {}
            for d in mine:
                if d["scope"] == "unit":
                    units.setdefault(d["scope_code"], []).append(d)
            for unit, theirs in sorted(units.items(), key=lambda i: (-len(i[1]), i[0]))[:TOP_UNITS]:
                lines.append((f"{names.get(unit, unit)}: {len(theirs)} cảnh báo: "
                              + "; ".join(briefly(d, names) for d in theirs[:3]),
                              f"{dashboard_url.rstrip('/')}/alerts?unit={unit}"))
        rows += messages_for(contact, subject, lines, {"baseline": True, "open": len(mine),
                                                       "alerts": [{**d, "link": link(dashboard_url, d)} for d in own]},
                             f"baseline|{now}|" + ",".join(map(str, event_ids)))
    return rows


RULE_STEWARD = {"data_quality": "tệp bị giữ lại hoặc không khớp", "refresh_failed": "làm mới thất bại"}


def alerts_page(base: str, contact: Contact) -> str:
    return f"{base.rstrip('/')}/alerts?unit={contact.ma_don_vi}"


def messages_for(contact: Contact, subject: str, lines: list[tuple[str, str]], payload: dict, ids: str) -> list[dict]:
    """One outbox row per channel of the contact: plain text, HTML, and the webhook's JSON."""
    text = "\n".join([f"Kính gửi {contact.ho_ten},", ""] + [f"- {line}" + (f"\n  Xem: {url}" if url else "")
                                                            for line, url in lines]
                     + ["", "Tin nhắn tự động của kho chỉ số CCHC tỉnh Lạng Sơn."])
    html = ("<p>Kính gửi " + escape(contact.ho_ten) + ",</p><ul>"
            + "".join(f"<li>{escape(line)}" + (f" · <a href=\"{escape(url)}\">Xem</a>" if url else "") + "</li>"
                      for line, url in lines)
            + "</ul><p><small>Tin nhắn tự động của kho chỉ số CCHC tỉnh Lạng Sơn.</small></p>")
    body = {"subject": subject, "text": text, "recipient": contact.ho_ten, "unit": contact.ma_don_vi, **payload}
    return [{"dedupe_key": hashlib.sha256(f"{channel}|{address}|{ids}".encode()).hexdigest(), "channel": channel,
             "address": address, "recipient": contact.ho_ten, "subject": subject, "body_text": text,
             "body_html": html, "payload": json.dumps(body, ensure_ascii=False, default=str)}
            for channel, address in contact.channels()]


def untold(details: list[dict], contacts: list[Contact]) -> dict:
    """Who should have heard of these alerts and has nobody in the contacts file: nobody at all
    (no file, or an empty one), the units without a leader, the province without one, no steward."""
    if not details:
        return {}
    if not contacts:
        return {"nobody_told": True}
    leaders = {c.ma_don_vi for c in contacts if c.vai_tro == "lanh_dao" and c.channels()}
    found = {}
    if n := len({d["scope_code"] for d in details if d["scope"] == "unit" and not for_steward(d)} - leaders):
        found["units_without_leader"] = n
    if "province" not in leaders and any(not for_steward(d) for d in details):
        found["no_province_leader"] = True
    if not any(c.vai_tro == "quan_tri_du_lieu" and c.channels() for c in contacts) and any(map(for_steward, details)):
        found["no_steward"] = True
    return found


def untold_lines(outcome: dict, path) -> list[str]:
    """What `cchc refresh` and `cchc alerts evaluate` print about it, Vietnamese then English."""
    lines = []
    if outcome.get("nobody_told"):
        lines.append(f"Không ai được báo: chưa có tệp danh bạ (hoặc tệp trống) {path}; cột: {', '.join(COLUMNS)}. / "
                     f"Nobody was told: no contacts file (or an empty one) at {path}; columns: {', '.join(COLUMNS)}.")
    if n := outcome.get("units_without_leader"):
        lines.append(f"{n} đơn vị có cảnh báo nhưng chưa có lãnh đạo (lanh_dao) trong danh bạ: không được báo "
                     f"trực tiếp. / {n} units with alerts have no leader (lanh_dao) in the contacts file: not told "
                     "directly.")
    if outcome.get("no_province_leader"):
        lines.append("Chưa có lãnh đạo tỉnh (ma_don_vi = province) trong danh bạ: không ai nhận bản tổng hợp. / "
                     "No provincial leader (ma_don_vi = province) in the contacts file: nobody gets the digest.")
    if outcome.get("no_steward"):
        lines.append("Chưa có quản trị dữ liệu (quan_tri_du_lieu) trong danh bạ: lỗi dữ liệu không được báo. / "
                     "No data steward (quan_tri_du_lieu) in the contacts file: data problems are not told.")
    return lines
