"""The audit as one self-contained HTML page: readable offline and printed, with no script and no external asset."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from pkginspect.batch import AuditResult, DecisionMatrix
from pkginspect.calendar import Calendar, Release
from pkginspect.classification import Classification, stale_warnings
from pkginspect.paths import base_name
from pkginspect.reports._common import (
    counts,
    error_text,
    first_reason,
    grouped_by_reason,
    label,
    machine_summary,
    ordered_decisions,
    package_labels,
    reason_facts,
)
from pkginspect.reports.calendar import CELLS, LEGEND, MONTH_NAMES, NO_DATA, OOB_MARK
from pkginspect.rules.decide import Decision
from pkginspect.types import VERDICT_ORDER, Verdict

SHORT_LABELS: Mapping[str, str] = {
    Verdict.REBOOT_REQUIRED: "restart",
    Verdict.REBOOT_POSSIBLE: "may restart",
    Verdict.UNKNOWN: "unknown",
    Verdict.NO_REBOOT: "no restart",
    Verdict.NOT_APPLICABLE: "n/a",
}
"""The verdict words shown in matrix cells (the colour is never the only sign)."""
MEANINGS: Mapping[str, str] = {
    Verdict.REBOOT_REQUIRED: "installing it restarts the machine",
    Verdict.REBOOT_POSSIBLE: "the package may ask for a restart",
    Verdict.UNKNOWN: "facts are missing to decide",
    Verdict.NO_REBOOT: "installs without a restart (hotpatch)",
    Verdict.NOT_APPLICABLE: "not for this machine, or already installed",
}
"""What each verdict means, for the legend."""
HEAT = ("#eef0f3", "#f5b3b0", "#e0605a", "#b3261e", "#7f1711")
"""Fill of a chart cell for 0, 1, 2, 3 and 4 or more restarts."""

_CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa;
  --req-bg: #fbd5d3; --req-fg: #8b1a12; --pos-bg: #fde7b0; --pos-fg: #6f4700;
  --unk-bg: #e6dcf7; --unk-fg: #4a2a84; --ok-bg: #d4f0dc; --ok-fg: #17592b; --na-bg: #f5f6f7; --na-fg: #646c76; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; padding: 24px 32px 48px; color: var(--fg); background: var(--bg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 6px 0; }
code { font: 12px/1.4 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.meta, .note, .small { color: var(--muted); }
.small { font-size: 12px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
thead th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; list-style: none; padding: 0; margin: 8px 0; }
.totals li { min-width: 150px; padding: 10px 14px; border-radius: 8px; border: 1px solid var(--line); }
.totals .count { display: block; font-size: 28px; font-weight: 700; font-variant-numeric: tabular-nums; }
.v-reboot-required { background: var(--req-bg); color: var(--req-fg); }
.v-reboot-possible { background: var(--pos-bg); color: var(--pos-fg); }
.v-unknown { background: var(--unk-bg); color: var(--unk-fg); }
.v-no-reboot { background: var(--ok-bg); color: var(--ok-fg); }
.v-not-applicable { background: var(--na-bg); color: var(--na-fg); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; list-style: none; padding: 0; margin: 6px 0 10px; }
.legend li { padding: 1px 8px; border-radius: 4px; }
table.matrix th, table.matrix td { padding: 0; }
table.matrix thead th { position: sticky; top: 0; z-index: 3; padding: 4px 6px; text-align: center;
  font-size: 12px; line-height: 1.25; white-space: nowrap; vertical-align: bottom; }
table.matrix thead th .small { font-weight: 400; }
table.matrix th.machine { position: sticky; left: 0; z-index: 2; background: var(--bg); padding: 3px 8px;
  text-align: left; white-space: nowrap; }
table.matrix thead th.machine { z-index: 4; background: var(--panel); }
table.matrix th.machine .small { display: block; font-weight: 400; font-size: 11px; line-height: 1.2; }
table.matrix td { position: relative; text-align: center; vertical-align: middle; font-size: 12px; }
table.matrix td.num { padding: 3px 8px; background: var(--panel); font-weight: 600; }
table.matrix tfoot th, table.matrix tfoot td { background: var(--panel); padding: 3px 8px; }
td > details > summary { display: block; padding: 6px 4px; cursor: pointer; list-style: none; white-space: nowrap; }
td.v-reboot-required > details > summary { font-weight: 700; }
td > details > summary::-webkit-details-marker { display: none; }
td > details > summary:focus-visible { outline: 2px solid var(--fg); outline-offset: -3px; }
td > details[open] > summary { outline: 2px solid currentColor; outline-offset: -3px; }
.why { position: absolute; top: 100%; left: 0; z-index: 5; width: 34em; padding: 10px 12px; text-align: left;
  white-space: normal; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; box-shadow: 0 8px 24px rgba(31, 35, 40, .18); font-size: 13px; }
.why.end { left: auto; right: 0; }
.why ol { margin: 6px 0 0; padding-left: 20px; }
.why li { margin: 4px 0; }
.why .facts { display: block; color: var(--muted); font-size: 12px; }
.nw { white-space: nowrap; }
table.list th[scope="row"] { white-space: nowrap; background: var(--bg); }
table.list th[scope="row"] .small { display: block; font-weight: 400; }
ul.plain { margin: 4px 0; padding-left: 20px; }
ul.plain li { margin: 3px 0; }
.tag { display: inline-block; white-space: nowrap; margin: 1px 0; padding: 0 6px; border-radius: 4px;
  font-size: 12px; font-weight: 600; }
.chart svg { display: block; max-width: 100%; height: auto; }
.warning { border-left: 4px solid #b35900; background: #fff4e5; padding: 6px 10px; }
.calendar { margin-bottom: 10px; }
.calendar { table-layout: fixed; }
.calendar td, .calendar th { text-align: center; width: 86px; font-size: 12px; }
.calendar th.year { width: 60px; }
.calendar th.year { text-align: left; }
.calendar td.cal-baseline-planned { background: #dbe7fb; color: #0b3d91; font-weight: 700; }
.calendar td.cal-baseline-unplanned { background: #f9d9c4; color: #8a3200; font-weight: 700; }
.calendar td.cal-hotpatch { background: #e1f3e6; color: #17592b; font-weight: 700; }
.calendar td.cal-none { color: var(--muted); }
.calendar td.audited { outline: 3px solid var(--fg); outline-offset: -3px; }
.calendar .kbs { display: block; font-weight: 400; font-size: 10px; line-height: 1.2; color: var(--fg); }
.calendar sup { font-weight: 400; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
@page { size: landscape; margin: 10mm; }
@media print {
  body { padding: 0; font-size: 10px; }
  .small, code, .calendar td, .calendar th { font-size: 0.9em; }
  table.matrix th.machine .small { font-size: 8px; }
  h1 { font-size: 18px; }
  h2 { font-size: 14px; margin-top: 18px; break-after: avoid; }
  h3 { break-after: avoid; }
  tr, li, figure, .calendar { break-inside: avoid; }
  thead { display: table-header-group; }
  .totals li { min-width: 110px; padding: 4px 10px; }
  .totals .count { font-size: 18px; }
  table.matrix { font-size: 9px; }
  table.matrix thead th, table.matrix th.machine { position: static; font-size: 9px; padding: 2px 3px; }
  table.matrix td { font-size: 9px; }
  td > details > summary { padding: 2px 3px; }
  .why, .screen-only { display: none !important; }
}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _verdict_tag(verdict: str) -> str:
    return f'<span class="tag v-{_e(verdict)}">{_e(label(verdict))}</span>'


def _reasons(decision: Decision) -> str:
    items = []
    for reason in decision.reasons:
        facts = reason_facts(reason)
        items.append(f"<li><code>{_e(reason.rule)}</code> ({_e(reason.verdict)}) {_e(reason.message)}"
                     + (f'<span class="facts">{_e(facts)}</span>' if facts else "") + "</li>")
    missing = (f"<p>Missing facts: {', '.join(f'<code>{_e(m)}</code>' for m in decision.missing)}</p>"
               if decision.missing else "")
    return f"<ol>{''.join(items)}</ol>{missing}" if items else f"<p>No reason recorded.</p>{missing}"


def _machine_facts(machine: object) -> str:
    facts = machine.to_dict() if hasattr(machine, "to_dict") else dict(vars(machine))
    return "; ".join(f"{key}={value}" for key, value in facts.items() if value is not None and key != "name")


def _header(result: AuditResult) -> list[str]:
    restarting = len({d.machine for d in result.decisions if d.verdict == Verdict.REBOOT_REQUIRED})
    return [
        "<header>",
        "<h1>Update audit: which machines restart?</h1>",
        f'<p class="meta">Generated {_e(result.generated)} by pkginspect · {_e(counts(result))}</p>',
        f"<p><strong>{restarting} of {len(result.machines)} machines</strong> need at least one restart.</p>",
        "</header>",
    ]


def _totals(result: AuditResult) -> list[str]:
    totals = result.totals()
    lines = ['<section id="totals">', "<h2>Totals per verdict</h2>", '<ul class="totals">']
    for verdict in VERDICT_ORDER:
        lines.append(f'<li class="v-{_e(verdict)}"><span class="count">{totals[verdict]}</span>'
                     f" {_e(label(verdict))}</li>")
    lines += ["</ul>", f'<p class="note">{sum(totals.values())} decisions: every machine × every package.</p>',
              "</section>"]
    return lines


def _legend() -> str:
    items = "".join(f'<li class="v-{_e(v)}"><strong>{_e(SHORT_LABELS.get(v, v))}</strong>: {_e(MEANINGS.get(v, v))}'
                    "</li>" for v in VERDICT_ORDER)
    return f'<ul class="legend" aria-label="legend">{items}</ul>'


def _matrix(result: AuditResult, labels: Mapping[str, str], decisions: Sequence[Decision]) -> list[str]:
    lines = ['<section id="matrix">', "<h2>Machines × packages</h2>"]
    if not result.machines or not result.packages:
        return [*lines, "<p>Nothing to show: no machines or no packages.</p>", "</section>"]
    cells = {(d.machine, d.package): d for d in decisions}
    lines += [_legend(), '<p class="note screen-only">Select a cell to see the rules behind its verdict.</p>',
              '<table class="matrix">', "<thead><tr>", '<th class="machine" scope="col">Machine</th>']
    lines += _package_headings(result, labels)
    lines += ['<th class="num" scope="col">Restarts</th>', "</tr></thead>", "<tbody>"]
    half = len(result.packages) // 2
    for machine in result.machines:
        name = str(getattr(machine, "name", ""))
        short = ", ".join(str(v) for v in (getattr(machine, "product", None), getattr(machine, "build", None)) if v)
        row = [f'<tr><th class="machine" scope="row" title="{_e(_machine_facts(machine))}">{_e(name)} '
               f'<span class="small">{_e(short)}</span></th>']
        restarts = 0
        for column, package in enumerate(result.packages):
            decision = cells.get((name, package.path))
            if decision is None:
                row.append('<td class="v-unknown">–</td>')
                continue
            restarts += decision.verdict == Verdict.REBOOT_REQUIRED
            side = " end" if column >= half and column > 0 else ""
            verdict = decision.verdict
            row.append(
                f'<td class="v-{_e(verdict)}"><details><summary title="{_e(label(verdict))}">'
                f'{_e(SHORT_LABELS.get(verdict, verdict))}</summary>'
                f'<div class="why{side}"><p><strong>{_e(name)}</strong> × {_e(labels[package.path])} '
                f"({_e(decision.kind)}): {_verdict_tag(verdict)}</p>{_reasons(decision)}</div></details></td>")
        row.append(f'<td class="num">{restarts}</td></tr>')
        lines.append("".join(row))
    per_package = Counter(d.package for d in decisions if d.verdict == Verdict.REBOOT_REQUIRED)
    footer = "".join(f'<td class="num">{per_package[p.path]}</td>' for p in result.packages)
    total = sum(per_package.values())
    lines += ["</tbody>", f'<tfoot><tr><th class="machine" scope="row">Restarts per package</th>{footer}'
              f'<td class="num">{total}</td></tr></tfoot>', "</table>", "</section>"]
    return lines


GROUP_ABOVE = 200
"""Fleets with more machines than this show machines with identical verdicts and reasons as one group."""
GROUP_NAMES = 12
"""Machine names shown for a group before "and N more"."""


def _groups(result: AuditResult, decisions: Sequence[Decision]) -> list[tuple[list[str], list[Decision]]] | None:
    """For a big fleet audited as a matrix: each group's machine names and decisions (one per package)."""
    if not isinstance(decisions, DecisionMatrix) or len(decisions.machines) <= GROUP_ABOVE:
        return None
    if [p.path for p in result.packages] != [path for path, _, _ in decisions.packages]:
        return None
    return [([decisions.machines[m] for m in members], [decisions.at(members[0], p)
                                                       for p in range(len(decisions.packages))])
            for _, members in decisions.groups()]


