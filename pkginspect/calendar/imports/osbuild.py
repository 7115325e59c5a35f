"""The JSON of the WindowsOSBuild PowerShell module: ``Get-LatestOSBuild … | ConvertTo-Json``.

Objects with ``Version`` ("Version 24H2 (OS build 26100)"), ``Build``, ``Availability date``, ``Preview``,
``Out-of-band``, ``KB article`` and, for the Server 2022 hotpatch listing, ``Hotpatch`` (``"False"`` there marks a
hotpatch baseline). Values are PowerShell strings (``"True"``/``"False"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pkginspect.calendar.imports.common import (
    Cadence,
    Observed,
    build_of,
    date_of,
    field,
    flag,
    has_keys,
    kb_of,
    product_for,
    read_each,
    version_of,
)

NAME = "WindowsOSBuild Get-LatestOSBuild JSON (Version, Build, Availability date, KB article…)"
_KEYS = ("Build", "Availability date", "KB article")


def matches(items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the objects are Get-LatestOSBuild output."""
    return has_keys(items, _KEYS)


def read(items: Sequence[Mapping[str, Any]], name: str) -> list[Observed]:
    """The releases of the listing that belong to calendar products."""
    return read_each(items, name, _item)


def _item(item: Mapping[str, Any], source: str) -> Observed | None:
    build = build_of(field(item, "Build"), "Build")
    product = product_for(str(item.get("Version", "")), version_of(item.get("Version")), build)
    if product is None:
        return None
    preview = flag(item.get("Preview"), "Preview")
    out_of_band = flag(item.get("Out-of-band"), "Out-of-band")
    hotpatch = flag(item.get("Hotpatch"), "Hotpatch")
    cadence: Cadence = "out-of-band" if out_of_band else "preview" if preview else "monthly"
    baseline = (hotpatch is False) if hotpatch is not None and cadence == "monthly" else None
    return Observed(product, date_of(field(item, "Availability date"), "Availability date"), build,
                    kb_of(item.get("KB article"), "KB article"), cadence, hotpatch, baseline, None, "S", source)
