"""Reading a calendar file (CSV or JSON) into raw rows with their locations, checking only its shape.

Two layouts are read: the calendar layout, one release per row (``COLUMNS``), and the legacy layout of
pkginspect 0.x, one product-month per row with out-of-band releases in the note (``LEGACY_COLUMNS``). A file's
layout is told by its header (CSV) or its first entry's keys (JSON): ``kind``/``cycle`` mean the calendar
layout, anything else the legacy one.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pkginspect import textfiles
from pkginspect.errors import CalendarError
from pkginspect.textfiles import CsvLineError, commented_rows

MAX_CALENDAR_BYTES = 10 * 1024 * 1024
COLUMNS: tuple[str, ...] = ("product", "cycle", "kind", "date", "build", "kb", "chain", "confidence", "note")
REQUIRED_COLUMNS: tuple[str, ...] = ("product", "cycle", "kind", "date")
LEGACY_COLUMNS: tuple[str, ...] = (
    "product", "month", "type", "date", "build", "kb", "lcu_build", "lcu_kb", "confidence", "note",
)
LEGACY_REQUIRED_COLUMNS: tuple[str, ...] = ("product", "month", "type", "date", "build", "kb")
CALENDAR_LAYOUT = "calendar"
LEGACY_LAYOUT = "legacy"
_MARKERS = ("kind", "cycle")
_JSON_TOP_KEYS = ("releases", "$schema")
# Keys of Microsoft's release data (Graph, Intune, the PowerShell modules), which `calendar import` reads.
_RELEASE_DATA_KEYS = ("@odata.context", "value", "@odata.type", "Build", "Availability date", "KB article",
                      "Calendar Year", "Version", "Operating System")
_IMPORT_HINT = " (Microsoft release data? turn it into a calendar file with: pkginspect calendar import FILE -o OUT)"


@dataclass(frozen=True)
class RawRow:
    """One row or entry as read: where it is (``line 7``, ``entry 3``) and its values by column.

    CSV values are stripped strings; JSON values are whatever the JSON held (checked later).
    """

    location: str
    values: dict[str, object]


@dataclass(frozen=True)
class RawRows:
    """The rows of one file and its layout (``CALENDAR_LAYOUT`` or ``LEGACY_LAYOUT``)."""

    layout: str
    rows: list[RawRow]


def _layout(keys: list[str]) -> str:
    return CALENDAR_LAYOUT if any(key in _MARKERS for key in keys) else LEGACY_LAYOUT


def _columns(layout: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if layout == CALENDAR_LAYOUT:
        return COLUMNS, REQUIRED_COLUMNS
    return LEGACY_COLUMNS, LEGACY_REQUIRED_COLUMNS


def read_text(path: str | os.PathLike[str], name: str, limit: int = MAX_CALENDAR_BYTES) -> str:
    """The file's text (UTF-8, optional BOM), refusing files over ``limit`` bytes."""
    return textfiles.read_text(path, limit=limit, error=CalendarError, what="a calendar file", name=name)


def is_json(path: str | os.PathLike[str], text: str) -> bool:
    """JSON by extension (``.json``), CSV by extension (``.csv``); otherwise JSON when it starts with ``[``/``{``."""
    suffix = Path(path).suffix.casefold()
    if suffix in (".json", ".csv"):
        return suffix == ".json"
    return text.lstrip()[:1] in ("[", "{")


def read_rows(path: str | os.PathLike[str], name: str | None = None) -> RawRows:
    """Read a CSV or JSON calendar file into raw rows; ``name`` is how errors call the file (default: the path)."""
    label = os.fspath(path) if name is None else name
    text = read_text(path, label)
    if not text.strip():
        raise CalendarError(label, "empty file")
    found = json_rows(text, label) if is_json(path, text) else csv_rows(text, label)
    if not found.rows:
        raise CalendarError(label, "no releases in the file")
    return found


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def csv_rows(text: str, name: str) -> RawRows:
    """Rows of a CSV calendar: ``#`` lines are comments, the first other line is the header."""
    header: list[str] | None = None
    layout = CALENDAR_LAYOUT
    rows: list[RawRow] = []
    try:
        for line, fields in commented_rows(text):
            if header is None:
                layout = _layout([field.strip().casefold() for field in fields])
                header = _header(fields, name, line, layout)
                continue
            if len(fields) != len(header):
                raise CalendarError(name, f"line {line}: {len(fields)} fields, the header has {len(header)}")
            rows.append(RawRow(f"line {line}", {key: value.strip() for key, value in zip(header, fields, strict=True)}))
    except CsvLineError as error:
        raise CalendarError(name, f"line {error.line or '?'}: not valid CSV: {error}") from None
    if header is None:
        raise CalendarError(name, "empty file (only comments)")
    return RawRows(layout, rows)


def _header(fields: list[str], name: str, line: int, layout: str) -> list[str]:
    header = [field.strip().casefold() for field in fields]
    columns, required = _columns(layout)
    for column in header:
        if column not in columns:
            raise CalendarError(name, f"line {line}: unknown column {column!r}{_suggest(column, columns)}")
        if header.count(column) > 1:
            raise CalendarError(name, f"line {line}: column {column!r} appears twice")
    missing = [column for column in required if column not in header]
    if missing:
        raise CalendarError(name, f"line {line}: missing required column(s): {', '.join(missing)}")
    return header


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"key {key!r} appears twice in one object")
        result[key] = value
    return result


def json_rows(text: str, name: str) -> RawRows:
    """Entries of a JSON calendar: a list of objects, or ``{"releases": [...]}``; entries are numbered from 1."""
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise CalendarError(name, f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except ValueError as error:  # a duplicate key
        raise CalendarError(name, f"not valid calendar JSON: {error}") from None
    except RecursionError:
        raise CalendarError(name, "not valid calendar JSON: nested too deeply") from None
    if isinstance(document, dict):
        extra = [key for key in document if key not in _JSON_TOP_KEYS]
        if extra:
            raise CalendarError(name, f"unknown top-level key {extra[0]!r}{_suggest(extra[0], _JSON_TOP_KEYS)}"
                                      f"{_IMPORT_HINT if extra[0] in _RELEASE_DATA_KEYS else ''}")
        if "releases" not in document:
            raise CalendarError(name, "the JSON object has no 'releases' list")
        document = document["releases"]
    if not isinstance(document, list):
        raise CalendarError(name, "expected a JSON list of releases or an object with a 'releases' list")
    first = document[0] if document and isinstance(document[0], dict) else {}
    layout = _layout([str(key) for key in first])
    return RawRows(layout, list(_entries(document, name, layout)))


def _entries(document: list[Any], name: str, layout: str) -> Iterator[RawRow]:
    columns, required = _columns(layout)
    for index, entry in enumerate(document, 1):
        location = f"entry {index}"
        if not isinstance(entry, dict):
            raise CalendarError(name, f"{location}: expected an object, found {type(entry).__name__}")
        for key in entry:
            if key not in columns:
                hint = _IMPORT_HINT if key in _RELEASE_DATA_KEYS else ""
                raise CalendarError(name, f"{location}: unknown key {key!r}{_suggest(key, columns)}{hint}")
        missing = [key for key in required if key not in entry]
        if missing:
            raise CalendarError(name, f"{location}: missing required key(s): {', '.join(missing)}")
        yield RawRow(location, dict(entry))