def _group_label(names: Sequence[str]) -> str:
    shown = ", ".join(names[:GROUP_NAMES]) + (f" and {len(names) - GROUP_NAMES} more" if len(names) > GROUP_NAMES
                                              else "")
    return f"{len(names)} machine{'s' if len(names) != 1 else ''}: {shown}"


def _package_headings(result: AuditResult, labels: Mapping[str, str]) -> list[str]:
    """The matrix's column headings: one per package, with its kind and month."""
    kinds = {c.package: c for c in result.classifications}
    headings = []
    for package in result.packages:
        item = kinds.get(package.path)
        detail = f"{_e(item.kind)}<br>{_e(item.month or '?')}" if item else ""
        heading = "<br>".join(_e(part) for part in labels[package.path].split(" ", 1))
        headings.append(f'<th scope="col" title="{_e(package.name)}">{heading}<br>'
                        f'<span class="small">{detail}</span></th>')
    return headings


def _grouped_matrix(result: AuditResult, labels: Mapping[str, str],
                    groups: list[tuple[list[str], list[Decision]]]) -> list[str]:
    lines = ['<section id="matrix">', "<h2>Machines × packages</h2>", _legend(),
             f'<p class="note">{len(result.machines)} machines in {len(groups)} group{"s" if len(groups) != 1 else ""}'
             ": the machines of a group got the same verdicts for the same reasons.</p>",
             '<table class="matrix">', "<thead><tr>", '<th class="machine" scope="col">Machines</th>']
    lines += _package_headings(result, labels)
    lines += ['<th class="num" scope="col">Restarts per machine</th>', "</tr></thead>", "<tbody>"]
    half = len(result.packages) // 2
    per_package: Counter[str] = Counter()
    for names, row in groups:
        label_text = _group_label(names)
        cells = [f'<tr><th class="machine" scope="row">{_e(label_text)}</th>']
        for column, decision in enumerate(row):
            verdict = decision.verdict
            if verdict == Verdict.REBOOT_REQUIRED:
                per_package[decision.package] += len(names)
            side = " end" if column >= half and column > 0 else ""
            cells.append(
                f'<td class="v-{_e(verdict)}"><details><summary title="{_e(label(verdict))}">'
                f'{_e(SHORT_LABELS.get(verdict, verdict))}</summary>'
                f'<div class="why{side}"><p><strong>{len(names)} machines</strong> × {_e(labels[decision.package])} '
                f"({_e(decision.kind)}): {_verdict_tag(verdict)}</p>{_reasons(decision)}</div></details></td>")
        cells.append(f'<td class="num">{sum(d.verdict == Verdict.REBOOT_REQUIRED for d in row)}</td></tr>')
        lines.append("".join(cells))
    footer = "".join(f'<td class="num">{per_package[p.path]}</td>' for p in result.packages)
    lines += ["</tbody>", f'<tfoot><tr><th class="machine" scope="row">Restarts per package</th>{footer}'
              f'<td class="num">{sum(per_package.values())}</td></tr></tfoot>', "</table>", "</section>"]
    return lines


