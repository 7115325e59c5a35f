"""The calendar's records: months, releases (one per calendar row), the month view, matches and hotpatch chains."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pkginspect.types import Build

Kind = Literal["baseline-planned", "baseline-unplanned", "hotpatch", "lcu", "oob-lcu", "oob-hotpatch", "preview"]
"""What one release is: a planned or unplanned baseline, a hotpatch, the month's regular cumulative update, an
out-of-band cumulative update, an out-of-band hotpatch, or an optional (non-security) preview update."""
ChainEffect = Literal["starts", "keeps", "breaks"]
"""What installing a release does to the hotpatch chain: a baseline starts one; a hotpatch keeps a machine on it;
a regular, out-of-band or preview cumulative update takes it off until the next baseline."""
ReleaseType = Literal["baseline-planned", "baseline-unplanned", "hotpatch", "lcu", "out-of-band"]
"""The type of a month (the month view): its baseline or hotpatch; ``lcu`` when only the regular cumulative
update is known (a hotpatch month without a hotpatch); ``out-of-band`` when only extra releases are known."""
Role = Kind
Confidence = Literal["P", "S", "?"]

KINDS: tuple[Kind, ...] = get_args(Kind)
CHAIN_EFFECTS: tuple[ChainEffect, ...] = get_args(ChainEffect)
RELEASE_TYPES: tuple[ReleaseType, ...] = get_args(ReleaseType)
ROLES: tuple[Role, ...] = KINDS
CONFIDENCES: tuple[Confidence, ...] = get_args(Confidence)
BASELINE_TYPES: tuple[Kind, ...] = ("baseline-planned", "baseline-unplanned")
MAIN_KINDS: tuple[Kind, ...] = ("baseline-planned", "baseline-unplanned", "hotpatch")
"""The kinds of which a product has at most one per month (the month's baseline or hotpatch)."""
OUT_OF_BAND_KINDS: tuple[Kind, ...] = ("oob-lcu", "oob-hotpatch")
HOTPATCH_KINDS: tuple[Kind, ...] = ("hotpatch", "oob-hotpatch")
DEFAULT_CHAIN: dict[Kind, ChainEffect] = {
    "baseline-planned": "starts", "baseline-unplanned": "starts", "hotpatch": "keeps", "oob-hotpatch": "keeps",
    "lcu": "breaks", "oob-lcu": "breaks", "preview": "breaks",
}

# Calendar products, in display order, with the build number (CurrentBuildNumber) each one ships. Server 2025 and
# Windows 11 24H2 share 26100 (told apart by UBR range and title, see ``products``); 26H2 is an enablement package
# on the 24H2/25H2 servicing branch that reports 26300.
PRODUCT_BUILDS: dict[str, int] = {
    "windows-server-2022-azure-edition": 20348,
    "windows-server-2025": 26100,
    "windows-11-24h2": 26100,
    "windows-11-25h2": 26200,
    "windows-11-26h1": 28000,
    "windows-11-26h2": 26300,
}
KNOWN_PRODUCTS: tuple[str, ...] = tuple(PRODUCT_BUILDS)
PLANNED_BASELINE_MONTHS: tuple[int, ...] = (1, 4, 7, 10)

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ``str(Month(2024, 5))`` is ``"2024-05"``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999 or not 1 <= self.month <= 12:
            raise ValueError(f"no such month: {self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read ``YYYY-MM``; raises ValueError for anything else (``2024-5``, ``2024-13``)."""
        match = _MONTH.fullmatch(text)
        if not match:
            raise ValueError(f"not a YYYY-MM month: {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, value: Month | str | tuple[int, int] | dt.date) -> Month:
        """A Month from a Month, ``"YYYY-MM"``, ``(year, month)`` or a date."""
        if isinstance(value, Month):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        if isinstance(value, dt.date):
            return cls(value.year, value.month)
        return cls(*value)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in this month."""
        return (day.year, day.month) == (self.year, self.month)

    def next(self) -> Month:
        """The month after this one."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def planned_baseline(self) -> Month:
        """The planned baseline month (January, April, July or October) at or before this month."""
        return Month(self.year, self.month - (self.month - 1) % 3)


def planned_baseline_months() -> tuple[int, ...]:
    """The months of the year that hold a planned baseline: ``(1, 4, 7, 10)``."""
    return PLANNED_BASELINE_MONTHS


def is_baseline_month(month: Month | str | tuple[int, int]) -> bool:
    """Whether ``month`` is a planned baseline month (January, April, July, October) of the hotpatch cadence."""
    return Month.of(month).month in PLANNED_BASELINE_MONTHS


@dataclass(frozen=True)
class Entry:
    """One release of the calendar (one calendar row): a baseline, hotpatch, cumulative update or other release.

    ``cycle`` is the monthly cycle the release belongs to; its ``date`` is in that month, or for an out-of-band
    release possibly in the next one (Microsoft dated February 2026's Server 2022 out-of-band update 2026-03-02).
    ``build`` or ``kb`` may be unknown (None), not both. ``chain`` is the effect on the hotpatch chain;
    ``chain_stated`` says whether the source stated it (otherwise it is the kind's default). ``source`` is
    ``file:line`` (CSV) or ``file:entry N`` (JSON).
    """

    product: str
    cycle: Month
    kind: Kind
    date: dt.date
    build: str | None
    kb: int | None
    chain: ChainEffect
    chain_stated: bool
    confidence: Confidence
    note: str
    source: str

    @property
    def month(self) -> Month:
        """The cycle month (an alias of ``cycle``)."""
        return self.cycle

    @property
    def is_baseline(self) -> bool:
        """Whether this release is a baseline (planned or unplanned)."""
        return self.kind in BASELINE_TYPES

    @property
    def is_hotpatch(self) -> bool:
        """Whether this release is a hotpatch (monthly or out-of-band)."""
        return self.kind in HOTPATCH_KINDS

    @property
    def breaks_chain(self) -> bool:
        """Whether installing it takes a machine off the hotpatch chain."""
        return self.chain == "breaks"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (the keys of the calendar file layout, plus ``source``)."""
        return {
            "product": self.product,
            "cycle": str(self.cycle),
            "kind": self.kind,
            "date": self.date.isoformat(),
            "build": self.build,
            "kb": self.kb,
            "chain": self.chain,
            "chain_stated": self.chain_stated,
            "confidence": self.confidence,
            "note": self.note,
            "source": self.source,
        }


@dataclass(frozen=True)
class OutOfBand:
    """An extra release of a month in the month view: out-of-band (``oob-lcu``/``oob-hotpatch``) or a preview.

    ``breaks_chain`` says whether a machine that installs it leaves the hotpatch chain until the next baseline;
    ``chain_stated`` whether the source said so (otherwise the general rule: an out-of-band cumulative update
    breaks the chain, an out-of-band hotpatch keeps it). ``build`` or ``kb`` may be unknown.
    """

    date: dt.date
    build: str | None
    kb: int | None
    hotpatch: bool
    breaks_chain: bool
    chain_stated: bool
    remark: str = ""
    kind: Kind = "oob-lcu"

    @classmethod
    def of(cls, entry: Entry) -> OutOfBand:
        """The month-view record of an out-of-band or preview entry."""
        return cls(entry.date, entry.build, entry.kb, entry.is_hotpatch, entry.breaks_chain, entry.chain_stated,
                   entry.note, entry.kind)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "kind": self.kind,
            "date": self.date.isoformat(),
            "build": self.build,
            "kb": self.kb,
            "hotpatch": self.hotpatch,
            "breaks_chain": self.breaks_chain,
            "chain_stated": self.chain_stated,
            "remark": self.remark,
        }


@dataclass(frozen=True)
class Release:
    """One product's month (the month view): its hotpatch or baseline, the regular cumulative update, the extras.

    ``build``/``kb`` are the hotpatch or baseline (for a month of type ``lcu`` the cumulative update; None when
    unknown); ``lcu_build``/``lcu_kb`` the regular cumulative update of the same month (equal to the baseline in a
    baseline month; None when unknown). ``source`` is where the month's main release was read. ``entries`` are
    the calendar entries the month was built from.
    """

    product: str
    month: Month
    type: ReleaseType
    date: dt.date
    build: str | None
    kb: int | None
    lcu_build: str | None
    lcu_kb: int | None
    confidence: Confidence
    note: str
    out_of_band: tuple[OutOfBand, ...]
    source: str
    previews: tuple[OutOfBand, ...] = ()
    entries: tuple[Entry, ...] = ()

    @classmethod
    def of(cls, entries: tuple[Entry, ...]) -> Release:
        """The month view of one product's entries of one cycle (at least one)."""
        main = next((e for e in entries if e.kind in MAIN_KINDS), None)
        lcu = next((e for e in entries if e.kind == "lcu"), None)
        extras = sorted((e for e in entries if e.kind in OUT_OF_BAND_KINDS), key=lambda e: e.date)
        previews = sorted((e for e in entries if e.kind == "preview"), key=lambda e: e.date)
        first = main or lcu or (extras + previews)[0]
        kind: ReleaseType = (main.kind if main is not None else "lcu" if lcu is not None  # type: ignore[assignment]
                             else "out-of-band")
        if main is not None and main.is_baseline:
            lcu_build, lcu_kb = main.build, main.kb
        else:
            lcu_build, lcu_kb = (lcu.build, lcu.kb) if lcu is not None else (None, None)
        build, kb = (first.build, first.kb) if first is main or first is lcu else (None, None)
        return cls(first.product, first.cycle, kind, first.date, build, kb, lcu_build, lcu_kb, first.confidence,
                   first.note if first is main or first is lcu else "", tuple(OutOfBand.of(e) for e in extras),
                   first.source, tuple(OutOfBand.of(e) for e in previews), entries)

    @property
    def build_number(self) -> int | None:
        """The build number (``20348``), None when the build is unknown."""
        return Build.parse(self.build).number if self.build else None

    @property
    def ubr(self) -> int | None:
        """The update build revision of the hotpatch or baseline (``2402``), None when unknown."""
        return Build.parse(self.build).ubr if self.build else None

    @property
    def is_baseline(self) -> bool:
        """Whether this month's release is a baseline (planned or unplanned)."""
        return self.type in BASELINE_TYPES

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "product": self.product,
            "month": str(self.month),
            "type": self.type,
            "date": self.date.isoformat(),
            "build": self.build,
            "build_number": self.build_number,
            "ubr": self.ubr,
            "kb": self.kb,
            "lcu_build": self.lcu_build,
            "lcu_kb": self.lcu_kb,
            "confidence": self.confidence,
            "note": self.note,
            "out_of_band": [oob.to_dict() for oob in self.out_of_band],
            "previews": [preview.to_dict() for preview in self.previews],
            "source": self.source,
        }


@dataclass(frozen=True)
class CalendarMatch:
    """A KB or build found in the calendar: the role (the entry's kind) and the month it belongs to.

    ``entry`` is the calendar entry itself; ``out_of_band`` is its month-view record for out-of-band and preview
    releases.
    """

    role: Role
    release: Release
    entry: Entry

    @property
    def out_of_band(self) -> OutOfBand | None:
        """The out-of-band or preview record, None for a baseline, hotpatch or regular cumulative update."""
        return OutOfBand.of(self.entry) if self.entry.kind not in (*MAIN_KINDS, "lcu") else None

    @property
    def product(self) -> str:
        """The calendar product of the release."""
        return self.entry.product

    @property
    def month(self) -> Month:
        """The cycle month of the release."""
        return self.entry.cycle

    @property
    def kb(self) -> int | None:
        """The KB number that plays the role (None when unknown)."""
        return self.entry.kb

    @property
    def build(self) -> str | None:
        """The build that plays the role (None when unknown)."""
        return self.entry.build

    @property
    def confidence(self) -> Confidence:
        """How sure the calendar is of this release."""
        return self.entry.confidence

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "role": self.role,
            "product": self.product,
            "month": str(self.month),
            "kb": self.kb,
            "build": self.build,
            "source": self.entry.source,
        }


@dataclass(frozen=True)
class HotpatchChain:
    """The builds that are on a product's hotpatch chain in a month.

    ``builds`` are the baseline build and the builds since it that keep a machine on the chain (hotpatches,
    out-of-band hotpatches, out-of-band updates stated to keep it). ``ambiguous`` are builds reached both by an
    update that keeps the chain and by one that breaks it (the build alone cannot tell); they are not in
    ``builds``. ``unknown_builds`` are releases on the chain whose build is not known yet (their KBs).
    """

    product: str
    month: Month
    baseline: Release
    builds: frozenset[str]
    ambiguous: frozenset[str]
    unknown_builds: tuple[int, ...] = ()

    def __contains__(self, build: object) -> bool:
        return build in self.builds
