"""The forecast's one door to the release calendar: what each product is expected to get in each month.

Everything the forecast knows about releases comes through ``Releases``: a month the calendar holds gives its
row (baseline, hotpatch, the regular cumulative update, known out-of-band releases); a later month gives the
program's planned cadence (baseline in January, April, July and October, hotpatch otherwise), marked as such.
Products outside every hotpatch calendar get a monthly cumulative update. Only this module reads the calendar's
records, so a new calendar model changes this file alone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pkginspect.calendar import Calendar, bundled_calendar
from pkginspect.calendar.model import PRODUCT_BUILDS
from pkginspect.forecasting.months import is_planned_baseline, planned_baseline
from pkginspect.types import Build

CALENDAR = "calendar"
CADENCE = "planned cadence"
MONTHLY = "monthly cumulative update"
"""Where an expected release comes from: a calendar row, the program's cadence, or (no program) every month."""

_FAMILIES = {
    "windows-server-2022-azure-edition": "windows-server-2022",
    "windows-server-2025": "windows-server-2025",
}


@dataclass(frozen=True)
class OutOfBandRelease:
    """A known out-of-band release of a month (not assumed installed by the forecast)."""

    kb: int | None
    build: str | None
    hotpatch: bool
    breaks_chain: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {"kb": self.kb, "build": self.build, "hotpatch": self.hotpatch, "breaks_chain": self.breaks_chain}


@dataclass(frozen=True)
class ExpectedRelease:
    """What a product gets in a month: a baseline (planned or unplanned), a hotpatch, or a cumulative update.

    ``build``/``kb`` are the baseline or hotpatch (None when not known yet); ``lcu_build``/``lcu_kb`` the month's
    regular cumulative update, which a machine that cannot take the hotpatch installs instead. ``baseline`` is the
    build of the baseline the release builds on (None when not known), ``baseline_month`` its month.
    """

    product: str
    family: str
    build_number: int
    month: str
    kind: str
    build: str | None
    kb: int | None
    lcu_build: str | None
    lcu_kb: int | None
    baseline: str | None
    baseline_month: str
    source: str
    confidence: str
    """Of the calendar row (``P``, ``S``, ``?``), or ``low`` for the cadence."""
    out_of_band: tuple[OutOfBandRelease, ...] = ()
    origin: str = ""
    """The calendar row (``file:line``) the release comes from."""

    @property
    def is_baseline(self) -> bool:
        """Whether the machine restarts into a new baseline this month."""
        return self.kind in ("baseline-planned", "baseline-unplanned")

    @property
    def engine_confidence(self) -> str:
        """The classification confidence the rules see for this update."""
        return {"P": "high", "S": "medium"}.get(self.confidence, "low")


class Releases:
    """The expected releases of every product and month, from a calendar and the program's cadence."""

    def __init__(self, calendar: Calendar | None = None) -> None:
        """Read ``calendar`` (default: the bundled one; pass the one the rules get, so both see the same chains)."""
        self.calendar = calendar or bundled_calendar()
        self._last: dict[str, str | None] = {}

    @property
    def sources(self) -> tuple[str, ...]:
        """The calendar files read."""
        return self.calendar.sources

    def ends(self) -> tuple[tuple[str, str], ...]:
        """(calendar product, newest month it holds) for every product with data, in display order."""
        return tuple((product, end) for product in self.calendar.products()
                     if (end := self.last_month(product)) is not None)

    def product_for(self, family: str | None, build_number: int | None) -> str | None:
        """The calendar product of a machine's product family and build number, or None (no hotpatch calendar)."""
        if family is None:
            return None
        return self.calendar.product_for(family, build_number)

    def needs_build(self, family: str) -> bool:
        """Whether ``family`` has hotpatch calendars that only its build number tells apart (Windows 11)."""
        if self.calendar.product_for(family, None) is not None:
            return False
        return any(self.calendar.product_for(family, number) for number in set(PRODUCT_BUILDS.values()))

    def last_month(self, product: str) -> str | None:
        """The newest month the calendar holds for ``product``."""
        if product not in self._last:
            releases = self.calendar.releases(product)
            self._last[product] = str(releases[-1].month) if releases else None
        return self._last[product]

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Releases per run; bounded
    def expected(self, product: str, month: str) -> ExpectedRelease:
        """The release ``product`` gets in ``month``: the calendar's row, or the planned cadence after its data."""
        row = self.calendar.release(product, month)
        family = _FAMILIES.get(product, "windows-11")
        number = PRODUCT_BUILDS[product]
        if row is not None:
            base = self.calendar.baseline_for(product, month) if not row.is_baseline else row
            oob = tuple(OutOfBandRelease(o.kb, o.build, o.hotpatch, o.breaks_chain)
                        for o in (*row.out_of_band, *row.previews))
            kind, build, kb = row.type, row.build, row.kb
            if kind not in ("baseline-planned", "baseline-unplanned", "hotpatch"):
                # The calendar knows only the regular or out-of-band updates of the month: the cadence's release
                # is expected, its build and KB not known.
                kind, build, kb = ("baseline-planned" if is_planned_baseline(month) else "hotpatch"), None, None
            return ExpectedRelease(product, family, number, month, kind, build, kb, row.lcu_build, row.lcu_kb,
                                   base.build if base else None, str(base.month) if base else planned_baseline(month),
                                   CALENDAR, row.confidence, oob, row.source)
        kind = "baseline-planned" if is_planned_baseline(month) else "hotpatch"
        governing = planned_baseline(month)
        base_row = self.calendar.release(product, governing)
        baseline = base_row.build if base_row is not None and base_row.is_baseline else None
        return ExpectedRelease(product, family, number, month, kind, None, None, None, None, baseline, governing,
                               CADENCE, "low")

    def monthly(self, family: str, build_number: int | None, month: str) -> ExpectedRelease:
        """The cumulative update a product outside every hotpatch calendar gets each month."""
        return ExpectedRelease(family, family, build_number or 0, month, "lcu", None, None, None, None, None,
                               month, MONTHLY, "low")

    @functools.lru_cache(maxsize=16384)  # noqa: B019 - one Releases per run; bounded
    def chain_state(self, product: str, month: str, build: str) -> bool | None:
        """Whether ``build`` is on ``product``'s hotpatch chain in ``month`` (a calendar month).

        None when the calendar cannot tell: its chain for the month is unknown, or the build is newer than every
        build it lists for the product (the machine took releases the calendar does not hold yet).
        """
        chain = self.calendar.chain(product, month)
        if chain is None:
            return None
        if build in chain.builds:
            return True
        if build in chain.ambiguous or Build.parse(build).ubr > self.newest_ubr(product):
            return None
        return False

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one Releases per run; bounded
    def newest_ubr(self, product: str) -> int:
        """The highest UBR the calendar lists for ``product`` (any role)."""
        found = 0
        for row in self.calendar.releases(product):
            builds = [row.build, row.lcu_build, *(o.build for o in row.out_of_band)]
            found = max([found, *(Build.parse(b).ubr for b in builds if b)])
        return found

    def newest_build(self, product: str) -> str:
        """``NNNNN.<newest UBR>``: a floor for a machine that took releases newer than the calendar."""
        return str(Build(PRODUCT_BUILDS[product], self.newest_ubr(product)))
