"""Loading the calendar: the bundled data, then user calendar files merged over it."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from importlib import resources

from pkginspect.calendar.lookup import Calendar
from pkginspect.calendar.model import Month
from pkginspect.calendar.rows import csv_rows, read_rows
from pkginspect.calendar.validate import Located, check_kbs, releases_from_rows
from pkginspect.errors import CalendarError

BUNDLED_NAME = "pkginspect/calendar/data/calendar.csv"

PathLike = str | os.PathLike[str]


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[Located, ...]:
    resource = resources.files("pkginspect.calendar").joinpath("data").joinpath("calendar.csv")
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarError(BUNDLED_NAME, f"cannot read the bundled calendar: {error}") from None
    return tuple(releases_from_rows(csv_rows(text, BUNDLED_NAME), BUNDLED_NAME, 0))


def load_calendar(paths: PathLike | Iterable[PathLike] = (), *, bundled: bool = True) -> Calendar:
    """The bundled calendar (unless ``bundled=False``) with the given user calendar files merged over it in order.

    A user file is CSV (the bundled file's columns, ``#`` comment lines allowed) or JSON (a list of objects with
    the same keys, or ``{"releases": [...]}``). A row for a (product, month) that is already known replaces it; new
    months and new calendar products (from ``KNOWN_PRODUCTS``) are added. Any problem raises CalendarError naming
    the file and the line (CSV) or entry (JSON, numbered from 1).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = (paths,)
    merged: dict[tuple[str, Month], Located] = {}
    sources: list[str] = []
    if bundled:
        merged.update(((item.release.product, item.release.month), item) for item in _bundled())
        sources.append(BUNDLED_NAME)
    for order, path in enumerate(paths, 1):
        name = os.fspath(path)
        for item in releases_from_rows(read_rows(path, name), name, order):
            merged[(item.release.product, item.release.month)] = item
        sources.append(name)
    check_kbs(list(merged.values()))
    return Calendar((item.release for item in merged.values()), sources)


def bundled_calendar() -> Calendar:
    """The calendar shipped with pkginspect, without user files."""
    return load_calendar()
