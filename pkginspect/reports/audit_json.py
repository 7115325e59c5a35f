"""The audit as JSON: ``AuditResult.to_dict()`` with its ``$schema``, valid against ``schemas/audit.schema.json``."""

from __future__ import annotations

import json

from pkginspect.batch import AuditResult

SCHEMA_ID = "https://pkginspect.invalid/schemas/audit.schema.json"


def audit_json(result: AuditResult) -> str:
    """The whole result (packages with their classification, machines, decisions, outcomes, errors) as JSON.

    Key order is fixed and lists keep the result's order (sorted by the audit), so equal results give equal text.
    Written compactly, one line: an audit can hold a million decisions, and the indented form is several times
    larger and slower to write (pipe it through ``jq .`` to read it).
    """
    document = {"$schema": SCHEMA_ID, **result.to_dict()}
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False) + "\n"
