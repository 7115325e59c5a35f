"""The Calendar: releases per product, looked up by KB, build or month, with baselines and hotpatch chains."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from pkginspect.calendar.aliases import calendar_product, suggest_product
from pkginspect.calendar.model import (
    KINDS,
    KNOWN_PRODUCTS,
    MAIN_KINDS,
    CalendarMatch,
    Entry,
    HotpatchChain,
    Month,
    Release,
)
from pkginspect.types import Build

_KB = re.compile(r"(?:KB)?([0-9]+)", re.ASCII | re.IGNORECASE)
MonthLike = Month | str | tuple[int, int]
_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


def _order(product: str) -> tuple[int, str]:
    return (KNOWN_PRODUCTS.index(product) if product in KNOWN_PRODUCTS else len(KNOWN_PRODUCTS), product)


def _kb_number(kb: int | str) -> int:
    if isinstance(kb, int):
        return kb
    match = _KB.fullmatch(kb.strip())
    if not match:
        raise ValueError(f"not a KB number: {kb!r}")
    return int(match[1])


class Calendar:
    """The release calendar: its entries (one release per row) and, per product and month, the month view.

    Build one with ``load_calendar``. Methods that take a product want a calendar product name (see
    ``KNOWN_PRODUCTS``; ``calendar_product`` maps machine product families to them) and raise ValueError for
    any other name. Months may be given as ``Month``, ``"YYYY-MM"`` or ``(year, month)``.

    The API: ``entries(product, month)`` the releases; ``releases(product)``/``release(product, month)`` the
    month view (a month's baseline or hotpatch, its regular cumulative update, its out-of-band releases);
    ``by_kb``/``by_build`` where a KB or build appears; ``newest_month(product)`` the last month the calendar
    knows; ``baseline_for``/``chain``/``chain_builds`` the hotpatch chain state of a month.
    """

    def __init__(self, entries: Iterable[Entry], sources: Sequence[str] = ()) -> None:
        """Index ``entries``; ``sources`` names the files they were read from, in load order."""
        ordered = sorted(entries, key=lambda e: (_order(e.product), e.cycle, _KIND_ORDER[e.kind], e.date))
        grouped: dict[tuple[str, Month], list[Entry]] = {}
        for entry in ordered:
            grouped.setdefault((entry.product, entry.cycle), []).append(entry)
        self._by_key: dict[tuple[str, Month], Release] = {}
        for key, group in grouped.items():
            if sum(1 for e in group if e.kind in MAIN_KINDS) > 1:
                raise ValueError(f"two baselines or hotpatches for {key[0]} {key[1]}")
            self._by_key[key] = Release.of(tuple(group))
        self._entries = tuple(ordered)
        self._by_kb: dict[int, list[Entry]] = {}
        for entry in ordered:
            if entry.kb is not None:
                self._by_kb.setdefault(entry.kb, []).append(entry)
        self._releases = tuple(self._by_key.values())
        self._sources = tuple(sources)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def __repr__(self) -> str:
        return (f"Calendar({len(self._entries)} entries in {len(self._releases)} months, "
                f"products={list(self.products())})")

    @property
    def sources(self) -> tuple[str, ...]:
        """The files the releases were read from, in load order (the bundled file first when used)."""
        return self._sources

    def products(self) -> tuple[str, ...]:
        """The calendar products that have at least one release, in display order."""
        return tuple(dict.fromkeys(release.product for release in self._releases))

    def _check_product(self, product: str) -> None:
        if product not in KNOWN_PRODUCTS and product not in self.products():
            raise ValueError(f"unknown calendar product {product!r}{suggest_product(product)}; calendar products: "
                             f"{', '.join(KNOWN_PRODUCTS)}")

    def entries(self, product: str | None = None, month: MonthLike | None = None) -> tuple[Entry, ...]:
        """The releases (one per calendar row), of one product and/or one cycle month, in product, month order."""
        if product is not None:
            self._check_product(product)
        wanted = Month.of(month) if month is not None else None
        return tuple(entry for entry in self._entries
                     if (product is None or entry.product == product) and (wanted is None or entry.cycle == wanted))

    def releases(self, product: str | None = None) -> tuple[Release, ...]:
        """The month view: every product's months, or one product's, in month order."""
        if product is None:
            return self._releases
        self._check_product(product)
        return tuple(release for release in self._releases if release.product == product)

    def release(self, product: str, month: MonthLike) -> Release | None:
        """The month view of ``product`` in ``month``, or None."""
        self._check_product(product)
        return self._by_key.get((product, Month.of(month)))

    def newest_month(self, product: str) -> Month | None:
        """The last cycle month the calendar knows a release of ``product`` for (None: none at all)."""
        releases = self.releases(product)
        return releases[-1].month if releases else None

    def _match(self, entry: Entry) -> CalendarMatch:
        return CalendarMatch(entry.kind, self._by_key[(entry.product, entry.cycle)], entry)

    def by_kb(self, kb: int | str) -> list[CalendarMatch]:
        """Every release a KB names, with its role (the release's kind).

        A KB shared by several products (Server 2025 and Windows 11 24H2 until 2025) gives one match per product.
        ``kb`` may be ``5036909``, ``"5036909"`` or ``"KB5036909"`` (ValueError for anything else).
        """
        return [self._match(entry) for entry in self._by_kb.get(_kb_number(kb), ())]

    def by_build(self, product: str | None, build: str) -> list[CalendarMatch]:
        """Every release of an exact build (``"20348.2402"``) in ``product`` (all products when None).

        Roles as in ``by_kb``. ValueError when ``build`` is not NNNNN.NNNN or the product is unknown.
        """
        wanted = str(Build.parse(build.strip(), calendar=True))
        return [self._match(entry) for entry in self.entries(product) if entry.build == wanted]

    def baseline_for(self, product: str, month: MonthLike) -> Release | None:
        """The baseline a hotpatch of ``month`` builds on: the latest baseline (planned or unplanned) at or before it.

        None when there is none in the calendar, or when the planned baseline month that governs ``month`` has no
        row (past the end of the data): then the baseline is not known.
        """
        wanted = Month.of(month)
        base: Release | None = None
        for release in self.releases(product):
            if release.month > wanted:
                break
            if release.is_baseline:
                base = release
        if base is None:
            return None
        governing = wanted.planned_baseline()
        ruling = self._by_key.get((product, governing))
        if governing > base.month and (ruling is None or ruling.type not in MAIN_KINDS):
            return None  # the month that should hold the baseline has none recorded: the baseline is not known
        return base

    def chain(self, product: str, month: MonthLike) -> HotpatchChain | None:
        """The hotpatch chain of ``product`` in ``month``; None when its baseline is not known.

        On the chain: the baseline build, the hotpatch builds of the months since it up to ``month``, and the
        out-of-band builds of those months that keep the chain. Off it: the regular cumulative updates of hotpatch
        months and out-of-band builds that break the chain. A build on both sides is ``ambiguous`` and off.
        """
        wanted = Month.of(month)
        base = self.baseline_for(product, wanted)
        if base is None:
            return None
        on: set[str] = set()
        off: set[str] = set()
        unknown: list[int] = []
        for entry in self.entries(product):
            if not base.month <= entry.cycle <= wanted:
                continue
            if entry.build is None:
                if not entry.breaks_chain and entry.kb is not None:
                    unknown.append(entry.kb)
                continue
            (off if entry.breaks_chain else on).add(entry.build)
        return HotpatchChain(product, wanted, base, frozenset(on - off), frozenset(on & off), tuple(unknown))

    def chain_builds(self, product: str, month: MonthLike) -> frozenset[str]:
        """The exact builds on the hotpatch chain of ``product`` in ``month`` (empty when the baseline is unknown)."""
        chain = self.chain(product, month)
        return chain.builds if chain is not None else frozenset()

    def product_for(self, product: str, build: int | None = None) -> str | None:
        """``calendar_product`` restricted to the products this calendar has releases for."""
        return calendar_product(product, build, available=self.products())
