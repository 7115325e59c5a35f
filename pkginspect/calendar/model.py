"""The calendar's records: months, releases, out-of-band releases, lookup matches and hotpatch chains."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal, get_args

ReleaseType = Literal["baseline-planned", "baseline-unplanned", "hotpatch"]
Role = Literal["hotpatch", "baseline-planned", "baseline-unplanned", "lcu", "out-of-band"]
Confidence = Literal["P", "S", "?"]

RELEASE_TYPES: tuple[ReleaseType, ...] = get_args(ReleaseType)
ROLES: tuple[Role, ...] = get_args(Role)
CONFIDENCES: tuple[Confidence, ...] = get_args(Confidence)
BASELINE_TYPES: tuple[ReleaseType, ...] = ("baseline-planned", "baseline-unplanned")

# Calendar products, in display order, with the build number (CurrentBuildNumber) each one ships.
PRODUCT_BUILDS: dict[str, int] = {
    "windows-server-2022-azure-edition": 20348,
    "windows-server-2025": 26100,
    "windows-11-24h2": 26100,
    "windows-11-25h2": 26200,
}
KNOWN_PRODUCTS: tuple[str, ...] = tuple(PRODUCT_BUILDS)
PLANNED_BASELINE_MONTHS: tuple[int, ...] = (1, 4, 7, 10)

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_BUILD = re.compile(r"([0-9]{5})\.([0-9]{1,5})", re.ASCII)


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

    def planned_baseline(self) -> Month:
        """The planned baseline month (January, April, July or October) at or before this month."""
        return Month(self.year, self.month - (self.month - 1) % 3)


def planned_baseline_months() -> tuple[int, ...]:
    """The months of the year that hold a planned baseline: ``(1, 4, 7, 10)``."""
    return PLANNED_BASELINE_MONTHS


def is_baseline_month(month: Month | str | tuple[int, int]) -> bool:
    """Whether ``month`` is a planned baseline month (January, April, July, October) of the hotpatch cadence."""
    return Month.of(month).month in PLANNED_BASELINE_MONTHS


def parse_build(text: str) -> tuple[int, int]:
    """``"20348.2402"`` → ``(20348, 2402)``; raises ValueError unless it is a five-digit build and a UBR."""
    match = _BUILD.fullmatch(text)
    if not match:
        raise ValueError(f"not a build like 20348.2402: {text!r}")
    return int(match[1]), int(match[2])


def format_build(build: tuple[int, int]) -> str:
    """``(20348, 2402)`` → ``"20348.2402"``."""
    return f"{build[0]}.{build[1]}"


@dataclass(frozen=True)
class OutOfBand:
    """An out-of-band release listed in a calendar row's note.

    ``breaks_chain`` says whether a machine that installs it leaves the hotpatch chain until the next baseline.
    When the note says so (``breaks``/``keeps``), ``chain_stated`` is true; otherwise the general rule applies:
    an out-of-band cumulative update breaks the chain, an out-of-band hotpatch keeps it.
    """

    date: dt.date
    build: str
    kb: int
    hotpatch: bool
    breaks_chain: bool
    chain_stated: bool
    remark: str = ""

    @property
    def build_number(self) -> int:
        """The build number (``20348``)."""
        return parse_build(self.build)[0]

    @property
    def ubr(self) -> int:
        """The update build revision (``2342``)."""
        return parse_build(self.build)[1]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
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
    """One product's release of one month: its hotpatch or baseline, and the month's regular cumulative update.

    ``build``/``kb`` are the hotpatch or baseline; ``lcu_build``/``lcu_kb`` the regular cumulative update of the
    same month (equal to the baseline in a baseline month; None when unknown). ``source`` is ``file:line`` (CSV)
    or ``file:entry N`` (JSON).
    """

    product: str
    month: Month
    type: ReleaseType
    date: dt.date
    build: str
    kb: int
    lcu_build: str | None
    lcu_kb: int | None
    confidence: Confidence
    note: str
    out_of_band: tuple[OutOfBand, ...]
    source: str

    @property
    def build_number(self) -> int:
        """The build number (``20348``)."""
        return parse_build(self.build)[0]

    @property
    def ubr(self) -> int:
        """The update build revision of the hotpatch or baseline (``2402``)."""
        return parse_build(self.build)[1]

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
            "source": self.source,
        }


@dataclass(frozen=True)
class CalendarMatch:
    """A KB or build found in the calendar: the role it plays and the release (row) it belongs to.

    ``out_of_band`` is set when the role is ``out-of-band``.
    """

    role: Role
    release: Release
    out_of_band: OutOfBand | None = None

    @property
    def product(self) -> str:
        """The calendar product of the release."""
        return self.release.product

    @property
    def month(self) -> Month:
        """The month of the release."""
        return self.release.month

    @property
    def kb(self) -> int:
        """The KB number that plays the role."""
        if self.out_of_band is not None:
            return self.out_of_band.kb
        if self.role == "lcu" and self.release.lcu_kb is not None:
            return self.release.lcu_kb
        return self.release.kb

    @property
    def build(self) -> str:
        """The build that plays the role."""
        if self.out_of_band is not None:
            return self.out_of_band.build
        if self.role == "lcu" and self.release.lcu_build is not None:
            return self.release.lcu_build
        return self.release.build

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "role": self.role,
            "product": self.product,
            "month": str(self.month),
            "kb": self.kb,
            "build": self.build,
            "source": self.release.source,
        }


@dataclass(frozen=True)
class HotpatchChain:
    """The builds that are on a product's hotpatch chain in a month.

    ``builds`` are the baseline build and the builds since it that keep a machine on the chain (hotpatches,
    out-of-band hotpatches, out-of-band updates stated to keep it). ``ambiguous`` are builds reached both by an
    update that keeps the chain and by one that breaks it (the build alone cannot tell); they are not in
    ``builds``.
    """

    product: str
    month: Month
    baseline: Release
    builds: frozenset[str]
    ambiguous: frozenset[str]

    def __contains__(self, build: object) -> bool:
        return build in self.builds
