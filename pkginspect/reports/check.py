"""Renderings of ``check`` decisions: one line per machine × package (with reasons on request), or JSON."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Sequence

from pkginspect.batch import DecisionMatrix
from pkginspect.package.many import PackageFailure
from pkginspect.paths import base_name
from pkginspect.reports._common import kb_label, pretty_json
from pkginspect.rules.decide import Decision

SCHEMA_ID = "https://pkginspect.invalid/schemas/check.schema.json"


def check_text(decisions: Sequence[Decision], explain: bool = False, warnings: Sequence[str] = ()) -> str:
    """``machine  package  KB  kind  verdict``, then with ``explain`` the reasons, each with its rule and facts.

    ``warnings`` (a stale calendar, see ``classification.stale_warnings``) are listed after the decisions.
    """
    return "".join(check_text_chunks(decisions, explain, warnings))


def check_text_chunks(decisions: Sequence[Decision], explain: bool = False, warnings: Sequence[str] = (),
                      batch: int = 2000) -> Iterator[str]:
    """:func:`check_text` in pieces of ``batch`` decisions: the lines are never all held at once."""
    names: dict[str, str] = {}

    def package_name(path: str) -> str:
        return names.get(path) or names.setdefault(path, base_name(path))

    columns: list[Sequence[str]]
    if isinstance(decisions, DecisionMatrix):  # the columns' widths without making every decision
        packages = decisions.packages
        columns = [decisions.machines, [package_name(path) for path, _, _ in packages],
                   [kb_label(kb) for _, kb, _ in packages], [kind for _, _, kind in packages]]
    else:
        columns = [[d.machine for d in decisions], [package_name(d.package) for d in decisions],
                   [kb_label(d.kb) for d in decisions], [d.kind for d in decisions]]
    w0, w1, w2, w3 = (max(map(len, column), default=0) for column in columns)
    lines: list[str] = []
    for index, decision in enumerate(decisions, 1):
        lines.append(decision.machine.ljust(w0) + "  " + package_name(decision.package).ljust(w1) + "  "
                     + kb_label(decision.kb).ljust(w2) + "  " + decision.kind.ljust(w3) + "  " + decision.verdict)
        if explain:
            for reason in decision.reasons:
                lines.append(f"    [{reason.rule}] {reason.message}")
                facts = ", ".join(f"{name}={_show(value)}" for name, value in reason.facts)
                if facts:
                    lines.append(f"      facts: {facts}")
        elif decision.missing:
            lines.append(f"    missing: {', '.join(decision.missing)}")
        if index % batch == 0:
            yield "\n".join(lines) + "\n"
            lines = []
    if warnings:
        lines.append("warnings")
        lines += [f"  {warning}" for warning in warnings]
    if lines or not decisions:
        yield "\n".join(lines) + "\n"


def _show(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def check_json(decisions: Sequence[Decision], errors: Sequence[PackageFailure] = (),
               warnings: Sequence[str] = ()) -> str:
    """The decisions as JSON valid against ``pkginspect/schemas/check.schema.json``."""
    return "".join(check_json_chunks(decisions, errors, warnings))


_SLOT = "\x00decisions"
"""Stands for the decisions while the rest of the document is dumped (a machine name cannot hold NUL)."""


def check_json_chunks(decisions: Sequence[Decision], errors: Sequence[PackageFailure] = (),
                      warnings: Sequence[str] = (), batch: int = 2000) -> Iterator[str]:
    """:func:`check_json` in pieces: the same indented text, the decisions dumped ``batch`` at a time."""
    document = {
        "$schema": SCHEMA_ID,
        "decisions": [_SLOT] if decisions else [],
        "errors": [e.to_dict() for e in errors],
        "warnings": list(warnings),
    }
    text = pretty_json(document)
    if not decisions:
        yield text
        return
    slot = "    " + json.dumps(_SLOT)
    before, after = text.split(slot, 1)
    yield before
    pieces: list[str] = []
    for index, decision in enumerate(decisions, 1):
        pieces.append(textwrap.indent(json.dumps(decision.to_dict(), indent=2), "    "))
        if index % batch == 0:
            yield ("" if index == batch else ",\n") + ",\n".join(pieces)
            pieces = []
    if pieces:
        yield ("" if len(decisions) <= batch else ",\n") + ",\n".join(pieces)
    yield after
