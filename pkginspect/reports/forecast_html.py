"""The forecast as one self-contained HTML page (no script, no external asset) with an SVG chart of restarts."""

from __future__ import annotations

import html
from collections.abc import Mapping

from pkginspect.forecasting import ForecastResult, MachineForecast
from pkginspect.reports.forecast_common import calendar_note, fix_sentence, horizon, mark, share
from pkginspect.types import MARKS_LEGEND, VERDICT_MARKS

_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; padding: 24px 32px 48px; color: var(--fg); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.meta, .note { color: var(--muted); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th[scope="row"] { white-space: nowrap; }
thead th { font-size: 12px; }
td.m { text-align: center; width: 2.2em; font-weight: 700; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.v-reboot-required { background: #fbd5d3; color: #8b1a12; }
.v-reboot-possible { background: #fde7b0; color: #6f4700; }
.v-unknown { background: #e6dcf7; color: #4a2a84; }
.v-no-reboot { background: #d4f0dc; color: #17592b; }
.v-not-applicable { background: #f5f6f7; color: #646c76; }
.cadence { font-style: italic; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; list-style: none; padding: 0; }
.totals li { min-width: 160px; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; }
.totals .count { display: block; font-size: 26px; font-weight: 700; }
.chart svg { display: block; max-width: 100%; height: auto; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); }
"""
BAR_FLOOR, BAR_AVOIDABLE = "#7a8696", "#c9372c"
MAX_MACHINE_ROWS = 5000
"""Machines shown one row each; a larger fleet's page lists the first ones and points to the CSV or JSON report."""
MAX_GROUP_NAMES = 100
"""Machine names listed per schedule group."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def restart_chart(per_month: Mapping[str, int], avoidable: Mapping[str, int], cadence: set[str]) -> str:
    """An SVG bar chart: machines restarting per month, the avoidable part stacked on top."""
    months = list(per_month)
    top = max(per_month.values(), default=0) or 1
    bar, gap, height, left, bottom = 36, 12, 220, 48, 40
    width = left + len(months) * (bar + gap) + gap
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + bottom + 10}" width="{width}" '
           f'height="{height + bottom + 10}" role="img" aria-labelledby="chart-title">',
           '<title id="chart-title">Machines restarting per month (avoidable part in red)</title>',
           f'<line x1="{left}" y1="{height}" x2="{width}" y2="{height}" stroke="#59636e"/>',
           f'<text x="{left - 6}" y="{height}" font-size="11" text-anchor="end">0</text>',
           f'<text x="{left - 6}" y="14" font-size="11" text-anchor="end">{top}</text>']
    for index, month in enumerate(months):
        x = left + gap + index * (bar + gap)
        total, red = per_month[month], avoidable.get(month, 0)
        full = round((height - 20) * total / top)
        part = round((height - 20) * red / top)
        base = full - part
        style = ' font-style="italic"' if month in cadence else ""
        if base:
            out.append(f'<rect x="{x}" y="{height - base}" width="{bar}" height="{base}" fill="{BAR_FLOOR}">'
                       f"<title>{_e(month)}: {total - red} baseline restarts</title></rect>")
        if part:
            out.append(f'<rect x="{x}" y="{height - full}" width="{bar}" height="{part}" fill="{BAR_AVOIDABLE}">'
                       f"<title>{_e(month)}: {red} avoidable restarts</title></rect>")
        out.append(f'<text x="{x + bar / 2}" y="{height - full - 4}" font-size="11" text-anchor="middle">{total}'
                   "</text>")
        out.append(f'<text x="{x + bar / 2}" y="{height + 16}" font-size="11" text-anchor="middle"{style}>'
                   f"{_e(month[5:])}</text>")
        if index == 0 or month.endswith("-01"):
            out.append(f'<text x="{x + bar / 2}" y="{height + 32}" font-size="11" text-anchor="middle">'
                       f"{_e(month[:4])}</text>")
    out.append("</svg>")
    return "".join(out)


def _machine_row(machine: MachineForecast) -> str:
    cells = []
    for month in machine.schedule.months:
        kb = month.installs_kb or month.kb
        update = f"{month.kind} KB{kb}" if kb else month.kind
        update = f"{month.kind} KB{kb}" if kb else month.kind
        title = f"{month.month}: {update} ({month.source}) — {month.verdict}: {month.cause}"
        cadence = " cadence" if month.source != "calendar" else ""
        cells.append(f'<td class="m v-{_e(month.verdict)}{cadence}" title="{_e(title)}">{_e(mark(month))}</td>')
    schedule = machine.schedule
    causes = "; ".join(f"{cause} ({count})" for cause, count in machine.causes().items())
    whatifs = [f"{item.fix.label}: \u2212{item.saved}" for item in machine.whatifs]
    if machine.all_fixes is not None:
        whatifs.append(f"all: \u2212{machine.all_fixes.saved}")
    return (f'<tr><th scope="row">{_e(machine.name)}</th>{"".join(cells)}<td class="num">{schedule.restarts}</td>'
            f'<td class="num">{schedule.avoidable}</td><td>{_e(causes)}</td><td>{_e("; ".join(whatifs))}</td></tr>')


def forecast_html(result: ForecastResult) -> str:
    """The whole forecast as a page: totals, the chart, ranked fixes, schedule groups, every machine's months."""
    totals = result.totals()
    machines = totals["machines"]
    months = len(result.months)
    cadence = {m.month for machine in result.machines for m in machine.schedule.months if m.source != "calendar"}
    body = [
        "<header>", f"<h1>Restart forecast {_e(horizon(result))}</h1>",
        f'<p class="meta">Generated {_e(result.generated)} by pkginspect · {machines} machines · '
        f"{_e(calendar_note(result))}</p>", "</header>",
        '<section id="totals"><h2>Totals</h2><ul class="totals">',
        f'<li><span class="count">{totals["restarts"]}</span> restarts</li>',
        f'<li><span class="count">{totals["avoidable"]}</span> avoidable</li>',
        f'<li><span class="count">{totals["at_floor"]} / {machines}</span> at the floor '
        f"({_e(share(totals['at_floor'], machines))})</li>",
        f'<li><span class="count">\u2212{totals["saved_by_all_fixes"]}</span> with every fix</li>',
        f'<li><span class="count">{totals["unknown"]}</span> unknown months</li>', "</ul></section>",
        '<section id="chart" class="chart"><h2>Restarts per month</h2>',
        restart_chart(result.restarts_per_month(), result.avoidable_per_month(), cadence),
        '<p class="note">Grey: baseline restarts; red: avoidable ones. Months in italics follow the planned '
        "cadence (no calendar data yet).</p></section>",
        '<section id="fixes"><h2>Fixes, ranked by restarts saved</h2><ol>',
    ]
    useful = [fix for fix in result.fixes if fix.saved > 0]
    body += [f"<li>{_e(fix_sentence(f.fix.label, len(f.machines), f.saved, months))}</li>" for f in useful]
    body.append("</ol>" if useful else "</ol><p>No single fix saves a restart.</p>")
    body += ["</section>", '<section id="groups"><h2>Machines with the same schedule</h2>',
             "<table><thead><tr><th>schedule</th><th>restarts</th><th>machines</th></tr></thead><tbody>"]
    for group in result.groups():
        marks = "".join(VERDICT_MARKS.get(v, "?") for v in group.signature)
        names = ", ".join(group.machines[:MAX_GROUP_NAMES])
        more = len(group.machines) - MAX_GROUP_NAMES
        names += f" and {more} more" if more > 0 else ""
        body.append(f"<tr><td><code>{_e(marks)}</code></td><td class=\"num\">{group.restarts}</td>"
                    f"<td>{len(group.machines)}: {_e(names)}</td></tr>")
    body += ["</tbody></table></section>", '<section id="machines"><h2>Machines</h2>',
             f'<p class="note">{_e(MARKS_LEGEND)}. Hover a month for its update and cause.</p>',
             '<table><thead><tr><th scope="col">machine</th>']
    body += [f'<th scope="col" class="{"cadence" if m in cadence else ""}">{_e(m)}</th>' for m in result.months]
    body.append('<th>restarts</th><th>avoidable</th><th>causes</th><th>what if</th></tr></thead><tbody>')
    body += [_machine_row(machine) for machine in result.machines[:MAX_MACHINE_ROWS]]
    body.append("</tbody></table>")
    if len(result.machines) > MAX_MACHINE_ROWS:
        body.append(f'<p class="note">The first {MAX_MACHINE_ROWS} of {len(result.machines)} machines; every '
                    "machine's months are in the CSV and JSON reports.</p>")
    body.append("</section>")
    if result.comparisons:
        body.append('<section id="assessment"><h2>Azure assessments</h2>')
        for comparison in result.comparisons:
            items = "".join(f"<li>{_e(item)}</li>" for item in comparison.disagreements)
            body.append(f"<h3>{_e(comparison.machine)}</h3>"
                        + (f"<ul>{items}</ul>" if items else "<p>Agrees with the forecast.</p>"))
        body.append("</section>")
    sources = ", ".join([*result.calendar_sources, *result.rules_sources])
    body.append(f"<footer>Calendar and rules: {_e(sources)}</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Restart forecast {_e(horizon(result))}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
