"""What several reports show the same way: verdict words, KB and size text, JSON and CSV encoding, audit helpers."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pkginspect.paths import base_name
from pkginspect.types import Verdict

if TYPE_CHECKING:  # only the audit reports need the rules; inspect and classify start without them
    from pkginspect.batch import AuditResult
    from pkginspect.package import UpdatePackage
    from pkginspect.package.many import PackageFailure
    from pkginspect.rules.decide import Decision
    from pkginspect.rules.engine import Reason

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
BATCH = 2000
"""Lines or rows per piece of a report written as it is made."""


def label(verdict: str) -> str:
    """The verdict in plain words."""
    return VERDICT_LABELS.get(verdict, verdict)


def glyph(verdict: str) -> str:
    """The verdict's short mark."""
    return VERDICT_GLYPHS.get(verdict, verdict)


def kb_label(kb: int | None, unknown: str = "KB?") -> str:
    """``KB5037848``, or ``unknown`` when the KB number is not known."""
    return f"KB{kb}" if kb else unknown


def size(count: int) -> str:
    """A byte count for people: ``512 B``, ``1.5 KiB`` … ``2.0 GiB``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} B"


def pretty_json(document: Mapping[str, Any], ensure_ascii: bool = True) -> str:
    """An indented JSON document, ending with a newline."""
    return json.dumps(document, indent=2, ensure_ascii=ensure_ascii) + "\n"


def compact_json(value: Any) -> str:
    """JSON on one line, without spaces, non-ASCII kept (the large reports)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_line(values: Iterable[object]) -> str:
    """One CSV line without its line end: quoted only where needed, None empty.

    A cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP "CSV injection").
    """
    cells = ["" if value is None else str(value) for value in values]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(
        ["'" + cell if cell.startswith(_FORMULA_STARTS) else cell for cell in cells])
    return out.getvalue()


_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#!])")


def text(value: object) -> str:
    """``value`` as inline Markdown text: one line, Markdown punctuation backslash-escaped (safe in a table)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def code(value: object) -> str:
    """``value`` as an inline Markdown code span (the fence is longer than any run of backticks inside)."""
    content = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if content.startswith("`") or content.endswith("`") or not content else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def ordered_decisions(result: AuditResult) -> Sequence[Decision]:
    """The decisions by machine (the result's machine order), then package (the result's package order).

    An audit's :class:`DecisionMatrix` is in that order already and is returned as is (decisions made lazily).
    """
    from pkginspect.batch import DecisionMatrix

    if isinstance(result.decisions, DecisionMatrix):
        return result.decisions
    machines = {getattr(m, "name", None): n for n, m in enumerate(result.machines)}
    packages = {p.path: n for n, p in enumerate(result.packages)}
    return sorted(result.decisions, key=lambda d: (machines.get(d.machine, len(machines)), d.machine,
                                                   packages.get(d.package, len(packages)), d.package))


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


def machines_with(decisions: Sequence[Decision], verdict: str) -> int:
    """How many machines have at least one decision with ``verdict`` (a matrix is counted by its distinct rows)."""
    from pkginspect.batch import DecisionMatrix

    if isinstance(decisions, DecisionMatrix):
        hit = {n for n, row in enumerate(decisions.rows) if any(o.verdict == verdict for o in row)}
        return len({name for name, row in zip(decisions.machines, decisions.machine_rows, strict=True) if row in hit})
    return len({d.machine for d in decisions if d.verdict == verdict})


def counts(result: AuditResult) -> str:
    """``10 packages · 36 machines · 360 decisions · 0 errors`` (singular where the count is one)."""
    numbers = [(len(result.packages), "package"), (len(result.machines), "machine"),
               (len(result.decisions), "decision"), (len(result.errors), "error")]
    return " · ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in numbers)


def error_text(failure: PackageFailure) -> str:
    """The failure's message without the leading path, which reports already show beside it."""
    prefix = f"{failure.path}: "
    return failure.error[len(prefix):] if failure.error.startswith(prefix) else failure.error
