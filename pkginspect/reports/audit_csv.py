"""The audit as CSV: one row per machine × package, for spreadsheets (RFC 4180: CRLF line ends, quoted as needed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pkginspect.batch import AuditResult, DecisionMatrix
from pkginspect.paths import base_name
from pkginspect.reports._common import BATCH, csv_line, ordered_decisions
from pkginspect.rules.decide import Decision

COLUMNS = ("machine", "package", "kb", "kind", "confidence", "verdict", "rule", "reasons", "missing", "path",
           "warning")
"""The header row. ``rule`` is the deciding rule (the first reason); ``reasons`` and ``missing`` are joined
with ``SEPARATOR``; ``path`` is the package path as given to the audit (``package`` is its file name);
``warning`` says when the calendar is older than the package (its kind is then a guess)."""
SEPARATOR = " | "


def _row(decision: Decision, confidence: dict[str, str], stale: dict[str, str]) -> list[str]:
    rule = decision.reasons[0].rule if decision.reasons else ""
    return [
        decision.machine,
        base_name(decision.package),
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


def _line(values: Sequence[str]) -> str:
    return csv_line(values) + "\r\n"


def _lines(result: AuditResult) -> Iterator[str]:
    confidence = {c.package: c.confidence for c in result.classifications}
    stale = {c.package: c.stale for c in result.classifications if c.stale}
    decisions = ordered_decisions(result)
    if not isinstance(decisions, DecisionMatrix):
        for decision in decisions:
            yield _line(_row(decision, confidence, stale))
        return
    # Every field but the machine depends only on the package and its outcome: encode those once.
    tails: dict[tuple[int, int], str] = {}
    for machine, name in enumerate(decisions.machines):
        head = csv_line([name])
        row = decisions.rows[decisions.machine_rows[machine]]
        for package, outcome in enumerate(row):
            tail = tails.get((package, id(outcome)))
            if tail is None:
                sample = decisions.at(machine, package)
                tail = tails[(package, id(outcome))] = _line(_row(sample, confidence, stale)[1:])
            yield f"{head},{tail}"


def audit_csv_chunks(result: AuditResult) -> Iterator[str]:
    """:func:`audit_csv` in pieces of a few thousand rows, made as they are written."""
    yield _line(COLUMNS)
    batch: list[str] = []
    for line in _lines(result):
        batch.append(line)
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def audit_csv(result: AuditResult) -> str:
    """A header row (``COLUMNS``) then one row per decision, ordered by machine then package.

    Lines end with CRLF as RFC 4180 says (spreadsheets read LF too); fields are quoted only when they hold a
    comma, a quote or a line break. No byte-order mark. A field that starts with ``= + - @``, a tab or a carriage
    return gets a leading ``'`` so that spreadsheets show it instead of evaluating it.
    """
    return "".join(audit_csv_chunks(result))
