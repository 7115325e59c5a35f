"""What every release-data import shares: the observed release, reading fields, products, cycles and kinds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pkginspect import products
from pkginspect.calendar.aliases import calendar_product
from pkginspect.calendar.model import (
    DEFAULT_CHAIN,
    PLANNED_BASELINE_MONTHS,
    Confidence,
    Entry,
    Kind,
    Month,
)
from pkginspect.types import Build

Cadence = Literal["monthly", "out-of-band", "preview"]
_KB = re.compile(r"^\s*(?:KB)?([0-9]{6,9})\s*$", re.IGNORECASE | re.ASCII)
_DATE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$", re.ASCII)
_VERSION = re.compile(r"\b(2[0-9]H[12])\b", re.IGNORECASE | re.ASCII)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


class ImportProblem(Exception):
    """One entry of a release-data file cannot be read (internal: becomes a CalendarError naming file and entry)."""


@dataclass(frozen=True)
class Observed:
    """One release as a source states it, before its kind and cycle are settled across the whole import.

    ``hotpatch``/``baseline`` are None when the source does not say; ``cycle`` when the source names the month
    the release belongs to (otherwise it follows from the date and the cadence).
    """

    product: str
    date: dt.date
    build: str | None
    kb: int | None
    cadence: Cadence
    hotpatch: bool | None
    baseline: bool | None
    cycle: Month | None
    confidence: Confidence
    source: str
    note: str = ""


def odata_type(entry: Mapping[str, Any]) -> str:
    """The entry's ``@odata.type``, case-folded ("" when absent)."""
    return str(entry.get("@odata.type", "")).casefold()


def other_type(entry: Mapping[str, Any], wanted: str) -> bool:
    """Whether the entry names an ``@odata.type`` other than ``wanted`` (a feature update beside quality ones)."""
    kind = odata_type(entry)
    return bool(kind) and wanted not in kind


