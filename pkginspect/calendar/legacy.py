"""The legacy calendar layout: one row per product and month, out-of-band releases written in the note.

Each legacy row becomes the entries of the calendar layout: its baseline or hotpatch, the month's regular
cumulative update (``lcu_build``/``lcu_kb``, for a hotpatch month) and one entry per out-of-band release of the
note (see ``notes.parse_note``). The note's remaining free text stays on the first entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from pkginspect.calendar import validate as v
from pkginspect.calendar.model import MAIN_KINDS, PRODUCT_BUILDS, Confidence, Entry, Kind, Month
from pkginspect.calendar.notes import free_text, parse_note
from pkginspect.calendar.rows import RawRow
from pkginspect.suggest import suggest
from pkginspect.types import Build

_TYPES: dict[str, Kind] = {name: name for name in MAIN_KINDS}


def _out_of_band(note: str, product: str, cycle: Month, confidence: Confidence, source: str) -> list[Entry]:
    try:
        written = parse_note(note)
    except ValueError as error:
        raise v.RowProblem(f"note: {error}") from error
    found = []
    for oob in written:
        if oob.build is not None:
            number = Build.parse(oob.build).number
            if number != PRODUCT_BUILDS[product]:
                if number in PRODUCT_BUILDS.values():
                    continue  # another calendar product's release mentioned in passing (24H2 rows name 25H2 builds)
                raise v.RowProblem(f"note: out-of-band build {oob.build} is not a {product} build")
        kind: Kind = "oob-hotpatch" if oob.hotpatch else "oob-lcu"
        v.check_date(oob.date, cycle, kind, "note: out-of-band date")
        if oob.breaks_chain is None:
            effect, stated = v.chain_effect(kind, None)
        else:
            effect, stated = v.chain_effect(kind, "breaks" if oob.breaks_chain else "keeps")
        found.append(Entry(product, cycle, kind, oob.date, oob.build, oob.kb, effect, stated, confidence,
                           oob.remark, source))
    return found


def entries_from_legacy_row(row: RawRow, source: str) -> list[Entry]:
    """Check one legacy row and build its entries; raises RowProblem naming the first problem."""
    product = v.product(row)
    cycle = v.month(row, "month")
    type_text = cast(str, v.text(row, "type", required=True))
    if type_text not in _TYPES:
        raise v.RowProblem(f"bad type {type_text!r}{suggest(type_text, _TYPES)}; types: {', '.join(_TYPES)}")
    kind = _TYPES[type_text]
    v.check_kind_month(kind, cycle)
    day = v.date(row)
    v.check_date(day, cycle, kind)
    build = cast(str, v.build(row, "build", product, required=True))
    kb = cast(int, v.kb(row, "kb", required=True))
    lcu_build = v.build(row, "lcu_build", product, required=False)
    lcu_kb = v.kb(row, "lcu_kb", required=False)
    if (lcu_build is None) != (lcu_kb is None):
        raise v.RowProblem("lcu_build and lcu_kb go together: give both or neither")
    baseline = kind != "hotpatch"
    if lcu_build is not None and baseline and (lcu_build, lcu_kb) != (build, kb):
        raise v.RowProblem(f"a baseline is the month's cumulative update: lcu_build/lcu_kb ({lcu_build} "
                           f"KB{lcu_kb}) must equal build/kb ({build} KB{kb})")
    if lcu_build is not None and not baseline and Build.parse(build) >= Build.parse(lcu_build):
        raise v.RowProblem(f"hotpatch build {build} is not below the month's lcu_build {lcu_build}")
    confidence = v.confidence(row)
    note = v.text(row, "note", required=False) or ""
    effect, stated = v.chain_effect(kind, None)
    entries = [Entry(product, cycle, kind, day, build, kb, effect, stated, confidence, free_text(note), source)]
    if lcu_build is not None and not baseline:
        entries.append(Entry(product, cycle, "lcu", day, lcu_build, lcu_kb, "breaks", False, confidence, "", source))
    entries += _out_of_band(note, product, cycle, confidence, source)
    return entries


def entries_from_legacy_rows(rows: Sequence[RawRow], name: str, order: int) -> list[v.Located]:
    """Check every row of one legacy-layout file; raises CalendarError with the first problem (and the count)."""
    found: list[v.Located] = []
    problems: list[str] = []
    first: dict[tuple[str, Month], str] = {}
    for row in rows:
        try:
            entries = entries_from_legacy_row(row, v.row_source(name, row))
        except v.RowProblem as problem:
            problems.append(f"{row.location}: {problem}")
            continue
        key = (entries[0].product, entries[0].cycle)
        if key in first:
            problems.append(f"{row.location}: a second row for {key[0]} {key[1]} (the first is at {first[key]})")
            continue
        first[key] = row.location
        found += [v.Located(entry, name, row.location, order, whole_month=True) for entry in entries]
    v.raise_problems(name, problems)
    v.check_kbs(found)
    return found
