"""Importing release data from machine-readable sources into calendar entries (``pkginspect calendar import``).

Read, by shape: a saved Microsoft Graph Windows Updates catalog response (``graph``), an Intune
windowsQualityUpdateCatalogItems response (``intune``), and the JSON of the WindowsOSBuild ``Get-LatestOSBuild``
(``osbuild``) and WindowsReleaseInformation ``Get-WinHotpatchCalendar`` (``hotpatch_calendar``) PowerShell
modules. Releases of products outside the calendar (Windows 10 …) are left out; kinds and cycles are settled
across all the files (a monthly update beside a hotpatch of the same month is the regular one).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pkginspect import textfiles
from pkginspect.calendar.imports import graph, hotpatch_calendar, intune, osbuild
from pkginspect.calendar.imports.common import ImportProblem, Observed, objects, settle
from pkginspect.calendar.lookup import Calendar
from pkginspect.calendar.model import Entry
from pkginspect.calendar.validate import Located, check_kbs, check_months
from pkginspect.errors import CalendarError

MAX_IMPORT_BYTES = 64 * 1024 * 1024
READERS = (graph, intune, osbuild, hotpatch_calendar)
SHAPES = "; ".join(reader.NAME for reader in READERS)

PathLike = str | os.PathLike[str]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return dict(pairs)


def read_release_file(path: PathLike, name: str | None = None) -> list[Observed]:
    """The releases one saved response or module output states; CalendarError naming the file otherwise."""
    label = os.fspath(path) if name is None else name
    text = textfiles.read_text(path, limit=MAX_IMPORT_BYTES, error=CalendarError, what="a release-data file",
                               name=label, utf16=True)
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise CalendarError(label, f"not JSON ({error.msg} at line {error.lineno} column {error.colno}); "
                                   f"calendar import reads: {SHAPES}") from None
    except RecursionError:
        raise CalendarError(label, "not valid JSON: nested too deeply") from None
    try:
        items = objects(document, "the document")
    except ImportProblem as problem:
        raise CalendarError(label, f"{problem}; calendar import reads: {SHAPES}") from None
    bad = next((index for index, item in enumerate(items, 1) if not isinstance(item, Mapping)), None)
    if bad is not None:
        raise CalendarError(label, f"entry {bad}: expected an object; calendar import reads: {SHAPES}")
    for reader in READERS:
        if reader.matches(items):
            try:
                return reader.read(items, label)
            except ImportProblem as problem:
                raise CalendarError(label, f"{problem} (read as {reader.NAME})") from None
    raise CalendarError(label, f"not a release-data file pkginspect knows; calendar import reads: {SHAPES}")


def _located(entry: Entry, order: int) -> Located:
    file, _, where = entry.source.rpartition(":")
    return Located(entry, file, where, order)


def import_files(paths: PathLike | Iterable[PathLike]) -> list[Entry]:
    """The calendar entries of the given release-data files, settled together and checked.

    Raises CalendarError when a file cannot be read, holds no release of a calendar product, or the releases
    contradict each other (two hotpatches of one month, one KB for two releases …).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = (paths,)
    names = [os.fspath(path) for path in paths]
    observed: list[Observed] = []
    for path, name in zip(paths, names, strict=True):
        found = read_release_file(path, name)
        if not found:
            raise CalendarError(name, "no release of a calendar product in the file (products: Server 2022 Azure "
                                      "Edition, Server 2025, Windows 11 24H2 and later)")
        observed += found
    entries = settle(observed)
    located = [_located(entry, 1) for entry in entries]
    label = names[0] if len(names) == 1 else f"the import of {', '.join(names)}"
    check_months(located, label)
    check_kbs(located)
    Calendar(entries)
    return entries


def describe(entries: Sequence[Entry]) -> str:
    """``12 releases of windows-11-24h2, windows-server-2025 from 2026-01 to 2026-03``."""
    if not entries:
        return "no releases"
    products = sorted({entry.product for entry in entries})
    first, last = min(e.cycle for e in entries), max(e.cycle for e in entries)
    return f"{len(entries)} releases of {', '.join(products)} from {first} to {last}"
