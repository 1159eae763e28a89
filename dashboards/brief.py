"""The one-page leader brief for a unit (or the province) and a period: the targets missed first, with
who drags them down (the units of the province or level, a unit's procedures), then the scorecard in
the overview's order (missed, met, the rest) and the plans cited as the overview cites them: a
self-contained HTML page sized for A4 that a leader prints or saves as PDF."""

from __future__ import annotations

import datetime as dt
from html import escape

import pandas as pd

from dashboards.data import last_refreshed, query
from dashboards.i18n import fmt_int, fmt_pct, fmt_pp, fmt_source, fmt_target, lang, status_text, t
from dashboards.widgets import label

SLIPS = 5  # indicators furthest below their target
DRAGS = 3  # procedures per slip

STYLE = """
@page { size: A4; margin: 12mm; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 8.5pt; color: #1a1a1a; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 2pt; } h2 { font-size: 10.5pt; margin: 8pt 0 3pt; }
.meta { color: #555; margin-bottom: 6pt; } .head span { margin-right: 16pt; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #ccc; padding: 1pt 3pt; text-align: left; }
th { background: #f2f2f2; } td.n, td.s { text-align: right; white-space: nowrap; } td.s { text-align: left; }
tr.met td.s { background: #e6f4ea; } tr.not_met td.s { background: #fce8e6; }
li { margin-bottom: 2pt; } footer { margin-top: 8pt; color: #777; font-size: 8pt; }
@media print { .noprint { display: none; } }
"""


def _order(tiles: pd.DataFrame) -> pd.DataFrame:
    """The overview's order: missed first, then met, then the rest (no target, no activity, no data)."""
    rank = tiles["status"].map({"not_met": 0, "met": 1}).fillna(2)
    return tiles.assign(_rank=rank).sort_values(["_rank", "ord"], kind="stable")


def _change(r) -> str:
    """A neutral arrow and the sign: ▲ +1,20 điểm %; '—' when there is no like-for-like comparison."""
    if r.previous_value != r.previous_value or r.previous_value is None or r.value != r.value:
        return "—"
    change = r.value - r.previous_value
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{arrow} {fmt_pp(change).replace('-', '−')}"


def _drags(scope_code: str, period: str, indicator: str) -> str:
    """Who drags a missed target down: the units (the province, a level: marts.unit_drags, points it
    costs) or, for a unit, its procedures (marts.drags, cases short)."""
    if scope_code in ("province", "tinh", "huyen", "xa"):
        units = query("SELECT name, unit, numerator, denominator, value, points FROM marts.unit_drags "
                      "WHERE period = ? AND scope_code = ? AND indicator = ? AND rank <= ? ORDER BY rank",
                      [period, scope_code, indicator, DRAGS])
        return "; ".join(f"{escape(d.name)} ({escape(d.unit)}): {fmt_pct(d.value)}, {fmt_int(d.numerator)}/"
                         f"{fmt_int(d.denominator)}, −{fmt_pp(d.points).removeprefix('+')}" for d in units.itertuples())
    procedures = query("SELECT name, shortfall FROM marts.drags WHERE period = ? AND scope_code = ? AND indicator = ? "
                       "AND dimension = 'procedure' ORDER BY points_lost DESC, key LIMIT ?",
                       [period, scope_code, indicator, DRAGS])
    return "; ".join(f"{escape(d.name)} ({fmt_int(d.shortfall)})" for d in procedures.itertuples())


def brief_html(scope_code: str, scope_name: str, chosen: pd.Series, period: str) -> str:
    name = "name_en" if lang() else "name_vi"
    tiles = _order(query("SELECT * FROM marts.scorecard_tiles WHERE period = ? AND scope_code = ? "
                         "AND source = 'export' ORDER BY ord", [period, scope_code]))
    score = query("SELECT score, rank, ranked FROM marts.composite_rank WHERE period = ? AND scope_code = ?",
                  [period, scope_code])
    refreshed = last_refreshed()
    judged = tiles[tiles["status"].isin(["met", "not_met"])]
    head = [t("summary").format(met=int((judged["status"] == "met").sum()), judged=len(judged))]
    if len(score) and pd.notna(score["score"].iloc[0]):
        head.append(f"{t('composite')}: {fmt_pct(score['score'].iloc[0]).removesuffix('%')}")
        if pd.notna(score["rank"].iloc[0]):
            head.append(f"{t('rank')}: {int(score['rank'].iloc[0])}/{int(score['ranked'].iloc[0])}")
    compared = tiles.dropna(subset=["previous_period"])
    against = label(compared["previous_period"].iloc[0]) if len(compared) else "—"

    rows = "".join(
        f"<tr class='{r.status}'><td>{escape(getattr(r, name))}</td><td class='n'>{fmt_pct(r.value)}</td>"
        f"<td class='n'>{fmt_target(r.comparator, r.target)}</td><td class='s'>{status_text(r.status)}</td>"
        f"<td class='n'>{_change(r)}</td><td class='n'>{fmt_pct(r.last_year_value)}</td>"
        f"<td class='n'>{fmt_int(r.numerator)}/{fmt_int(r.denominator)}</td></tr>"
        for r in tiles.itertuples())

    missed = tiles[tiles["status"] == "not_met"].assign(gap=lambda f: f["target"] - f["value"])
    slips = []
    for r in missed.sort_values("gap", ascending=False).head(SLIPS).itertuples():
        why = _drags(scope_code, period, r.indicator)
        slips.append(f"<li><b>{escape(getattr(r, name))}</b>: {fmt_pct(r.value)}, {t('target').lower()} "
                     f"{fmt_target(r.comparator, r.target)} ({escape(fmt_source(r.target_source))})"
                     + (f"<br>{t('brief_drags_units' if scope_code in ('province', 'tinh', 'huyen', 'xa') else 'brief_drags')}"
                        f": {why}" if why else "")
                     + "</li>")
    apology = tiles.set_index("indicator").loc["late_apology_rate"]  # its denominator is the late dossiers

    provisional = not chosen["complete"] or chosen["end_date"] >= dt.date.today().replace(day=1)
    marked = f" · <b>{t('provisional')}</b>" if provisional else ""
    title = f"{t('brief_title')} · {escape(scope_name)} · {escape(label(period))}"
    return f"""<!doctype html>
<html lang="{'en' if lang() else 'vi'}"><head><meta charset="utf-8"><title>{title}</title><style>{STYLE}</style></head>
<body>
<h1>{title}</h1>
<div class="meta">{chosen['start_date']:%d/%m/%Y} – {chosen['end_date']:%d/%m/%Y}{marked}
 · {t('freshness')}: {refreshed:%d/%m/%Y %H:%M}</div>
<div class="head">{''.join(f'<span>{escape(h)}</span>' for h in head)}</div>
<h2>{t('brief_slips')}</h2>
<ul>{''.join(slips) or '<li>' + t('brief_no_slips') + '</li>'}
<li>{t('brief_late').format(late=fmt_int(apology['denominator']),
                         without=fmt_int(apology['denominator'] - apology['numerator']))}</li></ul>
<h2>{t('brief_scorecard')}</h2>
<table><thead><tr><th>{t('indicator')}</th><th>{t('value')}</th><th>{t('target')}</th><th>{t('status')}</th>
<th>{escape(t('ov_change').format(period=against))}</th><th>{t('last_year')}</th><th>{t('numerator')}/{t('denominator')}</th></tr></thead>
<tbody>{rows}</tbody></table>
<footer>{t('brief_footer')}</footer>
</body></html>"""
