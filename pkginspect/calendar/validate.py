"""Checking raw calendar rows and turning them into entries; checking that a set of entries agrees on KBs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from pkginspect.calendar.aliases import suggest_product
from pkginspect.calendar.model import (
    BASELINE_TYPES,
    CHAIN_EFFECTS,
    CONFIDENCES,
    DEFAULT_CHAIN,
    KINDS,
    MAIN_KINDS,
    OUT_OF_BAND_KINDS,
    PLANNED_BASELINE_MONTHS,
    PRODUCT_BUILDS,
    ChainEffect,
    Confidence,
    Entry,
    Kind,
    Month,
)
from pkginspect.calendar.rows import RawRow
from pkginspect.errors import CalendarError
from pkginspect.suggest import suggest
from pkginspect.types import Build

_KB = re.compile(r"(?:KB)?([0-9]{1,9})", re.ASCII | re.IGNORECASE)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_KINDS: dict[str, Kind] = {name: name for name in KINDS}
_CHAINS: dict[str, ChainEffect] = {name: name for name in CHAIN_EFFECTS}
_CONFIDENCES: dict[str, Confidence] = {name: name for name in CONFIDENCES}


class RowProblem(Exception):
    """One problem with one row (internal: collected per file, then raised as a CalendarError)."""


@dataclass(frozen=True)
class Located:
    """An entry with the file it came from, its location in that file and the file's load order.

    ``whole_month`` marks entries of a legacy row: such a row describes its product's whole month, so it replaces
    every entry of that month read before it.
    """

    entry: Entry
    file: str
    location: str
    order: int
    whole_month: bool = False


def text(row: RawRow, column: str, *, required: bool) -> str | None:
    """A column's text, stripped; None when empty (a RowProblem when ``required``)."""
    value = row.values.get(column)
    if value is None or value == "":
        if required:
            raise RowProblem(f"{column} is empty")
        return None
    if not isinstance(value, str):
        raise RowProblem(f"{column} must be a string, found {value!r}")
    return value.strip()


def product(row: RawRow) -> str:
    """The calendar product of a row."""
    name = cast(str, text(row, "product", required=True))
    if name not in PRODUCT_BUILDS:
        raise RowProblem(f"unknown product {name!r}{suggest_product(name)}; "
                         f"calendar products: {', '.join(PRODUCT_BUILDS)}")
    return name


def month(row: RawRow, column: str) -> Month:
    """A ``YYYY-MM`` column."""
    value = cast(str, text(row, column, required=True))
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise RowProblem(f"bad {column} {value!r} (expected YYYY-MM with a month from 01 to 12)") from exc


def check_kind_month(kind: str, cycle: Month) -> None:
    """A planned baseline only in a planned baseline month, an unplanned one only outside them."""
    planned = cycle.month in PLANNED_BASELINE_MONTHS
    if kind == "baseline-planned" and not planned:
        raise RowProblem(f"baseline-planned in {cycle}, which is not a planned baseline month (Jan, Apr, Jul, Oct)")
    if kind == "baseline-unplanned" and planned:
        raise RowProblem(f"baseline-unplanned in {cycle}, a planned baseline month (use baseline-planned)")


def date(row: RawRow, column: str = "date") -> dt.date:
    """A ``YYYY-MM-DD`` column."""
    value = cast(str, text(row, column, required=True))
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise RowProblem(f"bad {column} {value!r} (expected YYYY-MM-DD)") from exc


def check_date(day: dt.date, cycle: Month, kind: str, what: str = "date") -> None:
    """A release is dated in its cycle's month; an out-of-band one may be dated in the next month too."""
    if cycle.contains(day):
        return
    if kind in OUT_OF_BAND_KINDS and cycle.next().contains(day):
        return
    allowed = f"the month {cycle} or the next" if kind in OUT_OF_BAND_KINDS else f"the month {cycle}"
    raise RowProblem(f"{what} {day} is outside {allowed}")


