"""The audit as JSON: ``AuditResult.to_dict()`` with its ``$schema``, valid against ``schemas/audit.schema.json``."""

from __future__ import annotations

import json

from pkginspect.batch import AuditResult

SCHEMA_ID = "https://pkginspect.invalid/schemas/audit.schema.json"


def audit_json(result: AuditResult) -> str:
    """The whole result (packages with their classification, machines, decisions, errors) as indented JSON.

    Key order is fixed and lists keep the result's order (sorted by the audit), so equal results give equal text.
    """
    document = {"$schema": SCHEMA_ID, **result.to_dict()}
    return json.dumps(document, indent=2) + "\n"
