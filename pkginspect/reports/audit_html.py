"""The audit as one self-contained HTML page: readable offline and printed, with no script and no external asset."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from pkginspect.batch import AuditResult, DecisionMatrix, machine_dict
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
    machines_with,
    ordered_decisions,
    package_labels,
    reason_facts,
)
from pkginspect.reports.calendar import CELLS, LEGEND, MONTH_NAMES, NO_DATA, OOB_MARK
from pkginspect.reports.templates import render_chunks
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

GROUP_ABOVE = 200
"""Fleets with more machines than this show machines with identical verdicts and reasons as one group."""
GROUP_NAMES = 12
"""Machine names shown for a group before "and N more"."""


_Groups = list[tuple[list[str], list[Decision]]]
"""Machines with identical rows: each group's machine names and its decisions (one per package)."""


def _groups(result: AuditResult, decisions: Sequence[Decision]) -> _Groups | None:
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


def _calendar_products(calendar: Calendar, classifications: Iterable[Classification]) -> list[str]:
    wanted = {c.product for c in classifications if c.product}
    return [product for product in calendar.products() if product in wanted]


def _release_title(release: Release) -> str:
    text = f"{release.month} {release.type} KB{release.kb or '?'} {release.build or '(build ?)'}"
    if release.lcu_kb and release.lcu_kb != release.kb:
        text += f" (cumulative update KB{release.lcu_kb} {release.lcu_build})"
    return text + "".join(f"; out-of-band {o.date} KB{o.kb or '?'} {o.build or '(build ?)'}"
                          for o in release.out_of_band)


def _calendar_years(releases: Sequence[Release]) -> list[tuple[int, list[Release | None]]]:
    """The calendar grid: each year from the first release's to the last's, with its twelve months' releases."""
    by_month = {(r.month.year, r.month.month): r for r in releases}
    return [(year, [by_month.get((year, month)) for month in range(1, 13)])
            for year in range(releases[0].month.year, releases[-1].month.year + 1)]


def _machine_heading(machine: Any) -> tuple[str, str, str]:
    """A matrix row's machine: its name, its facts (the tooltip) and its product and build."""
    facts = machine_dict(machine)
    shown = "; ".join(f"{key}={value}" for key, value in facts.items() if value is not None and key != "name")
    short = ", ".join(str(v) for v in (getattr(machine, "product", None), getattr(machine, "build", None)) if v)
    return str(getattr(machine, "name", "")), shown, short


def _restarting(result: AuditResult, decisions: Sequence[Decision], groups: _Groups | None
                ) -> list[tuple[str, str, int, list[Decision]]]:
    """The restart list's rows: the machine (or group), its context, its machine count and the restarting decisions."""
    if groups is not None:
        chosen = [(_group_label(names), "", len(names), [d for d in row if d.verdict == Verdict.REBOOT_REQUIRED])
                  for names, row in groups]
        return [row for row in chosen if row[3]]
    machines = {str(getattr(m, "name", "")): m for m in result.machines}
    by_machine: dict[str, list[Decision]] = {}
    for decision in decisions:
        if decision.verdict == Verdict.REBOOT_REQUIRED:
            by_machine.setdefault(decision.machine, []).append(decision)
    return [(name, machine_summary(machines.get(name)), 1, items) for name, items in by_machine.items()]


def _verdict_counts(decisions: Sequence[Decision]) -> Counter[tuple[str, str]]:
    """Decisions per (package path, verdict); a matrix is counted by its distinct rows, not decision by decision."""
    if isinstance(decisions, DecisionMatrix):
        return decisions.verdict_counts(by_package=True)
    return Counter((d.package, d.verdict) for d in decisions)


def _chart(restarts: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """The restart chart's months, its rows (machines with a restart: name, months, total) and the month totals."""
    months = sorted({month for row in restarts.values() for month in row}, key=lambda m: (m == "unknown", m))
    rows = [(name, row, sum(row.values())) for name, row in sorted(restarts.items()) if sum(row.values())]
    return {"chart_months": months, "chart_rows": rows, "quiet": len(restarts) - len(rows),
            "per_month": {m: sum(row.get(m, 0) for _, row, _ in rows) for m in months}}


def audit_html_chunks(result: AuditResult) -> Iterator[str]:
    """The page of :func:`audit_html` as pieces of text made one after another."""
    labels = package_labels(result.packages)
    decisions = ordered_decisions(result)
    groups = _groups(result, decisions)
    per_package: Counter[str] = Counter()
    if groups is None:
        per_package.update(d.package for d in decisions if d.verdict == Verdict.REBOOT_REQUIRED)
        unknown = [(d.machine, d) for d in decisions if d.verdict == Verdict.UNKNOWN]
    else:
        for names, row in groups:
            per_package.update({d.package: len(names) for d in row if d.verdict == Verdict.REBOOT_REQUIRED})
        unknown = [(_group_label(names), d) for names, row in groups for d in row if d.verdict == Verdict.UNKNOWN]
    audited: dict[tuple[str, str], list[str]] = {}
    for item in result.classifications:
        if item.product and item.month:
            audited.setdefault((item.product, item.month), []).append(labels.get(item.package, item.package))
    return render_chunks(
        "audit.html.j2", result=result, labels=labels, decisions=decisions, groups=groups, per_package=per_package,
        cells={(d.machine, d.package): d for d in decisions} if groups is None else {}, unknown=unknown,
        restarting=_restarting(result, decisions, groups), kinds={c.package: c for c in result.classifications},
        verdict_counts=_verdict_counts(decisions), audited=audited,
        warnings=stale_warnings(result.classifications), verdicts=VERDICT_ORDER, short=SHORT_LABELS,
        meanings=MEANINGS, heat=HEAT, month_names=MONTH_NAMES, cells_marks=CELLS, no_data=NO_DATA,
        oob_mark=OOB_MARK, calendar_legend=LEGEND, calendar_products=_calendar_products(result.calendar,
        result.classifications), calendar_years=_calendar_years, release_title=_release_title,
        machine_heading=_machine_heading, group_label=_group_label, label=label, counts=counts,
        machines_with=lambda verdict: machines_with(decisions, verdict),
        error_text=error_text, first_reason=first_reason, grouped_by_reason=grouped_by_reason,
        reason_facts=reason_facts, base_name=base_name, **_chart(result.restarts_by_machine()))


def audit_html(result: AuditResult) -> str:
    """One self-contained HTML page of the audit.

    Totals, the machine × package matrix (each verdict with its reasons on demand), the machines that restart
    and why, unknowns, errors, a restart chart, the packages and their hotpatch calendars.

    No script, no external asset: it reads offline and prints (reasons behind ``<details>`` are the only part
    hidden until asked for; the restart list repeats the deciding reason for printing). Every value is escaped
    (the template engine escapes whatever it prints).
    """
    return "".join(audit_html_chunks(result))
