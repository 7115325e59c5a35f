"""Renderings of the release calendar: a month grid per product for people, JSON for machines."""

from __future__ import annotations

from typing import Any

from pkginspect.calendar import Calendar, OutOfBand, Release, planned_baseline_months
from pkginspect.reports._common import pretty_json

SCHEMA_ID = "https://pkginspect.invalid/schemas/calendar.schema.json"
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CELLS = {"baseline-planned": "B", "baseline-unplanned": "B*", "hotpatch": "H", "lcu": "L", "out-of-band": "o"}
NO_DATA = "·"
OOB_MARK = "+o"
CELL_WIDTH = 6
LEGEND = (
    ("B", "planned baseline: the month's cumulative update, restarts"),
    ("B*", "unplanned baseline: replaced that month's hotpatch, restarts"),
    ("H", "hotpatch: no restart on an enrolled machine on the hotpatch chain"),
    ("L", "no hotpatch known: only the month's regular cumulative update"),
    ("o", "only out-of-band releases known for the month"),
    (NO_DATA, "no release in the calendar"),
    (OOB_MARK, "out-of-band release(s) that month, listed under the grid"),
)


def _products(calendar: Calendar, product: str | None) -> tuple[str, ...]:
    if product is None:
        return calendar.products()
    calendar.releases(product)  # raises ValueError for an unknown product
    return (product,)


def _cell(release: Release | None) -> str:
    if release is None:
        return NO_DATA
    return CELLS[release.type] + (OOB_MARK if release.out_of_band else "")


def _chain(oob: OutOfBand) -> str:
    effect = "breaks the chain" if oob.breaks_chain else "keeps the chain"
    if oob.chain_stated:
        return effect
    if oob.kind == "preview":
        return effect + " (rule: a preview update)"
    return effect + (" (rule: an out-of-band hotpatch)" if oob.hotpatch else " (rule: an out-of-band update)")


def _grid(calendar: Calendar, product: str) -> list[str]:
    releases = calendar.releases(product)
    if not releases:
        return [product, "  no releases in the calendar"]
    first, last = releases[0].month, releases[-1].month
    lines = [f"{product}  ({len(releases)} releases, {first} to {last})"]
    lines.append("      " + "".join(f"{name:<{CELL_WIDTH}}" for name in MONTH_NAMES).rstrip())
    by_month = {(r.month.year, r.month.month): r for r in releases}
    for year in range(first.year, last.year + 1):
        cells = "".join(f"{_cell(by_month.get((year, month))):<{CELL_WIDTH}}" for month in range(1, 13))
        lines.append(f"  {year}  {cells.rstrip()}")
    for title, extra in (("out-of-band", [(r, o) for r in releases for o in r.out_of_band]),
                         ("previews", [(r, p) for r in releases for p in r.previews])):
        if extra:
            lines.append(f"  {title}")
            lines += [_extra_line(release, oob) for release, oob in extra]
    return lines


def _extra_line(release: Release, oob: OutOfBand) -> str:
    kind = "hotpatch" if oob.hotpatch else "preview" if oob.kind == "preview" else "update"
    remarks = [oob.remark] if oob.remark else []
    if not release.month.contains(oob.date):
        remarks.insert(0, f"of the {release.month} cycle")
    remark = f"  [{'; '.join(remarks)}]" if remarks else ""
    build = oob.build or "(build ?)"
    kb = f"KB{oob.kb}" if oob.kb is not None else "KB?"
    return f"    {oob.date}  {build:<11} {kb:<10} {kind:<9} {_chain(oob)}{remark}"


def calendar_text(calendar: Calendar, product: str | None = None) -> str:
    """A month grid per product (rows are years, columns January to December), its out-of-band releases, a legend.

    ``product`` limits the output to one calendar product (ValueError for an unknown name).
    """
    blocks = ["\n".join(_grid(calendar, name)) for name in _products(calendar, product)]
    months = ", ".join(MONTH_NAMES[month - 1] for month in planned_baseline_months())
    legend = ["legend"] + [f"  {mark:<3} {meaning}" for mark, meaning in LEGEND]
    legend.append(f"  planned baseline months: {months}")
    if calendar.sources:
        legend.append(f"  read from: {', '.join(calendar.sources)}")
    blocks.append("\n".join(legend))
    return "\n\n".join(blocks) + "\n"


def _release(calendar: Calendar, release: Release) -> dict[str, Any]:
    data = release.to_dict()
    base = calendar.baseline_for(release.product, release.month) if release.type == "hotpatch" else None
    data["baseline_build"] = base.build if base is not None else None
    return data


def calendar_json(calendar: Calendar, product: str | None = None) -> str:
    """The releases (product, then month order) as JSON valid against ``pkginspect/schemas/calendar.schema.json``.

    ``releases`` is the month view (each hotpatch carries ``baseline_build``, the baseline it builds on, null when
    not known); ``entries`` the calendar's releases one per row; ``newest_months`` the last month known per
    product.
    """
    names = _products(calendar, product)
    document = {
        "$schema": SCHEMA_ID,
        "sources": list(calendar.sources),
        "planned_baseline_months": list(planned_baseline_months()),
        "products": list(names),
        "newest_months": {name: str(month) for name in names if (month := calendar.newest_month(name))},
        "releases": [_release(calendar, r) for name in names for r in calendar.releases(name)],
        "entries": [entry.to_dict() for name in names for entry in calendar.entries(name)],
    }
    return pretty_json(document, ensure_ascii=False)
