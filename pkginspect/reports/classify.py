"""Renderings of classifications: a table with evidence for people, JSON for machines."""

from __future__ import annotations

from collections.abc import Sequence

from pkginspect.classification import Classification
from pkginspect.package.many import PackageFailure
from pkginspect.paths import base_name
from pkginspect.reports._common import kb_label, pretty_json

SCHEMA_ID = "https://pkginspect.invalid/schemas/classify.schema.json"


def classify_text(results: Sequence[Classification], evidence: bool = True) -> str:
    """One block per package: kind, product, month, baseline, confidence, the deciding rule, the evidence."""
    blocks = []
    for item in results:
        lines = [f"{base_name(item.package)}  {kb_label(item.kb)}  {item.kind}  "
                 f"({item.confidence} confidence, rule: {item.rule})"]
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
    return "\n\n".join(blocks) + "\n"


def classify_json(results: Sequence[Classification], errors: Sequence[PackageFailure] = ()) -> str:
    """The classifications as JSON valid against ``pkginspect/schemas/classify.schema.json``."""
    document = {
        "$schema": SCHEMA_ID,
        "classifications": [r.to_dict() for r in results],
        "errors": [e.to_dict() for e in errors],
    }
    return pretty_json(document)
