"""The audit as Markdown: a summary a person pastes into a change ticket or a pull request."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from pkginspect.batch import AuditResult, DecisionMatrix, PackageFailure
from pkginspect.classification import stale_warnings
from pkginspect.package import UpdatePackage
from pkginspect.paths import base_name
from pkginspect.reports.audit_csv import BATCH, ordered_decisions
from pkginspect.rules.decide import Decision
from pkginspect.rules.engine import Reason
from pkginspect.types import VERDICT_ORDER, Verdict

VERDICT_LABELS: Mapping[str, str] = {
    Verdict.REBOOT_REQUIRED: "reboot required",
    Verdict.REBOOT_POSSIBLE: "reboot possible",
    Verdict.UNKNOWN: "unknown",
    Verdict.NO_REBOOT: "no reboot",
    Verdict.NOT_APPLICABLE: "not applicable",
}
"""Each verdict in plain words."""
VERDICT_GLYPHS: Mapping[str, str] = {
    Verdict.REBOOT_REQUIRED: "R",
    Verdict.REBOOT_POSSIBLE: "R?",
    Verdict.UNKNOWN: "?",
    Verdict.NO_REBOOT: "OK",
    Verdict.NOT_APPLICABLE: "–",
}
"""Each verdict as a short mark for matrices (always shown with a legend)."""

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#!])")


def text(value: object) -> str:
    """``value`` as inline Markdown text: one line, Markdown punctuation backslash-escaped (safe in a table)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def code(value: object) -> str:
    """``value`` as an inline code span (the fence is longer than any run of backticks inside)."""
    content = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") or not content else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def label(verdict: str) -> str:
    """The verdict in plain words."""
    return VERDICT_LABELS.get(verdict, verdict)


def glyph(verdict: str) -> str:
    """The verdict's short mark."""
    return VERDICT_GLYPHS.get(verdict, verdict)


def package_labels(packages: Sequence[UpdatePackage]) -> dict[str, str]:
    """A short unique label per package path.

    ``KB5036909``; with the architecture (or else the file name) added when several packages share a KB; the
    file name when the KB is not known.
    """
    by_kb: dict[str, list[UpdatePackage]] = {}
    for package in packages:
        kb = f"KB{package.kb.value}" if package.kb else base_name(package.path)
        by_kb.setdefault(kb, []).append(package)
    labels: dict[str, str] = {}
    for kb, group in by_kb.items():
        if len(group) == 1:
            labels[group[0].path] = kb
            continue
        arches = [str(p.architecture.value) if p.architecture else "" for p in group]
        unique = len(set(arches)) == len(arches) and all(arches)
        for package, arch in zip(group, arches, strict=True):
            labels[package.path] = f"{kb} {arch}" if unique else f"{kb} {base_name(package.path)}"
    return labels


def machine_summary(machine: Any) -> str:
    """``product, edition, build`` of a machine record (those that are known), for context next to its name."""
    facts = [getattr(machine, name, None) for name in ("product", "edition", "build")]
    return ", ".join(str(value) for value in facts if value)


def first_reason(decision: Decision) -> str:
    """The message of the deciding (first) reason, with a count of the other reasons."""
    if not decision.reasons:
        return "no reason recorded"
    more = len(decision.reasons) - 1
    extra = f" (+{more} more reason{'s' if more > 1 else ''})" if more else ""
    return " ".join(decision.reasons[0].message.split()) + extra


def grouped_by_reason(decisions: Sequence[Decision], verdict: str,
                      packages: Sequence[UpdatePackage]) -> list[tuple[str, str, str, list[str]]]:
    """The decisions with ``verdict`` grouped by package and deciding reason, in package order.

    Each group is ``(package path, deciding rule, first_reason(), machine names)``.
    """
    groups: dict[tuple[str, str, str], list[str]] = {}
    for decision in decisions:
        if decision.verdict == verdict:
            rule = decision.reasons[0].rule if decision.reasons else "-"
            groups.setdefault((decision.package, rule, first_reason(decision)), []).append(decision.machine)
    order = {package.path: n for n, package in enumerate(packages)}
    keys = sorted(groups, key=lambda key: (order.get(key[0], len(order)), key))
    return [(*key, groups[key]) for key in keys]


def reason_facts(reason: Reason) -> str:
    """The facts a reason used as ``name=value; …`` (lists joined with commas, booleans lower case, None unknown)."""
    shown = []
    for name, value in reason.facts:
        if isinstance(value, tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = str(value).lower()
        shown.append(f"{name}={'unknown' if value is None else value}")
    return "; ".join(shown)


def counts(result: AuditResult) -> str:
    """``10 packages · 36 machines · 360 decisions · 0 errors`` (singular where the count is one)."""
    numbers = [(len(result.packages), "package"), (len(result.machines), "machine"),
               (len(result.decisions), "decision"), (len(result.errors), "error")]
    return " · ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in numbers)


def error_text(failure: PackageFailure) -> str:
    """The failure's message without the leading path, which reports already show beside it."""
    prefix = f"{failure.path}: "
    return failure.error[len(prefix):] if failure.error.startswith(prefix) else failure.error


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


def _machines_with(decisions: Sequence[Decision], verdict: str) -> int:
    if isinstance(decisions, DecisionMatrix):
        hit = {n for n, row in enumerate(decisions.rows) if any(o.verdict == verdict for o in row)}
        return len({name for name, row in zip(decisions.machines, decisions.machine_rows, strict=True) if row in hit})
    return len({d.machine for d in decisions if d.verdict == verdict})


def _restarts(result: AuditResult, decisions: Sequence[Decision], labels: Mapping[str, str]) -> Iterator[str]:
    machines = {str(getattr(m, "name", "")): m for m in result.machines}
    count = _machines_with(decisions, Verdict.REBOOT_REQUIRED)
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
    count = _machines_with(decisions, Verdict.REBOOT_POSSIBLE)
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