def _grouped_restarts(labels: Mapping[str, str], groups: list[tuple[list[str], list[Decision]]]) -> list[str]:
    restarting = [(names, [d for d in row if d.verdict == Verdict.REBOOT_REQUIRED]) for names, row in groups]
    restarting = [(names, chosen) for names, chosen in restarting if chosen]
    count = sum(len(names) for names, _ in restarting)
    lines = ['<section id="restarts">', f"<h2>Machines that will restart ({count})</h2>"]
    if not restarting:
        lines += ["<p>None.</p>"]
    else:
        lines += ['<table class="list">', "<thead><tr><th>Machines</th><th>Package</th><th>Kind</th>"
                  "<th>Why (the deciding rule)</th><th>Rule</th></tr></thead>", "<tbody>"]
        for names, chosen in restarting:
            head = f'<th scope="row" rowspan="{len(chosen)}">{_e(_group_label(names))}</th>'
            for n, d in enumerate(chosen):
                package = _e(labels.get(d.package, base_name(d.package)))
                rule = _e(d.reasons[0].rule if d.reasons else "-")
                lines.append(f'<tr>{head if n == 0 else ""}<td class="nw">{package}</td>'
                             f'<td class="nw">{_e(d.kind)}</td><td>{_e(first_reason(d))}</td>'
                             f'<td class="nw"><code>{rule}</code></td></tr>')
        lines += ["</tbody></table>"]
    return [*lines, "</section>"]


