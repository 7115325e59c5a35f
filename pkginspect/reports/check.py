"""Renderings of ``check`` decisions: one line per machine × package (with reasons on request), or JSON."""

from __future__ import annotations

from collections.abc import Sequence

from pkginspect.package.many import PackageFailure
from pkginspect.paths import base_name
from pkginspect.reports._common import kb_label, pretty_json
from pkginspect.rules.decide import Decision

SCHEMA_ID = "https://pkginspect.invalid/schemas/check.schema.json"


def check_text(decisions: Sequence[Decision], explain: bool = False, warnings: Sequence[str] = ()) -> str:
    """``machine  package  KB  kind  verdict``, then with ``explain`` the reasons, each with its rule and facts.

    ``warnings`` (a stale calendar, see ``classification.stale_warnings``) are listed after the decisions.
    """
    names: dict[str, str] = {}
    rows = [(d.machine, names.get(d.package) or names.setdefault(d.package, base_name(d.package)),
             kb_label(d.kb), d.kind, d.verdict) for d in decisions]
    widths = [max([len(r[i]) for r in rows] + [0]) for i in range(4)]
    lines = []
    w0, w1, w2, w3 = widths
    for decision, (machine, package, kb, kind, verdict) in zip(decisions, rows, strict=True):
        lines.append(machine.ljust(w0) + "  " + package.ljust(w1) + "  " + kb.ljust(w2) + "  " + kind.ljust(w3) + "  "
                     + verdict)
        if explain:
            for reason in decision.reasons:
                lines.append(f"    [{reason.rule}] {reason.message}")
                facts = ", ".join(f"{name}={_show(value)}" for name, value in reason.facts)
                if facts:
                    lines.append(f"      facts: {facts}")
        elif decision.missing:
            lines.append(f"    missing: {', '.join(decision.missing)}")
    if warnings:
        lines.append("warnings")
        lines += [f"  {warning}" for warning in warnings]
    return "\n".join(lines) + "\n"


def _show(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def check_json(decisions: Sequence[Decision], errors: Sequence[PackageFailure] = (),
               warnings: Sequence[str] = ()) -> str:
    """The decisions as JSON valid against ``pkginspect/schemas/check.schema.json``."""
    document = {
        "$schema": SCHEMA_ID,
        "decisions": [d.to_dict() for d in decisions],
        "errors": [e.to_dict() for e in errors],
        "warnings": list(warnings),
    }
    return pretty_json(document)
