"""Renderings of classifications: a table with evidence for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence

from pkginspect.classification import Classification
from pkginspect.paths import base_name

SCHEMA_ID = "https://pkginspect.invalid/schemas/classify.schema.json"


def classify_text(results: Sequence[Classification], errors: Sequence[tuple[str, str]], evidence: bool = True) -> str:
    """One block per package: kind, product, month, baseline, confidence, the deciding rule, the evidence."""
    blocks = []
    for item in results:
        name = base_name(item.package)
        kb = f"KB{item.kb}" if item.kb else "KB?"
        lines = [f"{name}  {kb}  {item.kind}  ({item.confidence} confidence, rule: {item.rule})"]
        lines.append(f"  product {item.product or '-'}, month {item.month or '-'}, build {item.build or '-'}, "
                     f"baseline {item.baseline or '-'}")
        if evidence:
            for fact in item.evidence:
                arrow = f" -> {fact.points_to}" if fact.points_to else ""
                lines.append(f"  - {fact.signal}: {fact.value}{arrow}  [{fact.source}]")
        lines += [f"  ! {conflict}" for conflict in item.conflicts]
        if item.stale:
            lines.append(f"  warning: {item.stale}")
        blocks.append("\n".join(lines))
    if errors:
        blocks.append("\n".join(["errors"] + [f"  {message}" for _, message in errors]))
    return "\n\n".join(blocks) + "\n"


def classify_json(results: Sequence[Classification], errors: Sequence[tuple[str, str]]) -> str:
    """The classifications as JSON valid against ``pkginspect/schemas/classify.schema.json``."""
    document = {
        "$schema": SCHEMA_ID,
        "classifications": [r.to_dict() for r in results],
        "errors": [{"path": path, "error": message} for path, message in errors],
    }
    return json.dumps(document, indent=2) + "\n"