def has_keys(items: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> bool:
    """Whether every object carries every key (how a PowerShell module's output is recognised)."""
    return bool(items) and all(isinstance(item, Mapping) and all(key in item for key in keys) for item in items)


def read_each(
    items: Sequence[Mapping[str, Any]], name: str,
    one: Callable[[Mapping[str, Any], str], Observed | list[Observed] | None],
    skip: Callable[[Mapping[str, Any]], bool] = lambda item: False,
) -> list[Observed]:
    """``one(item, source)`` for every item not skipped; a problem names the entry it is in."""
    found: list[Observed] = []
    for index, item in enumerate(items, 1):
        if skip(item):
            continue
        try:
            observed = one(item, f"{name}:entry {index}")
        except ImportProblem as problem:
            raise ImportProblem(f"entry {index}: {problem}") from problem
        if isinstance(observed, list):
            found += observed
        elif observed is not None:
            found.append(observed)
    return found


def field(entry: Mapping[str, Any], *names: str, required: bool = True) -> Any:
    """The first of ``names`` present (not None or empty) in ``entry``; ImportProblem when required and absent."""
    for name in names:
        value = entry.get(name)
        if value not in (None, ""):
            return value
    if required:
        raise ImportProblem(f"no {names[0]!r}")
    return None


def date_of(value: Any, name: str) -> dt.date:
    """A date from ``2026-01-13`` or an ISO timestamp (``2026-01-13T00:00:00Z``)."""
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError(value)
        return dt.date.fromisoformat(match[1])
    except ValueError as exc:
        raise ImportProblem(f"{name} {value!r} is not a date (YYYY-MM-DD or an ISO timestamp)") from exc


def kb_of(value: Any, name: str) -> int | None:
    """A KB number from ``KB5074109``, ``5074109`` or the number; None for ``N/A`` and empty values."""
    if value in (None, "") or (isinstance(value, str) and value.strip().upper() in ("N/A", "NA", "-")):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**9:
        return value
    match = _KB.match(value) if isinstance(value, str) else None
    if match is None:
        raise ImportProblem(f"{name} {value!r} is not a KB number")
    return int(match[1])


def build_of(value: Any, name: str) -> str | None:
    """A build from ``26100.7623`` or ``10.0.26100.7623``; None when empty."""
    if value in (None, "") or (isinstance(value, str) and value.strip().upper() in ("N/A", "-")):
        return None
    text = value.strip() if isinstance(value, str) else ""
    parts = text.split(".")
    if len(parts) == 4 and parts[0] == "10":
        text = ".".join(parts[2:])
    try:
        return str(Build.parse(text, calendar=True))
    except ValueError as exc:
        raise ImportProblem(f"{name} {value!r} is not a build (NNNNN.NNNN)") from exc


def flag(value: Any, name: str) -> bool | None:
    """A boolean from JSON ``true``/``false`` or PowerShell's ``"True"``/``"False"``; None for ``Unknown``/absent."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in ("true", "false"):
        return value.strip().casefold() == "true"
    if isinstance(value, str) and value.strip().casefold() in ("unknown", ""):
        return None
    raise ImportProblem(f"{name} {value!r} is not true or false")


def month_of(year: Any, month: Any) -> Month:
    """A Month from a year (``2026`` or ``"2026"``) and an English month name or number."""
    try:
        number = int(month) if str(month).strip().isdigit() else _MONTHS.index(str(month).strip().casefold()) + 1
        return Month(int(str(year).strip()), number)
    except ValueError as exc:
        raise ImportProblem(f"month {month!r} of year {year!r} is not a month") from exc


def version_of(text: Any) -> str | None:
    """The feature version (``24H2``) named in a text, upper-cased; None when there is none."""
    match = _VERSION.search(text) if isinstance(text, str) else None
    return match[1].upper() if match else None


def product_for(name: str | None, version: str | None, build: str | None) -> str | None:
    """The calendar product of a release, None when it is no calendar product (Windows 10, say).

    From its build number and UBR (26100 by UBR range), its product name (server or client) and its feature
    version.
    """
    number, ubr = Build.parse(build) if build is not None else (None, None)
    server = "server" in (name or "").casefold()
    if number is None:
        if server or not version:
            return None
        return calendar_product("windows-11-" + version.casefold())
    families = products.by_ubr(number, ubr)
    if len(families) > 1:
        families = tuple(f for f in families if ("server" in f) == server) or families
    for family in families:
        found = calendar_product(family, number)
        if found is not None:
            return found
    return None


def patch_tuesday(month: Month) -> dt.date:
    """The second Tuesday of ``month`` (the monthly release day)."""
    first = dt.date(month.year, month.month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def cycle_of(release: Observed) -> Month:
    """The cycle a release belongs to: the month the source names, else its date's month.

    An out-of-band release dated before that month's Patch Tuesday belongs to the previous cycle (February 2026's
    Server 2022 update of 2026-03-02).
    """
    if release.cycle is not None:
        return release.cycle
    month = Month.of(release.date)
    if release.cadence == "out-of-band" and release.date < patch_tuesday(month):
        return Month(month.year - 1, 12) if month.month == 1 else Month(month.year, month.month - 1)
    return month


def _kind(release: Observed, cycle: Month, hotpatch_months: set[tuple[str, Month]]) -> tuple[Kind, str]:
    planned = cycle.month in PLANNED_BASELINE_MONTHS
    if release.cadence == "out-of-band":
        return ("oob-hotpatch" if release.hotpatch else "oob-lcu"), ""
    if release.cadence == "preview":
        return "preview", ""
    if release.hotpatch:
        return "hotpatch", ""
    if release.baseline:
        return ("baseline-planned" if planned else "baseline-unplanned"), ""
    if (release.product, cycle) in hotpatch_months:
        return "lcu", ""
    if planned:
        return "baseline-planned", ""
    if release.baseline is False:
        return "lcu", ""
    return "lcu", "no hotpatch of this month in the imported data: it may be an unplanned baseline"


def _lower_build_is_the_hotpatch(items: list[Observed]) -> list[Observed]:
    """Tell the hotpatch from the regular update where a source does not (Intune).

    Two monthly security updates of one product and month with different builds are the hotpatch (the lower
    build: the regular update ships with a higher one) and the regular update.
    """
    groups: dict[tuple[str, Month], set[str]] = {}
    for item in items:
        if item.cadence == "monthly" and item.hotpatch is None and item.build is not None:
            groups.setdefault((item.product, cycle_of(item)), set()).add(item.build)
    lowest = {key: min(builds, key=Build.parse) for key, builds in groups.items() if len(builds) > 1}
    settled = []
    for item in items:
        key = (item.product, cycle_of(item))
        if key in lowest and item.cadence == "monthly" and item.hotpatch is None and item.build is not None:
            hotpatch = item.build == lowest[key]
            remark = "the lower build of the month's two monthly updates" if hotpatch else ""
            item = replace(item, hotpatch=hotpatch, note="; ".join(p for p in (item.note, remark) if p))
        settled.append(item)
    return settled


def settle(observed: Iterable[Observed]) -> list[Entry]:
    """Entries from observed releases, cycles and kinds settled across all of them.

    The same release from two sources is kept once (the first source wins; a later one may add the build).
    """
    items = _lower_build_is_the_hotpatch(list(observed))
    cycles = [cycle_of(item) for item in items]
    hotpatch_months = {(item.product, cycle) for item, cycle in zip(items, cycles, strict=True)
                       if item.hotpatch and item.cadence == "monthly"}
    found: dict[tuple[object, ...], Entry] = {}
    for item, cycle in zip(items, cycles, strict=True):
        kind, remark = _kind(item, cycle, hotpatch_months)
        note = "; ".join(part for part in (item.note, remark) if part)
        entry = Entry(item.product, cycle, kind, item.date, item.build, item.kb, DEFAULT_CHAIN[kind], False,
                      item.confidence,
                      note, item.source)
        key = (entry.product, entry.cycle, entry.kind, entry.kb if entry.kb is not None else entry.build)
        if key in found:
            kept = found[key]
            if kept.build is None and entry.build is not None:  # a later source knows the build
                found[key] = replace(kept, build=entry.build)
            continue
        found[key] = entry
    return list(found.values())


def objects(document: Any, where: str) -> Sequence[Mapping[str, Any]]:
    """The list of objects of a JSON document: a list, ``{"value": [...]}`` (Graph) or one object."""
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        document = document["value"]
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise ImportProblem(f"{where}: expected a JSON list of objects")
    return document