def _grouped_unknowns(result: AuditResult, labels: Mapping[str, str],
                      groups: list[tuple[list[str], list[Decision]]]) -> list[str]:
    unknown = [(names, d) for names, row in groups for d in row if d.verdict == Verdict.UNKNOWN]
    lines = ['<section id="unknown">', f"<h2>Unknown verdicts ({result.totals()[Verdict.UNKNOWN]})</h2>"]
    if not unknown:
        return [*lines, "<p>None: every decision had the facts it needed.</p>", "</section>"]
    lines += ["<table>", "<thead><tr><th>Machines</th><th>Package</th><th>Missing facts</th><th>First reason</th>"
              "</tr></thead>", "<tbody>"]
    for names, d in unknown:
        missing = ", ".join(f"<code>{_e(m)}</code>" for m in d.missing) or "none named"
        lines.append(f"<tr><td>{_e(_group_label(names))}</td><td>{_e(labels.get(d.package, base_name(d.package)))}"
                     f"</td><td>{missing}</td><td>{_e(first_reason(d))}</td></tr>")
    return [*lines, "</tbody></table>", "</section>"]


def _restarts(result: AuditResult, decisions: Sequence[Decision], labels: Mapping[str, str]) -> list[str]:
    chosen = [d for d in decisions if d.verdict == Verdict.REBOOT_REQUIRED]
    machines = {str(getattr(m, "name", "")): m for m in result.machines}
    count = len({d.machine for d in chosen})
    lines = ['<section id="restarts">', f"<h2>Machines that will restart ({count})</h2>"]
    if not chosen:
        return [*lines, "<p>None.</p>", "</section>"]
    lines += ['<table class="list">', "<thead><tr><th>Machine</th><th>Package</th><th>Kind</th>"
              "<th>Why (the deciding rule)</th><th>Rule</th></tr></thead>", "<tbody>"]
    by_machine: dict[str, list[Decision]] = {}
    for decision in chosen:
        by_machine.setdefault(decision.machine, []).append(decision)
    for name, items in by_machine.items():
        context = machine_summary(machines.get(name))
        head = (f'<th scope="row" rowspan="{len(items)}">{_e(name)}'
                + (f' <span class="small">{_e(context)}</span>' if context else "") + "</th>")
        for n, d in enumerate(items):
            package = _e(labels.get(d.package, base_name(d.package)))
            rule = _e(d.reasons[0].rule if d.reasons else "-")
            lines.append(f'<tr>{head if n == 0 else ""}<td class="nw">{package}</td><td class="nw">{_e(d.kind)}</td>'
                         f'<td>{_e(first_reason(d))}</td><td class="nw"><code>{rule}</code></td></tr>')
    return [*lines, "</tbody></table>", "</section>"]