def build(row: RawRow, column: str, product_name: str, *, required: bool) -> str | None:
    """A build column (``NNNNN.NNNN``) of the product's build number, normalised."""
    value = text(row, column, required=required)
    if value is None:
        return None
    try:
        build = Build.parse(value, calendar=True)
    except ValueError as exc:
        raise RowProblem(f"bad {column} {value!r} (expected NNNNN.NNNN, e.g. 20348.2402)") from exc
    if build.number != PRODUCT_BUILDS[product_name]:
        raise RowProblem(f"{column} {value} is not a {product_name} build ({PRODUCT_BUILDS[product_name]}.x)")
    return str(build)


def kb(row: RawRow, column: str, *, required: bool) -> int | None:
    """A KB column: ``KB5036909``, ``5036909`` or (JSON) the number."""
    value = row.values.get(column)
    if value is None or value == "":
        if required:
            raise RowProblem(f"{column} is empty")
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**9:
        return value
    match = _KB.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) == 0:
        raise RowProblem(f"bad {column} {value!r} (expected KB and digits, e.g. KB5036909, or the digits)")
    return int(match[1])


def confidence(row: RawRow) -> Confidence:
    """The confidence column (``P``, ``S`` or ``?``; empty is ``?``)."""
    value = text(row, "confidence", required=False) or "?"
    if value not in _CONFIDENCES:
        raise RowProblem(f"bad confidence {value!r}; expected one of {', '.join(CONFIDENCES)}")
    return _CONFIDENCES[value]


def chain_effect(kind: Kind, stated: str | None) -> tuple[ChainEffect, bool]:
    """The chain effect of a release of ``kind`` (the stated one, checked, or the kind's default)."""
    if stated is None:
        return DEFAULT_CHAIN[kind], False
    if stated not in _CHAINS:
        raise RowProblem(f"bad chain {stated!r}{suggest(stated, CHAIN_EFFECTS)}; chain effects: "
                         f"{', '.join(CHAIN_EFFECTS)} (or empty for the kind's default)")
    effect = _CHAINS[stated]
    if kind in BASELINE_TYPES and effect != "starts":
        raise RowProblem(f"chain {effect!r} for a {kind}: a baseline starts the hotpatch chain")
    if kind not in BASELINE_TYPES and effect == "starts":
        raise RowProblem(f"chain 'starts' for a {kind}: only a baseline starts the hotpatch chain")
    if kind == "lcu" and effect == "keeps":
        raise RowProblem("chain 'keeps' for an lcu: the regular cumulative update of a hotpatch month takes a "
                         "machine off the hotpatch chain")
    return effect, True


def entry_from_row(row: RawRow, source: str) -> Entry:
    """Check one raw row of the calendar layout and build its Entry; raises RowProblem naming the first problem."""
    name = product(row)
    cycle = month(row, "cycle")
    kind_text = cast(str, text(row, "kind", required=True))
    if kind_text not in _KINDS:
        raise RowProblem(f"bad kind {kind_text!r}{suggest(kind_text, KINDS)}; kinds: {', '.join(KINDS)}")
    kind = _KINDS[kind_text]
    check_kind_month(kind, cycle)
    day = date(row)
    check_date(day, cycle, kind)
    found_build = build(row, "build", name, required=False)
    found_kb = kb(row, "kb", required=False)
    if found_build is None and found_kb is None:
        raise RowProblem("build and kb are both empty: give at least one")
    effect, stated = chain_effect(kind, text(row, "chain", required=False))
    return Entry(name, cycle, kind, day, found_build, found_kb, effect, stated, confidence(row),
                 text(row, "note", required=False) or "", source)


def row_source(name: str, row: RawRow) -> str:
    """``file:7`` for CSV line 7, ``file:entry 3`` for JSON entry 3."""
    where = row.location.removeprefix("line ") if row.location.startswith("line ") else row.location
    return f"{name}:{where}"


