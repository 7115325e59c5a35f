"""The audit as Markdown: a summary a person pastes into a change ticket or a pull request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from pkginspect.batch import AuditResult, DecisionMatrix
from pkginspect.classification import stale_warnings
from pkginspect.paths import base_name
from pkginspect.reports._common import (
    BATCH,
    code,
    counts,
    error_text,
    first_reason,
    glyph,
    grouped_by_reason,
    label,
    machine_summary,
    machines_with,
    ordered_decisions,
    package_labels,
    text,
)
from pkginspect.rules.decide import Decision
from pkginspect.types import VERDICT_ORDER, Verdict


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str]) -> list[str]:
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _totals(result: AuditResult) -> list[str]:
    totals = result.totals()
    rows = [[f"{glyph(v)} {label(v)}", str(totals[v])] for v in VERDICT_ORDER]
    rows.append(["**all decisions**", f"**{sum(totals.values())}**"])
    return ["## Totals", "", *_table(["Verdict", "Decisions"], rows, "lr")]


def _required_per_package(decisions: Sequence[Decision]) -> Counter[str]:
    if not isinstance(decisions, DecisionMatrix):
        return Counter(d.package for d in decisions if d.verdict == Verdict.REBOOT_REQUIRED)
    uses = Counter(decisions.machine_rows)
    counts: Counter[str] = Counter()
    for number, row in enumerate(decisions.rows):
        for (path, _, _), outcome in zip(decisions.packages, row, strict=True):
            if outcome.verdict == Verdict.REBOOT_REQUIRED:
                counts[path] += uses[number]
    return counts


def _packages(result: AuditResult, labels: Mapping[str, str]) -> list[str]:
    by_path = {c.package: c for c in result.classifications}
    restarts = _required_per_package(result.decisions)
    rows = []
    for package in result.packages:
        item = by_path.get(package.path)
        rows.append([
            text(labels[package.path]), code(package.name), text(item.kind if item else "unknown"),
            text(item.product or "–") if item else "–", text(item.month or "–") if item else "–",
            text(item.confidence) if item else "–", str(restarts[package.path]),
        ])
    header = ["Package", "File", "Kind", "Product", "Month", "Confidence", "Restarts"]
    if not rows:
        return ["## Packages", "", "No package could be read."]
    return ["## Packages", "", *_table(header, rows, "lllllcr")]


def _verdict_rows(result: AuditResult, decisions: Sequence[Decision]) -> Iterator[tuple[str, list[str]]]:
    """Each machine of the result with its verdicts, one per package of the result ("" when none)."""
    if isinstance(decisions, DecisionMatrix) and [p.path for p in result.packages] == [
            path for path, _, _ in decisions.packages]:
        last = {name: number for number, name in enumerate(decisions.machines)}
        for machine in result.machines:
            name = str(getattr(machine, "name", ""))
            number = last.get(name)
            row = decisions.rows[decisions.machine_rows[number]] if number is not None else ()
            yield name, [o.verdict for o in row] or [""] * len(result.packages)
        return
    cells = {(d.machine, d.package): d.verdict for d in decisions}
    for machine in result.machines:
        name = str(getattr(machine, "name", ""))
        yield name, [cells.get((name, p.path), "") for p in result.packages]


def _matrix(result: AuditResult, labels: Mapping[str, str], decisions: Sequence[Decision]) -> Iterator[str]:
    if not result.machines or not result.packages:
        yield from ["## Machines × packages", "", "Nothing to show: no machines or no packages."]
        return
    header = ["Machine", *(text(labels[p.path]) for p in result.packages), "Restarts"]
    legend = " · ".join(
        f"{'**R**' if v == Verdict.REBOOT_REQUIRED else text(glyph(v))} {label(v)}" for v in VERDICT_ORDER
    )
    yield from ["## Machines × packages", "", f"Legend: {legend}", ""]
    yield from _table(header, [], "l" + "c" * len(result.packages) + "r")
    for name, verdicts in _verdict_rows(result, decisions):
        marks = [f"**{glyph(v)}**" if v == Verdict.REBOOT_REQUIRED else text(glyph(v)) for v in verdicts]
        yield "| " + " | ".join([text(name), *marks, str(verdicts.count(Verdict.REBOOT_REQUIRED))]) + " |"


def _restarts(result: AuditResult, decisions: Sequence[Decision], labels: Mapping[str, str]) -> Iterator[str]:
    machines = {str(getattr(m, "name", "")): m for m in result.machines}
    count = machines_with(decisions, Verdict.REBOOT_REQUIRED)
    yield from [f"## Machines that will restart ({count})", ""]
    if not count:
        yield "None."
        return
    current = None
    for decision in decisions:
        if decision.verdict != Verdict.REBOOT_REQUIRED:
            continue
        if decision.machine != current:
            current = decision.machine
            context = machine_summary(machines.get(current))
            yield f"- **{text(current)}**" + (f" ({text(context)})" if context else "")
        name = text(labels.get(decision.package, base_name(decision.package)))
        rule = decision.reasons[0].rule if decision.reasons else "-"
        yield f"  - {name} ({text(decision.kind)}): {text(first_reason(decision))} {code(rule)}"


def _possible(result: AuditResult, decisions: Sequence[Decision], labels: Mapping[str, str]) -> list[str]:
    count = machines_with(decisions, Verdict.REBOOT_POSSIBLE)
    groups = grouped_by_reason(decisions, Verdict.REBOOT_POSSIBLE, result.packages)
    lines = [f"## Machines that may restart ({count})", ""]
    if not groups:
        return [*lines, "None."]
    for path, rule, message, machines in groups:
        name = text(labels.get(path, base_name(path)))
        lines.append(f"- {name}, {len(machines)} machine{'s' if len(machines) != 1 else ''}: {text(message)} "
                     f"{code(rule)}")
        lines.append(f"  - {text(', '.join(machines))}")
    return lines


def _unknowns(result: AuditResult, decisions: Sequence[Decision], labels: Mapping[str, str]) -> Iterator[str]:
    count = result.totals()[Verdict.UNKNOWN]
    yield from [f"## Unknown verdicts ({count})", ""]
    if not count:
        yield "None: every decision had the facts it needed."
        return
    for decision in decisions:
        if decision.verdict != Verdict.UNKNOWN:
            continue
        name = text(labels.get(decision.package, base_name(decision.package)))
        missing = ", ".join(code(fact) for fact in decision.missing) or "none named"
        yield f"- **{text(decision.machine)}** × {name}: missing {missing}"


def _errors(result: AuditResult) -> list[str]:
    lines = [f"## Errors ({len(result.errors)})", ""]
    if not result.errors:
        return [*lines, "None: every package was read."]
    return [*lines, *(f"- {code(e.path)}: {text(error_text(e))}" for e in result.errors)]


def audit_markdown(result: AuditResult) -> str:
    """A change-ticket summary of the audit.

    Totals per verdict, the packages, a machine × package matrix of verdict marks, the machines that will (or
    may) restart and why, the unknown decisions with their missing facts, and the packages that failed.

    CommonMark with GitHub tables; every value from packages or machines is escaped.
    """
    return "".join(audit_markdown_chunks(result))


def audit_markdown_chunks(result: AuditResult) -> Iterator[str]:
    """:func:`audit_markdown` in pieces of a few thousand lines, made as they are written."""
    labels = package_labels(result.packages)
    decisions = ordered_decisions(result)
    summary = f"Generated {result.generated} · {counts(result)}"
    stale = stale_warnings(result.classifications)
    sections: list[Callable[[], Iterable[str]]] = [
        lambda: ["# pkginspect audit", "", text(summary)],
        *([lambda: [f"> **Warning:** {text(w)}" for w in stale]] if stale else []),
        lambda: _totals(result),
        lambda: _packages(result, labels),
        lambda: _matrix(result, labels, decisions),
        lambda: _restarts(result, decisions, labels),
        lambda: _possible(result, decisions, labels),
        lambda: _unknowns(result, decisions, labels),
        lambda: _errors(result),
    ]
    batch: list[str] = []
    for number, section in enumerate(sections):
        for index, line in enumerate(section()):
            batch.append(("\n\n" if number else "") + line if index == 0 else "\n" + line)
            if len(batch) >= BATCH:
                yield "".join(batch)
                batch = []
    batch.append("\n")
    yield "".join(batch)