def _possible(result: AuditResult, decisions: Sequence[Decision], labels: Mapping[str, str]) -> list[str]:
    count = len({d.machine for d in decisions if d.verdict == Verdict.REBOOT_POSSIBLE})
    groups = grouped_by_reason(decisions, Verdict.REBOOT_POSSIBLE, result.packages)
    lines = ['<section id="possible">', f"<h2>Machines that may restart ({count})</h2>"]
    if not groups:
        return [*lines, "<p>None.</p>", "</section>"]
    lines.append('<ul class="plain">')
    for path, rule, message, machines in groups:
        lines.append(f"<li>{_e(labels.get(path, base_name(path)))}, {len(machines)} machine"
                     f"{'s' if len(machines) != 1 else ''}: {_e(message)} <code>{_e(rule)}</code><br>"
                     f'<span class="small">{_e(", ".join(machines))}</span></li>')
    return [*lines, "</ul>", "</section>"]


def _unknowns(decisions: Sequence[Decision], labels: Mapping[str, str]) -> list[str]:
    chosen = [d for d in decisions if d.verdict == Verdict.UNKNOWN]
    lines = ['<section id="unknown">', f"<h2>Unknown verdicts ({len(chosen)})</h2>"]
    if not chosen:
        return [*lines, "<p>None: every decision had the facts it needed.</p>", "</section>"]
    lines += ["<table>", "<thead><tr><th>Machine</th><th>Package</th><th>Missing facts</th><th>First reason</th>"
              "</tr></thead>", "<tbody>"]
    for d in chosen:
        missing = ", ".join(f"<code>{_e(m)}</code>" for m in d.missing) or "none named"
        lines.append(f"<tr><td>{_e(d.machine)}</td><td>{_e(labels.get(d.package, base_name(d.package)))}</td>"
                     f"<td>{missing}</td><td>{_e(first_reason(d))}</td></tr>")
    return [*lines, "</tbody></table>", "</section>"]