def raise_problems(name: str, problems: Sequence[str]) -> None:
    """Raise the first problem (and how many more there are) as a CalendarError naming the file."""
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise CalendarError(name, problems[0] + more)


def entries_from_rows(rows: Sequence[RawRow], name: str, order: int) -> list[Located]:
    """Check every row of one calendar-layout file; raises CalendarError with the first problem (and the count)."""
    found: list[Located] = []
    problems: list[str] = []
    for row in rows:
        try:
            found.append(Located(entry_from_row(row, row_source(name, row)), name, row.location, order))
        except RowProblem as problem:
            problems.append(f"{row.location}: {problem}")
    raise_problems(name, problems)
    check_months(found, name)
    check_kbs(found)
    return found


def check_months(entries: Sequence[Located], name: str) -> None:
    """Check each product-month of one file.

    At most one baseline or hotpatch, at most one regular cumulative update, a hotpatch below that update, and no
    regular cumulative update beside a baseline (the baseline is that update).
    """
    slots: dict[tuple[str, Month, str], Located] = {}
    problems: list[str] = []
    for item in entries:
        entry = item.entry
        slot = "main" if entry.kind in MAIN_KINDS else "lcu" if entry.kind == "lcu" else None
        if slot is None:
            continue
        key = (entry.product, entry.cycle, slot)
        if key in slots:
            what = "baseline or hotpatch" if slot == "main" else "regular cumulative update (lcu)"
            problems.append(f"{item.location}: a second {what} for {entry.product} {entry.cycle} "
                            f"(the first is at {slots[key].location})")
            continue
        slots[key] = item
    for (product_name, cycle, slot), item in slots.items():
        main = slots.get((product_name, cycle, "main"))
        if slot != "lcu" or main is None:
            continue
        lcu = item.entry
        if main.entry.is_baseline:
            problems.append(f"{item.location}: an lcu beside the {main.entry.kind} of {product_name} {cycle} "
                            f"({main.location}): a baseline is the month's cumulative update")
        elif main.entry.build and lcu.build and Build.parse(main.entry.build) >= Build.parse(lcu.build):
            problems.append(f"{main.location}: hotpatch build {main.entry.build} is not below the month's "
                            f"lcu build {lcu.build} ({item.location})")
    raise_problems(name, sorted(problems, key=_line_order))


def _line_order(problem: str) -> tuple[int, str]:
    head = problem.split(":", 1)[0]
    number = head.rsplit(" ", 1)[-1]
    return (int(number) if number.isdigit() else 0, problem)


_ROLE_FAMILY = {"baseline-planned": "cumulative", "baseline-unplanned": "cumulative", "lcu": "cumulative",
                "hotpatch": "hotpatch", "oob-lcu": "out-of-band", "oob-hotpatch": "out-of-band",
                "preview": "preview"}


def _compatible(one: Located, other: Located) -> bool:
    """The only shared-KB case: one release serving several products in the same month, in the same role."""
    a, b = one.entry, other.entry
    return a.product != b.product and a.cycle == b.cycle and _ROLE_FAMILY[a.kind] == _ROLE_FAMILY[b.kind]


def check_kbs(entries: Sequence[Located]) -> None:
    """Raise CalendarError when a KB names two different releases (shared-KB products excepted).

    The error is reported against the later of the two (by file order, then position in the file).
    """
    seen: dict[int, list[Located]] = {}
    for located in sorted(entries, key=lambda item: item.order):
        entry = located.entry
        if entry.kb is None:
            continue
        for there in seen.get(entry.kb, ()):
            if not _compatible(located, there):
                where = there.location if there.file == located.file else there.entry.source
                raise CalendarError(
                    located.file,
                    f"{located.location}: KB{entry.kb} is the {entry.kind} of {entry.product} {entry.cycle} "
                    f"but also the {there.entry.kind} of {there.entry.product} {there.entry.cycle} ({where}); "
                    "one KB names one release",
                )
        seen.setdefault(entry.kb, []).append(located)
