"""The audit as JSON: ``AuditResult.to_dict()`` with its ``$schema``, valid against ``schemas/audit.schema.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pkginspect.batch import AuditResult, DecisionMatrix, OutcomeTable

SCHEMA_ID = "https://pkginspect.invalid/schemas/audit.schema.json"


BATCH = 5000
"""Decisions per chunk of the streamed report."""


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _decision_texts(result: AuditResult, table: OutcomeTable) -> Iterator[str]:
    decisions = result.decisions
    if not isinstance(decisions, DecisionMatrix):
        for decision in decisions:
            yield _dump(table.decision_dict(decision))
        return
    # A decision's text is its machine's name and a part fixed by its package and outcome: build that once.
    tails: dict[tuple[int, int], str] = {}
    for machine, name in enumerate(decisions.machines):
        head = '{"machine":' + _dump(name) + ","
        row = decisions.rows[decisions.machine_rows[machine]]
        for package, outcome in enumerate(row):
            tail = tails.get((package, id(outcome)))
            if tail is None:
                text = _dump(table.decision_dict(decisions.at(machine, package)))
                tail = tails[(package, id(outcome))] = text[len(head):]
            yield head + tail


def audit_json_chunks(result: AuditResult) -> Iterator[str]:
    """:func:`audit_json` in pieces: the head, then the decisions a few thousand at a time, then the outcomes."""
    head = _dump({"$schema": SCHEMA_ID, **result.head_dict()})
    yield head[:-1] + ',"decisions":['
    table = OutcomeTable(encode=_dump)
    batch: list[str] = []
    first = True
    for text in _decision_texts(result, table):
        batch.append(text)
        if len(batch) >= BATCH:
            yield ("" if first else ",") + ",".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield '],"outcomes":[' + ",".join(table.outcomes) + '],"errors":' + _dump(result.error_dicts()) + "}\n"


def audit_json(result: AuditResult) -> str:
    """The whole result (packages with their classification, machines, decisions, outcomes, errors) as JSON.

    Key order is fixed and lists keep the result's order (sorted by the audit), so equal results give equal text.
    Written compactly, one line: an audit can hold a million decisions, and the indented form is several times
    larger and slower to write (pipe it through ``jq .`` to read it).
    """
    return "".join(audit_json_chunks(result))