def _errors(result: AuditResult) -> list[str]:
    lines = ['<section id="errors">', f"<h2>Errors ({len(result.errors)})</h2>"]
    if not result.errors:
        return [*lines, "<p>None: every package was read.</p>", "</section>"]
    lines += ["<table>", "<thead><tr><th>Package</th><th>Error</th></tr></thead>", "<tbody>"]
    lines += [f"<tr><td><code>{_e(e.path)}</code></td><td>{_e(error_text(e))}</td></tr>" for e in result.errors]
    return [*lines, "</tbody></table>", "</section>"]


def _month_order(month: str) -> tuple[int, str]:
    return (1 if month == "unknown" else 0, month)


def restart_chart(restarts: Mapping[str, Mapping[str, int]]) -> str:
    """An inline SVG heat map of ``AuditResult.restarts_by_machine()``: rows are machines, columns months.

    Only machines with at least one restart get a row. A bar per month on top adds up all machines; a bar per
    machine on the right adds up its months. Every rectangle has a ``<title>`` (a tooltip) with its numbers.
    """
    months = sorted({month for row in restarts.values() for month in row}, key=_month_order)
    rows = [(name, row) for name, row in sorted(restarts.items()) if sum(row.values())]
    if not months or not rows:
        return "<p>No machine needs a restart in the months covered.</p>"
    longest = max(len(name) for name, _ in rows)
    label_w, cell_w, cell_h, gap = min(max(120, 7 * longest + 16), 280), 76, 22, 2
    top, bar_h, right_w = 96, 56, 150
    width = label_w + len(months) * cell_w + right_w
    height = top + len(rows) * (cell_h + gap) + 48
    per_month = {m: sum(row.get(m, 0) for _, row in rows) for m in months}
    peak_month = max(per_month.values()) or 1
    peak_machine = max(sum(row.values()) for _, row in rows) or 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-labelledby="chart-title" font-size="12" fill="#1f2328">',
           '<title id="chart-title">Packages requiring a restart, per machine and release month</title>']
    for n, month in enumerate(months):
        x = label_w + n * cell_w
        h = round(bar_h * per_month[month] / peak_month)
        out.append(f'<rect x="{x + 10}" y="{top - 22 - h}" width="{cell_w - 20}" height="{h}" fill="#b3261e">'
                   f"<title>{_e(month)}: {per_month[month]} restarts in all</title></rect>")
        out.append(f'<text x="{x + cell_w / 2:g}" y="{top - 26 - h}" text-anchor="middle">{per_month[month]}</text>')
        out.append(f'<text x="{x + cell_w / 2:g}" y="{top - 6}" text-anchor="middle" font-weight="600">'
                   f"{_e(month)}</text>")
    out.append(f'<text x="{label_w - 8}" y="{top - 26}" text-anchor="end" fill="#59636e">all machines</text>')
    out.append(f'<text x="{label_w + len(months) * cell_w + 8}" y="{top - 6}" font-weight="600">total</text>')
    for r, (name, row) in enumerate(rows):
        y = top + r * (cell_h + gap)
        shown = name if len(name) <= 38 else name[:37] + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_e(shown)}<title>{_e(name)}</title>'
                   "</text>")
        for n, month in enumerate(months):
            count = row.get(month, 0)
            x = label_w + n * cell_w
            out.append(f'<rect x="{x + 1}" y="{y}" width="{cell_w - 2}" height="{cell_h}" rx="3" '
                       f'fill="{HEAT[min(count, len(HEAT) - 1)]}"><title>{_e(name)}, {_e(month)}: {count} '
                       f"restart{'s' if count != 1 else ''}</title></rect>")
            if count:
                colour = "#1f2328" if count == 1 else "#ffffff"
                out.append(f'<text x="{x + cell_w / 2:g}" y="{y + 15}" text-anchor="middle" font-weight="700" '
                           f'fill="{colour}">{count}</text>')
        total = sum(row.values())
        x = label_w + len(months) * cell_w + 8
        w = round((right_w - 40) * total / peak_machine)
        out.append(f'<rect x="{x}" y="{y + 4}" width="{w}" height="{cell_h - 8}" fill="#59636e"/>')
        out.append(f'<text x="{x + w + 4}" y="{y + 15}">{total}</text>')
    y = top + len(rows) * (cell_h + gap) + 16
    x = label_w
    out.append(f'<text x="{label_w - 8}" y="{y + 12}" text-anchor="end" fill="#59636e">restarts</text>')
    for count, fill in enumerate(HEAT):
        text = f"{count}+" if count == len(HEAT) - 1 else str(count)
        out.append(f'<rect x="{x}" y="{y}" width="28" height="16" rx="3" fill="{fill}"/>'
                   f'<text x="{x + 34}" y="{y + 12}">{text}</text>')
        x += 64
    out.append("</svg>")
    return "\n".join(out)


