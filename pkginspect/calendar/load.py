"""Loading the calendar: the bundled data, the user calendar directory, then user calendar files, merged in order."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from pkginspect.calendar.legacy import entries_from_legacy_rows
from pkginspect.calendar.lookup import Calendar
from pkginspect.calendar.model import KNOWN_PRODUCTS, MAIN_KINDS, Entry, Month
from pkginspect.calendar.rows import LEGACY_LAYOUT, RawRows, csv_rows, read_rows
from pkginspect.calendar.validate import Located, check_kbs, entries_from_rows
from pkginspect.errors import CalendarError

BUNDLED_NAME = "pkginspect/calendar/data/calendar.csv"
CALENDAR_DIR_VARIABLE = "PKGINSPECT_CALENDAR_DIR"
USER_FILE_SUFFIXES = (".csv", ".json")

PathLike = str | os.PathLike[str]


def located_entries(found: RawRows, name: str, order: int) -> list[Located]:
    """The checked entries of one file's rows, whatever its layout."""
    if found.layout == LEGACY_LAYOUT:
        return entries_from_legacy_rows(found.rows, name, order)
    return entries_from_rows(found.rows, name, order)


def read_entries(path: PathLike, name: str | None = None) -> list[Entry]:
    """The entries of one calendar file (either layout), checked on their own; CalendarError naming the file."""
    label = os.fspath(path) if name is None else name
    return [item.entry for item in located_entries(read_rows(path, label), label, 1)]


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[Located, ...]:
    resource = resources.files("pkginspect.calendar").joinpath("data").joinpath("calendar.csv")
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarError(BUNDLED_NAME, f"cannot read the bundled calendar: {error}") from None
    return tuple(located_entries(csv_rows(text, BUNDLED_NAME), BUNDLED_NAME, 0))


def user_calendar_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user calendar directory, which need not exist.

    ``$PKGINSPECT_CALENDAR_DIR``, else ``$XDG_DATA_HOME/pkginspect/calendar.d``, else
    ``~/.local/share/pkginspect/calendar.d``.
    """
    env = os.environ if environ is None else environ
    if env.get(CALENDAR_DIR_VARIABLE):
        return Path(env[CALENDAR_DIR_VARIABLE])
    data = env.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "pkginspect" / "calendar.d"


def user_calendar_files(directory: PathLike | None = None) -> list[Path]:
    """The calendar files (``*.csv``, ``*.json``) of the user calendar directory, in name order.

    None when the directory is missing (CalendarError when it is a file); hidden files are skipped.
    """
    folder = Path(directory) if directory is not None else user_calendar_dir()
    if folder.exists() and not folder.is_dir():
        raise CalendarError(str(folder), "the user calendar directory is a file, not a directory "
                                         f"(see ${CALENDAR_DIR_VARIABLE})")
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir()
                  if path.suffix.casefold() in USER_FILE_SUFFIXES and path.is_file() and not path.name.startswith("."))


def _slot(entry: Entry) -> tuple[object, ...]:
    """What a later entry replaces: a month's baseline or hotpatch, its regular LCU, or the same extra release."""
    if entry.kind in MAIN_KINDS:
        return (entry.product, entry.cycle, "main")
    if entry.kind == "lcu":
        return (entry.product, entry.cycle, "lcu")
    return (entry.product, entry.cycle, "extra", entry.kb if entry.kb is not None else entry.build)


def merge(layers: Iterable[list[Located]]) -> list[Located]:
    """Entries of several files merged in order.

    A later entry replaces the one in its slot (``_slot``); the rows of a legacy file replace the whole
    product-month they describe.
    """
    merged: dict[tuple[object, ...], Located] = {}
    for layer in layers:
        months = {(item.entry.product, item.entry.cycle) for item in layer if item.whole_month}
        if months:
            merged = {slot: item for slot, item in merged.items()
                      if (item.entry.product, item.entry.cycle) not in months}
        for item in layer:
            merged[_slot(item.entry)] = item
    return list(merged.values())


def load_calendar(
    paths: PathLike | Iterable[PathLike] = (), *, bundled: bool = True, user_dir: bool | PathLike = True,
) -> Calendar:
    """The bundled calendar, the user calendar directory's files and the given files, merged in that order.

    ``bundled=False`` leaves the bundled data out; ``user_dir=False`` the user calendar directory (a path picks
    another directory than ``user_calendar_dir()``).

    A file is CSV (``#`` comment lines allowed) or JSON (a list of objects, or ``{"releases": [...]}``), in the
    calendar layout (one release per row: ``COLUMNS``) or the legacy one (one product-month per row). A release
    replaces the one in the same place read before it (a month's baseline or hotpatch, its regular cumulative
    update, or an extra release with the same KB); a legacy row replaces its whole month. Any problem raises
    CalendarError naming the file and the line (CSV) or entry (JSON, numbered from 1).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = (paths,)
    layers: list[list[Located]] = []
    sources: list[str] = []
    if bundled:
        layers.append(list(_bundled()))
        sources.append(BUNDLED_NAME)
    user_files: list[PathLike] = []
    if user_dir is not False:
        user_files += user_calendar_files(None if user_dir is True else user_dir)
    user_files += list(paths)
    for order, path in enumerate(user_files, 1):
        name = os.fspath(path)
        layers.append(located_entries(read_rows(path, name), name, order))
        sources.append(name)
    merged = merge(layers)
    check_kbs(merged)
    return Calendar((item.entry for item in merged), sources)


def bundled_calendar() -> Calendar:
    """The calendar shipped with pkginspect, without user files (nor the user calendar directory)."""
    return load_calendar(user_dir=False)


def newest_months(calendar: Calendar) -> dict[str, Month]:
    """The newest month known per product of ``calendar``."""
    return {product: month for product in calendar.products()
            if (month := calendar.newest_month(product)) is not None}


def refresh_command() -> str:
    """The command that refreshes the calendar: import Microsoft's release data into the user calendar directory."""
    return f"pkginspect calendar import FILE… -o {user_calendar_dir() / 'releases.csv'}"


def staleness(calendar: Calendar, product: str | None, month: str | Month | None) -> str | None:
    """A warning when ``month`` is past the newest month ``calendar`` knows for ``product``, else None.

    The warning names the command that refreshes the calendar. None as well when ``product`` is no calendar
    product or the month is unknown.
    """
    if not product or month is None or product not in KNOWN_PRODUCTS:
        return None
    try:
        wanted = Month.of(month)
    except ValueError:
        return None
    newest = calendar.newest_month(product)
    if newest is not None and wanted <= newest:
        return None
    known = f"only up to {newest}" if newest is not None else "no release"
    return (f"the release calendar knows {known} of {product}, and this package is from {wanted}: its kind and "
            f"hotpatch chain are guesses; refresh the calendar: {refresh_command()}")
