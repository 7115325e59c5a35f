"""The audit as JSON: ``AuditResult.to_dict()`` with its ``$schema``, valid against ``schemas/audit.schema.json``."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from pkginspect.batch import AuditResult, DecisionMatrix, OutcomeTable
from pkginspect.reports._common import compact_json as _dump

SCHEMA_ID = "https://pkginspect.invalid/schemas/audit.schema.json"


BATCH = 5000
"""Decisions per chunk of the streamed report."""


def _decision_texts(result: AuditResult, table: OutcomeTable) -> Iterator[str]:
    decisions = result.decisions
    if not isinstance(decisions, DecisionMatrix):
        for decision in decisions:
            yield _dump(table.decision_dict(decision))
        return
    # A decision's text is its machine's name, its package's part and its outcome's part: only the outcome
    # numbers of each distinct row are kept (the text of table.decision_dict's dict, piece by piece).
    parts = ['"package":' + _dump(path) + ',"kb":' + _dump(kb) + ',"kind":' + _dump(kind) + ',"verdict":'
             for path, kb, kind in decisions.packages]
    numbered: dict[int, array[int]] = {}
    for machine, name in enumerate(decisions.machines):
        head = '{"machine":' + _dump(name) + ","
        number = decisions.machine_rows[machine]
        row = decisions.rows[number]
        numbers = numbered.get(number)
        if numbers is None:
            numbers = numbered[number] = array("I", (table.number(o.verdict, o.reasons, o.missing) for o in row))
        for package, outcome in enumerate(row):
            yield head + parts[package] + _dump(outcome.verdict) + ',"outcome":' + str(numbers[package]) + "}"


def audit_json_chunks(result: AuditResult) -> Iterator[str]:
    """:func:`audit_json` in pieces: the head, then the decisions a few thousand at a time, then the outcomes."""
    head = _dump({"$schema": SCHEMA_ID, **result.head_dict(machines=False)})
    yield head[:-1] + ',"machines":['
    for text in _batches(map(_dump, result.machine_dicts())):
        yield text
    yield '],"decisions":['
    table = OutcomeTable(encode=_dump, deferred=True)
    for text in _batches(_decision_texts(result, table)):
        yield text
    yield '],"outcomes":['
    for text in _batches(table.texts()):
        yield text
    yield '],"errors":' + _dump(result.error_dicts()) + "}\n"


def _batches(texts: Iterator[str]) -> Iterator[str]:
    """The texts joined by commas, ``BATCH`` at a time."""
    batch: list[str] = []
    first = True
    for text in texts:
        batch.append(text)
        if len(batch) >= BATCH:
            yield ("" if first else ",") + ",".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(batch)


def audit_json(result: AuditResult) -> str:
    """The whole result (packages with their classification, machines, decisions, outcomes, errors) as JSON.

    Key order is fixed and lists keep the result's order (sorted by the audit), so equal results give equal text.
    Written compactly, one line: an audit can hold a million decisions, and the indented form is several times
    larger and slower to write (pipe it through ``jq .`` to read it).
    """
    return "".join(audit_json_chunks(result))