def _chart(result: AuditResult) -> list[str]:
    restarts = result.restarts_by_machine()
    quiet = sum(1 for row in restarts.values() if not sum(row.values()))
    note = (f'<p class="note">Each cell counts the packages of that release month that restart the machine; '
            f"installed in one maintenance window they may share one restart. {quiet} machine"
            f"{'s' if quiet != 1 else ''} with no required restart {'are' if quiet != 1 else 'is'} not drawn.</p>")
    return ['<section id="chart">', "<h2>Expected restarts per machine and month</h2>", note,
            f'<figure class="chart">{restart_chart(restarts)}</figure>', "</section>"]


def _packages(result: AuditResult, labels: Mapping[str, str], decisions: Sequence[Decision]) -> list[str]:
    lines = ['<section id="packages">', f"<h2>Packages ({len(result.packages)})</h2>"]
    if not result.packages:
        return [*lines, "<p>No package could be read.</p>", "</section>"]
    kinds = {c.package: c for c in result.classifications}
    counts = Counter((d.package, d.verdict) for d in decisions)
    lines += ["<table>", "<thead><tr><th>Package</th><th>File and title</th><th>Kind</th><th>Product</th>"
              "<th>Month</th><th>Build</th><th>Package restart</th><th>Machines</th></tr></thead>", "<tbody>"]
    for package in result.packages:
        item = kinds.get(package.path)
        title = package.title.value if package.title else ""
        how = f"rule: {item.rule}, {item.confidence} confidence" if item else ""
        tags = " ".join(f'<span class="tag v-{_e(v)}">{counts[(package.path, v)]} {_e(label(v))}</span>'
                        for v in VERDICT_ORDER if counts[(package.path, v)])
        cells = [
            f"<strong>{_e(labels[package.path])}</strong>",
            f'<code>{_e(package.name)}</code><br><span class="small">{_e(title)}</span>',
            f'{_e(item.kind)}<br><span class="small">{_e(how)}</span>' if item else "unknown",
            f'<span class="nw">{_e(item.product or "–") if item else "–"}</span>',
            f'<span class="nw">{_e(item.month or "–") if item else "–"}</span>',
            f'<span class="nw">{_e(package.build.value if package.build else "–")}</span>',
            _e(package.restart.value if package.restart else "–"),
            tags or "–",
        ]
        lines.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return [*lines, "</tbody></table>", "</section>"]


def _calendar_products(calendar: Calendar, classifications: Iterable[Classification]) -> list[str]:
    wanted = {c.product for c in classifications if c.product}
    return [product for product in calendar.products() if product in wanted]


def _release_title(release: Release) -> str:
    text = f"{release.month} {release.type} KB{release.kb or '?'} {release.build or '(build ?)'}"
    if release.lcu_kb and release.lcu_kb != release.kb:
        text += f" (cumulative update KB{release.lcu_kb} {release.lcu_build})"
    return text + "".join(f"; out-of-band {o.date} KB{o.kb or '?'} {o.build or '(build ?)'}"
                          for o in release.out_of_band)


