"""Checking raw calendar rows and turning them into Releases; checking that a set of releases agrees on KBs."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from pkginspect.calendar.aliases import suggest_product
from pkginspect.calendar.model import (
    CONFIDENCES,
    PLANNED_BASELINE_MONTHS,
    PRODUCT_BUILDS,
    RELEASE_TYPES,
    Confidence,
    Month,
    OutOfBand,
    Release,
    ReleaseType,
    format_build,
    parse_build,
)
from pkginspect.calendar.notes import parse_note
from pkginspect.calendar.rows import RawRow
from pkginspect.errors import CalendarError

_KB = re.compile(r"(?:KB)?([0-9]{1,9})", re.ASCII | re.IGNORECASE)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_TYPES: dict[str, ReleaseType] = {name: name for name in RELEASE_TYPES}
_CONFIDENCES: dict[str, Confidence] = {name: name for name in CONFIDENCES}


class RowProblem(Exception):
    """One problem with one row (internal: collected per file, then raised as a CalendarError)."""


@dataclass(frozen=True)
class Located:
    """A release with the file it came from, its location in that file and the file's load order."""

    release: Release
    file: str
    location: str
    order: int


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _text(row: RawRow, column: str, *, required: bool) -> str | None:
    value = row.values.get(column)
    if value is None or value == "":
        if required:
            raise RowProblem(f"{column} is empty")
        return None
    if not isinstance(value, str):
        raise RowProblem(f"{column} must be a string, found {value!r}")
    return value.strip()


def _product(row: RawRow) -> str:
    product = cast(str, _text(row, "product", required=True))
    if product not in PRODUCT_BUILDS:
        raise RowProblem(f"unknown product {product!r}{suggest_product(product)}; "
                         f"calendar products: {', '.join(PRODUCT_BUILDS)}")
    return product


def _month(row: RawRow) -> Month:
    text = cast(str, _text(row, "month", required=True))
    try:
        return Month.parse(text)
    except ValueError:
        raise RowProblem(f"bad month {text!r} (expected YYYY-MM with a month from 01 to 12)") from None


def _type(row: RawRow, month: Month) -> ReleaseType:
    text = cast(str, _text(row, "type", required=True))
    if text not in _TYPES:
        raise RowProblem(f"bad type {text!r}{_suggest(text, RELEASE_TYPES)}; types: {', '.join(RELEASE_TYPES)}")
    planned = month.month in PLANNED_BASELINE_MONTHS
    if text == "baseline-planned" and not planned:
        raise RowProblem(f"baseline-planned in {month}, which is not a planned baseline month (Jan, Apr, Jul, Oct)")
    if text == "baseline-unplanned" and planned:
        raise RowProblem(f"baseline-unplanned in {month}, a planned baseline month (use baseline-planned)")
    return _TYPES[text]


def _date(row: RawRow, month: Month) -> dt.date:
    text = cast(str, _text(row, "date", required=True))
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise RowProblem(f"bad date {text!r} (expected YYYY-MM-DD)") from None
    if not month.contains(date):
        raise RowProblem(f"date {date} is outside the month {month}")
    return date


def _build(row: RawRow, column: str, product: str, *, required: bool) -> str | None:
    text = _text(row, column, required=required)
    if text is None:
        return None
    try:
        number, ubr = parse_build(text)
    except ValueError:
        raise RowProblem(f"bad {column} {text!r} (expected NNNNN.NNNN, e.g. 20348.2402)") from None
    if number != PRODUCT_BUILDS[product]:
        raise RowProblem(f"{column} {text} is not a {product} build ({PRODUCT_BUILDS[product]}.x)")
    return format_build((number, ubr))


def _kb(row: RawRow, column: str, *, required: bool) -> int | None:
    value = row.values.get(column)
    if value is None or value == "":
        if required:
            raise RowProblem(f"{column} is empty")
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _KB.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) == 0:
        raise RowProblem(f"bad {column} {value!r} (expected KB and digits, e.g. KB5036909, or the digits)")
    return int(match[1])


def _confidence(row: RawRow) -> Confidence:
    text = _text(row, "confidence", required=False) or "?"
    if text not in _CONFIDENCES:
        raise RowProblem(f"bad confidence {text!r}; expected one of {', '.join(CONFIDENCES)}")
    return _CONFIDENCES[text]


