"""Writing entries as a calendar file in the calendar layout (one release per row), CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from pkginspect.calendar.lookup import Calendar
from pkginspect.calendar.model import Entry
from pkginspect.calendar.rows import COLUMNS

HEADER_COMMENT = (
    "# pkginspect calendar: one release per row.",
    "# kind: baseline-planned | baseline-unplanned | hotpatch | lcu | oob-lcu | oob-hotpatch | preview.",
    "# cycle: the month the release belongs to (an out-of-band release may be dated early in the next month).",
    "# build/kb: either may be empty when not known yet. chain: starts | keeps | breaks (empty: the kind's default).",
    "# confidence: P = Microsoft release health / documentation; S = secondary or inferred; ? = unknown.",
)


def _row(entry: Entry) -> dict[str, str]:
    return {
        "product": entry.product,
        "cycle": str(entry.cycle),
        "kind": entry.kind,
        "date": entry.date.isoformat(),
        "build": entry.build or "",
        "kb": f"KB{entry.kb}" if entry.kb is not None else "",
        "chain": entry.chain if entry.chain_stated else "",
        "confidence": entry.confidence,
        "note": entry.note,
    }


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in the calendar's order (product, month, kind, date)."""
    return list(Calendar(entries))


def entries_csv(entries: Iterable[Entry], comments: Sequence[str] = HEADER_COMMENT) -> str:
    """The entries as CSV in the calendar layout (``COLUMNS``), after ``comments`` (``#`` lines), in calendar order."""
    out = io.StringIO()
    for line in comments:
        out.write(line + "\n")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in ordered(entries):
        writer.writerow(_row(entry))
    return out.getvalue()


def entries_json(entries: Iterable[Entry]) -> str:
    """The entries as ``{"releases": [...]}`` JSON objects with the calendar layout's keys, in calendar order."""
    rows = [{key: value for key, value in _row(entry).items() if value != ""} for entry in ordered(entries)]
    return json.dumps({"releases": rows}, indent=2, ensure_ascii=False) + "\n"