def _calendar_grid(calendar: Calendar, product: str, audited: Mapping[tuple[str, str], list[str]]) -> list[str]:
    releases = calendar.releases(product)
    lines = [f"<h3>{_e(product)}</h3>"]
    if not releases:
        return [*lines, "<p>No releases in the calendar.</p>"]
    first, last = releases[0].month, releases[-1].month
    by_month = {(r.month.year, r.month.month): r for r in releases}
    head = "".join(f'<th scope="col">{name}</th>' for name in MONTH_NAMES)
    lines += ['<table class="calendar">', f'<thead><tr><th class="year" scope="col">Year</th>{head}</tr></thead>',
              "<tbody>"]
    for year in range(first.year, last.year + 1):
        row = [f'<tr><th class="year" scope="row">{year}</th>']
        for month in range(1, 13):
            release = by_month.get((year, month))
            kbs = audited.get((product, f"{year:04d}-{month:02d}"), [])
            classes = [f"cal-{release.type}" if release else "cal-none"] + (["audited"] if kbs else [])
            if release is None:
                mark, title = NO_DATA, "no release in the calendar"
            else:
                mark = _e(CELLS[release.type]) + (f"<sup>{_e(OOB_MARK)}</sup>" if release.out_of_band else "")
                title = _release_title(release)
            listed = "".join(f' <span class="kbs">{_e(kb)}</span>' for kb in kbs)
            row.append(f'<td class="{" ".join(classes)}" title="{_e(title)}">{mark}{listed}</td>')
        lines.append("".join(row) + "</tr>")
    lines += ["</tbody></table>"]
    extra = [oob for release in releases for oob in release.out_of_band]
    if extra:
        lines.append(f"<details><summary>{len(extra)} out-of-band release{'s' if len(extra) != 1 else ''}"
                     "</summary><table><thead><tr><th>Date</th><th>Build</th><th>KB</th><th>Kind</th>"
                     "<th>Hotpatch chain</th><th>Remark</th></tr></thead><tbody>")
        for oob in extra:
            chain = "breaks it" if oob.breaks_chain else "keeps it"
            lines.append(f"<tr><td>{_e(oob.date)}</td><td>{_e(oob.build or '?')}</td><td>KB{_e(oob.kb or '?')}</td>"
                         f"<td>{'hotpatch' if oob.hotpatch else 'update'}</td><td>{chain}"
                         f"{'' if oob.chain_stated else ' (by rule)'}</td><td>{_e(oob.remark)}</td></tr>")
        lines.append("</tbody></table></details>")
    return lines


def _calendars(result: AuditResult, labels: Mapping[str, str]) -> list[str]:
    products = _calendar_products(result.calendar, result.classifications)
    lines = ['<section id="calendars">', "<h2>Hotpatch calendars</h2>"]
    if not products:
        return [*lines, "<p>No package of this audit belongs to a product of the hotpatch calendar.</p>",
                "</section>"]
    audited: dict[tuple[str, str], list[str]] = {}
    for item in result.classifications:
        if item.product and item.month:
            audited.setdefault((item.product, item.month), []).append(labels.get(item.package, item.package))
    lines.append('<p class="note">Months framed in black hold a package of this audit (its label is in the cell). '
                 "Hover a month for its builds and KBs.</p>")
    for product in products:
        lines += _calendar_grid(result.calendar, product, audited)
    legend = "".join(f"<li><strong>{_e(mark)}</strong> {_e(meaning)}</li>" for mark, meaning in LEGEND)
    lines += [f'<ul class="plain small">{legend}</ul>', "</section>"]
    return lines


def _footer(result: AuditResult) -> list[str]:
    sources = "".join(f"<li><code>{_e(s)}</code></li>" for s in result.sources)
    calendars = ", ".join(result.calendar.sources) or "the bundled data"
    return ["<footer>",
            f"<p>pkginspect audit, generated {_e(result.generated)}. Release calendar read from {_e(calendars)}.</p>",
            f"<details><summary>{len(result.sources)} paths audited</summary><ul>{sources}</ul></details>"
            if result.sources else "", "</footer>"]


def audit_html(result: AuditResult) -> str:
    """One self-contained HTML page of the audit.

    Totals, the machine × package matrix (each verdict with its reasons on demand), the machines that restart
    and why, unknowns, errors, a restart chart, the packages and their hotpatch calendars.

    No script, no external asset: it reads offline and prints (reasons behind ``<details>`` are the only part
    hidden until asked for; the restart list repeats the deciding reason for printing). Every value is escaped.
    """
    labels = package_labels(result.packages)
    decisions = ordered_decisions(result)
    title = f"pkginspect audit {result.generated}"
    groups = _groups(result, decisions)
    body = [
        *_header(result),
        *(f'<p class="warning" role="alert"><strong>Warning:</strong> {_e(w)}</p>'
          for w in stale_warnings(result.classifications)),
        "<main>",
        *_totals(result),
        *(_matrix(result, labels, decisions) if groups is None else _grouped_matrix(result, labels, groups)),
        *(_restarts(result, decisions, labels) if groups is None else _grouped_restarts(labels, groups)),
        *_possible(result, decisions, labels),
        *(_unknowns(decisions, labels) if groups is None else _grouped_unknowns(result, labels, groups)),
        *_errors(result),
        *_chart(result),
        *_packages(result, labels, decisions),
        *_calendars(result, labels),
        "</main>",
        *_footer(result),
    ]
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="pkginspect">', f"<title>{_e(title)}</title>",
            f"<style>{_CSS}</style>", "</head>", "<body>"]
    return "\n".join([*head, *(line for line in body if line), "</body>", "</html>"]) + "\n"

