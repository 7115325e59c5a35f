"""The audit as CSV: one row per machine × package, for spreadsheets (RFC 4180: CRLF line ends, quoted as needed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pkginspect.batch import AuditResult
from pkginspect.rules.decide import Decision

COLUMNS = ("machine", "package", "kb", "kind", "confidence", "verdict", "rule", "reasons", "missing", "path",
           "warning")
"""The header row. ``rule`` is the deciding rule (the first reason); ``reasons`` and ``missing`` are joined
with ``SEPARATOR``; ``path`` is the package path as given to the audit (``package`` is its file name);
``warning`` says when the calendar is older than the package (its kind is then a guess)."""
SEPARATOR = " | "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    # A cell a spreadsheet would run as a formula is kept as text (OWASP "CSV injection").
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def file_name(path: str) -> str:
    """The last component of a package path (``/`` and backslash both separate)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def ordered_decisions(result: AuditResult) -> list[Decision]:
    """The decisions by machine (the result's machine order), then package (the result's package order)."""
    machines = {getattr(m, "name", None): n for n, m in enumerate(result.machines)}
    packages = {p.path: n for n, p in enumerate(result.packages)}
    return sorted(result.decisions, key=lambda d: (machines.get(d.machine, len(machines)), d.machine,
                                                   packages.get(d.package, len(packages)), d.package))


def _rows(result: AuditResult) -> Iterator[list[str]]:
    confidence = {c.package: c.confidence for c in result.classifications}
    stale = {c.package: c.stale for c in result.classifications if c.stale}
    for decision in ordered_decisions(result):
        rule = decision.reasons[0].rule if decision.reasons else ""
        yield [
            decision.machine,
            file_name(decision.package),
            f"KB{decision.kb}" if decision.kb is not None else "",
            decision.kind,
            confidence.get(decision.package, ""),
            decision.verdict,
            rule,
            SEPARATOR.join(" ".join(r.message.split()) for r in decision.reasons),
            SEPARATOR.join(decision.missing),
            decision.package,
            stale.get(decision.package, ""),
        ]


def audit_csv(result: AuditResult) -> str:
    """A header row (``COLUMNS``) then one row per decision, ordered by machine then package.

    Lines end with CRLF as RFC 4180 says (spreadsheets read LF too); fields are quoted only when they hold a
    comma, a quote or a line break. No byte-order mark. A field that starts with ``= + - @``, a tab or a carriage
    return gets a leading ``'`` so that spreadsheets show it instead of evaluating it.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in _rows(result):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
