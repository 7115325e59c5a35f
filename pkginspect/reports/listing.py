"""Text and JSON renderings of a package's member tree (``pkginspect ls``) and of extraction results."""

from __future__ import annotations

from collections.abc import Sequence

from pkginspect.containers import Entry, Extracted
from pkginspect.errors import printable
from pkginspect.reports._common import pretty_json, size


def entry_dict(entry: Entry) -> dict[str, object]:
    """Plain JSON-able data for one listed member."""
    member = entry.member
    return {
        "path": entry.path,
        "name": member.name,
        "size": member.size,
        "compression": member.compression,
        "depth": entry.depth,
        "is_dir": member.is_dir,
        "special": member.special,
        "container": entry.container,
        "folder": member.folder,
        "modified": member.modified.isoformat() if member.modified else None,
    }


def listing_json(package: str, kind: str, total: int, entries: Sequence[Entry]) -> str:
    """The listing as a JSON document."""
    return pretty_json({"package": package, "kind": kind, "size": total, "members": [entry_dict(e) for e in entries]})


def listing_text(package: str, kind: str, total: int, entries: Sequence[Entry]) -> str:
    """The listing as an indented tree: size, compression, name; nested containers marked."""
    lines = [f"{package}  ({kind}, {size(total)}, {len(entries)} members)"]
    for entry in entries:
        member = entry.member
        marker = f"  [{entry.container}]" if entry.container else ("/" if member.is_dir else "")
        if member.special:
            marker = f"  [{member.special}, not read]"
        indent = "  " * entry.depth
        lines.append(f"{size(member.size):>10}  {member.compression:<9} {indent}{printable(member.name)}{marker}")
    return "\n".join(lines) + "\n"


def extraction_text(destination: str, results: Sequence[Extracted]) -> str:
    """One line per written file, with notes on sanitised or renamed names."""
    lines = []
    for item in results:
        note = f"  ({printable(item.note)})" if item.note else ""
        if not item.target:
            lines.append(f"{'skipped':>10}  {printable(item.member)}{note}")
            continue
        lines.append(f"{size(item.size):>10}  {printable(item.target)}{note}")
    written = sum(1 for item in results if item.target)
    lines.append(f"{written} file{'' if written == 1 else 's'} written to {printable(destination)}")
    return "\n".join(lines) + "\n"


def extraction_json(destination: str, results: Sequence[Extracted]) -> str:
    """Extraction results as JSON."""
    return pretty_json({
        "destination": destination,
        "files": [{"member": r.member, "target": r.target, "size": r.size, "note": r.note} for r in results],
    })
