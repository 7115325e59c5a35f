"""The JSON of the WindowsReleaseInformation PowerShell module: ``Get-WinHotpatchCalendar``.

Objects with ``Operating System``, ``Version`` (24H2, 25H2), ``Calendar Year``, ``Month`` (January …), ``Update
type`` (``2026.01 B``), ``Type`` (``Baseline (Restart)`` or ``Hotpatch``), ``Availability date``, ``OS build`` and
``KB article`` — Microsoft's Windows 11 hotpatch calendar. Scheduled rows without build or KB are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pkginspect.calendar.imports.common import (
    Cadence,
    ImportProblem,
    Observed,
    build_of,
    date_of,
    field,
    has_keys,
    kb_of,
    month_of,
    product_for,
    read_each,
    version_of,
)

NAME = "WindowsReleaseInformation Get-WinHotpatchCalendar JSON (Version, Calendar Year, Month, Type, OS build…)"
_KEYS = ("Calendar Year", "Month", "Type")


def matches(items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the objects are Get-WinHotpatchCalendar output."""
    return has_keys(items, _KEYS)


def read(items: Sequence[Mapping[str, Any]], name: str) -> list[Observed]:
    """The released rows of the hotpatch calendar."""
    return read_each(items, name, _item)


def _item(item: Mapping[str, Any], source: str) -> Observed | None:
    build = build_of(item.get("OS build"), "OS build")
    kb = kb_of(item.get("KB article"), "KB article")
    if build is None and kb is None:
        return None  # scheduled, not released yet
    version = version_of(item.get("Version"))
    product = product_for(str(item.get("Operating System", "Windows 11")), version, build)
    if product is None:
        return None
    cycle = month_of(field(item, "Calendar Year"), field(item, "Month"))
    kind = str(field(item, "Type")).casefold()
    label = str(item.get("Update type") or "")
    if "hotpatch" not in kind and "baseline" not in kind:
        raise ImportProblem(f"Type {item.get('Type')!r} is neither a hotpatch nor a baseline")
    cadence: Cadence = "out-of-band" if "oob" in label.casefold() or "out-of-band" in kind else "monthly"
    hotpatch = "hotpatch" in kind
    return Observed(product, date_of(field(item, "Availability date"), "Availability date"), build, kb, cadence,
                    hotpatch, not hotpatch, cycle, "S", source, label)