def _out_of_band(note: str, product: str, month: Month) -> tuple[OutOfBand, ...]:
    try:
        written = parse_note(note)
    except ValueError as error:
        raise RowProblem(f"note: {error}") from None
    found = []
    for oob in written:
        number = parse_build(oob.build)[0]
        if number != PRODUCT_BUILDS[product]:
            if number in PRODUCT_BUILDS.values():
                continue  # another calendar product's release mentioned in passing (24H2 rows name 25H2 builds)
            raise RowProblem(f"note: out-of-band build {oob.build} is not a {product} build")
        if not month.contains(oob.date):
            raise RowProblem(f"note: out-of-band date {oob.date} is outside the month {month}")
        breaks = oob.breaks_chain if oob.breaks_chain is not None else not oob.hotpatch
        found.append(OutOfBand(oob.date, oob.build, oob.kb, oob.hotpatch, breaks, oob.breaks_chain is not None,
                               oob.remark))
    return tuple(found)


def release_from_row(row: RawRow, source: str) -> Release:
    """Check one raw row and build its Release; raises RowProblem naming the first problem."""
    product = _product(row)
    month = _month(row)
    kind = _type(row, month)
    date = _date(row, month)
    build = cast(str, _build(row, "build", product, required=True))
    kb = cast(int, _kb(row, "kb", required=True))
    lcu_build = _build(row, "lcu_build", product, required=False)
    lcu_kb = _kb(row, "lcu_kb", required=False)
    if (lcu_build is None) != (lcu_kb is None):
        raise RowProblem("lcu_build and lcu_kb go together: give both or neither")
    if lcu_build is not None and kind != "hotpatch" and (lcu_build, lcu_kb) != (build, kb):
        raise RowProblem(f"a baseline is the month's cumulative update: lcu_build/lcu_kb ({lcu_build} KB{lcu_kb}) "
                         f"must equal build/kb ({build} KB{kb})")
    if lcu_build is not None and kind == "hotpatch" and parse_build(build) >= parse_build(lcu_build):
        raise RowProblem(f"hotpatch build {build} is not below the month's lcu_build {lcu_build}")
    note = _text(row, "note", required=False) or ""
    return Release(product, month, kind, date, build, kb, lcu_build, lcu_kb, _confidence(row), note,
                   _out_of_band(note, product, month), source)


def releases_from_rows(rows: Sequence[RawRow], name: str, order: int) -> list[Located]:
    """Check every row of one file; raises CalendarError with the first problem (and how many more there are)."""
    found: list[Located] = []
    problems: list[str] = []
    first: dict[tuple[str, Month], str] = {}
    for row in rows:
        where = row.location.removeprefix("line ") if row.location.startswith("line ") else row.location
        try:
            release = release_from_row(row, f"{name}:{where}")
        except RowProblem as problem:
            problems.append(f"{row.location}: {problem}")
            continue
        key = (release.product, release.month)
        if key in first:
            problems.append(f"{row.location}: a second row for {release.product} {release.month} "
                            f"(the first is at {first[key]})")
            continue
        first[key] = row.location
        found.append(Located(release, name, row.location, order))
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise CalendarError(name, problems[0] + more)
    check_kbs(found)
    return found


_ROLE_FAMILY = {"baseline-planned": "cumulative", "baseline-unplanned": "cumulative", "lcu": "cumulative",
                "hotpatch": "hotpatch", "out-of-band": "out-of-band"}


@dataclass(frozen=True)
class _Use:
    kb: int
    role: str
    located: Located


def _uses(located: Located) -> Iterable[_Use]:
    release = located.release
    yield _Use(release.kb, release.type, located)
    if release.lcu_kb is not None and not release.is_baseline:  # a baseline's LCU is the baseline itself
        yield _Use(release.lcu_kb, "lcu", located)
    for oob in release.out_of_band:
        yield _Use(oob.kb, "out-of-band", located)


def _compatible(one: _Use, other: _Use) -> bool:
    """The only shared-KB case: one release serving several products in the same month, in the same role."""
    a, b = one.located.release, other.located.release
    return a.product != b.product and a.month == b.month and _ROLE_FAMILY[one.role] == _ROLE_FAMILY[other.role]


def check_kbs(releases: Sequence[Located]) -> None:
    """Raise CalendarError when a KB names two different releases (shared-KB products excepted).

    The error is reported against the later of the two (by file order, then position in the file).
    """
    seen: dict[int, list[_Use]] = {}
    for located in sorted(releases, key=lambda item: item.order):
        for use in _uses(located):
            for earlier in seen.get(use.kb, ()):
                if not _compatible(use, earlier):
                    there = earlier.located
                    where = there.location if there.file == located.file else there.release.source
                    raise CalendarError(
                        located.file,
                        f"{located.location}: KB{use.kb} is the {use.role} of {located.release.product} "
                        f"{located.release.month} but also the {earlier.role} of {there.release.product} "
                        f"{there.release.month} ({where}); one KB names one release",
                    )
            seen.setdefault(use.kb, []).append(use)
