"""The audit as JUnit XML: a test suite per machine, a test case per package, failing where a restart is required."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Sequence

from pkginspect.batch import AuditResult, DecisionMatrix, machine_dict
from pkginspect.classification import stale_warnings
from pkginspect.paths import base_name
from pkginspect.reports._common import error_text, ordered_decisions, reason_facts
from pkginspect.rules.decide import Decision
from pkginspect.types import Verdict

ERRORS_SUITE = "pkginspect.package-errors"
"""Name (and class name) of the suite that lists the packages that could not be read."""
OUTCOMES: dict[str, str] = {
    Verdict.REBOOT_REQUIRED: "failure", Verdict.UNKNOWN: "error", Verdict.NOT_APPLICABLE: "skipped"
}
"""Verdict → the JUnit element that marks its test case; other verdicts pass."""

# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _one_line(text: str) -> str:
    return _clean(" ".join(text.split()))


def _details(decision: Decision) -> str:
    kb = f"KB{decision.kb}" if decision.kb is not None else "KB unknown"
    lines = [f"verdict: {decision.verdict}", f"package: {decision.package} ({kb}, {decision.kind})"]
    if decision.missing:
        lines.append(f"missing facts: {', '.join(decision.missing)}")
    for number, reason in enumerate(decision.reasons, 1):
        lines.append(f"{number}. [{reason.rule}] ({reason.verdict}) {' '.join(reason.message.split())}")
        facts = reason_facts(reason)
        if facts:
            lines.append(f"   facts: {facts}")
    return _clean("\n".join(lines))


def _message(decision: Decision) -> str:
    if decision.verdict == Verdict.UNKNOWN:
        return _one_line(f"unknown: missing facts {', '.join(decision.missing) or '(none named)'}")
    reason = decision.reasons[0].message if decision.reasons else "no reason recorded"
    return _one_line(reason)


def _case_names(result: AuditResult) -> dict[str, str]:
    decisions = result.decisions
    if isinstance(decisions, DecisionMatrix):
        kbs = {path: kb for path, kb, _ in decisions.packages} if decisions.machines else {}
    else:
        kbs = {d.package: d.kb for d in decisions}
    files = Counter(base_name(path) for path in kbs)
    names = {}
    for path, kb in kbs.items():
        shown = base_name(path) if files[base_name(path)] == 1 else path
        names[path] = f"KB{kb} {shown}" if kb is not None else shown
    return names


def _counts(decisions: Sequence[Decision]) -> dict[str, str]:
    if isinstance(decisions, DecisionMatrix):
        kinds: Counter[str] = Counter()
        for verdict, count in decisions.verdict_counts().items():
            kinds[OUTCOMES.get(verdict, "pass")] += count
    else:
        kinds = Counter(OUTCOMES.get(d.verdict, "pass") for d in decisions)
    return {"tests": str(len(decisions)), "failures": str(kinds["failure"]), "errors": str(kinds["error"]),
            "skipped": str(kinds["skipped"])}


def _machine_suite(parent: ET.Element | None, name: str, machine: object, decisions: Sequence[Decision],
                   names: dict[str, str], timestamp: str, warnings: Sequence[str] = ()) -> ET.Element:
    attributes = {"name": _clean(name), **_counts(decisions), "time": "0", "timestamp": timestamp}
    suite = ET.Element("testsuite", attributes) if parent is None else ET.SubElement(parent, "testsuite", attributes)
    facts = machine_dict(machine)
    known = [(key, value) for key, value in facts.items() if key != "name" and value is not None]
    if known:
        properties = ET.SubElement(suite, "properties")
        for key, value in known:
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(properties, "property", {"name": _clean(key), "value": _clean(shown)})
    _cases(suite, name, decisions, names)
    if warnings:
        ET.SubElement(suite, "system-err").text = _clean("\n".join(f"warning: {w}" for w in warnings))
    return suite


def _cases(suite: ET.Element, name: str, decisions: Sequence[Decision], names: dict[str, str]) -> None:
    for decision in decisions:
        case = ET.SubElement(suite, "testcase", {"classname": _clean(name), "name": _clean(names[decision.package]),
                                                 "time": "0"})
        outcome = OUTCOMES.get(decision.verdict)
        if outcome == "skipped":
            ET.SubElement(case, "skipped", {"message": _message(decision)})
            continue
        if outcome is not None:
            element = ET.SubElement(case, outcome, {"message": _message(decision), "type": decision.verdict})
            element.text = _details(decision)
            continue
        ET.SubElement(case, "system-out").text = _details(decision)


def _errors_suite(parent: ET.Element | None, result: AuditResult, timestamp: str) -> ET.Element:
    suite = ET.Element("testsuite") if parent is None else ET.SubElement(parent, "testsuite")
    suite.attrib.update({
        "name": ERRORS_SUITE, "tests": str(len(result.errors)), "failures": "0", "errors": str(len(result.errors)),
        "skipped": "0", "time": "0", "timestamp": timestamp,
    })
    for failure in result.errors:
        case = ET.SubElement(suite, "testcase", {"classname": ERRORS_SUITE, "name": _clean(failure.path),
                                                 "time": "0"})
        error = ET.SubElement(case, "error", {"message": _one_line(error_text(failure)), "type": "package-error"})
        error.text = _clean(failure.error)
    return suite


def audit_junit(result: AuditResult) -> str:
    """The audit as a JUnit XML document (UTF-8, indented), one ``<testsuite>`` per machine in the result's order.

    Test case: class name = machine, name = ``KB<number> <package file name>`` (the path when two packages share
    a file name). Each suite carries the machine's known facts as ``<properties>``; ``timestamp`` is the audit's
    generation time. Verdicts map to JUnit outcomes so that CI systems show restarts as failures:

    - ``reboot-required`` → ``<failure>`` (type ``reboot-required``, message the deciding reason);
    - ``unknown`` → ``<error>`` (type ``unknown``, message the missing facts): the question could not be
      answered, which JUnit calls an error, so ``failures`` counts exactly the required restarts;
    - ``not-applicable`` → ``<skipped>`` (message the reason);
    - ``no-reboot`` and ``reboot-possible`` pass, with every reason in ``<system-out>``.

    Packages that could not be read are error test cases of one more suite, ``ERRORS_SUITE``.
    """
    return "".join(audit_junit_chunks(result))


def _by_machine(decisions: Sequence[Decision]) -> Iterator[tuple[str, list[Decision]]]:
    """Decisions grouped by machine name, groups in first-seen order (one machine's decisions at a time)."""
    if isinstance(decisions, DecisionMatrix):
        # Ordered by machine already: equal names are neighbours.
        current: str | None = None
        items: list[Decision] = []
        for machine, name in enumerate(decisions.machines):
            if name != current and items:
                yield current or "", items
                items = []
            current = name
            items.extend(decisions.at(machine, p) for p in range(len(decisions.packages)))
        if items:
            yield current or "", items
        return
    grouped: dict[str, list[Decision]] = {}
    for decision in decisions:
        grouped.setdefault(decision.machine, []).append(decision)
    yield from grouped.items()


def audit_junit_chunks(result: AuditResult) -> Iterator[str]:
    """:func:`audit_junit` in pieces, one ``<testsuite>`` (one machine) at a time."""
    timestamp = result.generated.removesuffix("Z")
    decisions = ordered_decisions(result)
    names = _case_names(result)
    totals = _counts(decisions)
    errors = len(result.errors)
    root = ET.Element("testsuites", {
        "name": "pkginspect audit", "tests": str(int(totals["tests"]) + errors), "failures": totals["failures"],
        "errors": str(int(totals["errors"]) + errors), "skipped": totals["skipped"], "time": "0",
    })
    machines = {str(getattr(m, "name", "")): m for m in result.machines}
    warnings = stale_warnings(result.classifications)
    suites: Iterator[ET.Element] = (
        _machine_suite(None, name, machines.get(name), items, names, timestamp, warnings)
        for name, items in _by_machine(decisions)
    )
    if result.errors:
        suites = itertools.chain(suites, [_errors_suite(None, result, timestamp)])
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    empty = True
    for suite in suites:
        if empty:
            root.text = "\x00"
            yield ET.tostring(root, encoding="unicode").partition("\x00")[0]
            empty = False
        ET.indent(suite, space="  ", level=1)
        yield "\n  " + ET.tostring(suite, encoding="unicode")
    if empty:
        yield ET.tostring(root, encoding="unicode") + "\n"
    else:
        yield "\n</testsuites>\n"
