"""The Calendar: releases per product, looked up by KB, build or month, with baselines and hotpatch chains."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from pkginspect.calendar.aliases import calendar_product, suggest_product
from pkginspect.calendar.model import (
    KNOWN_PRODUCTS,
    CalendarMatch,
    HotpatchChain,
    Month,
    Release,
    format_build,
    parse_build,
)

_KB = re.compile(r"(?:KB)?([0-9]+)", re.ASCII | re.IGNORECASE)
MonthLike = Month | str | tuple[int, int]


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
    """The hotpatch release calendar: at most one Release per (product, month), in product then month order.

    Build one with ``load_calendar``. Methods that take a product want a calendar product name (see
    ``KNOWN_PRODUCTS``; ``calendar_product`` maps machine product families to them) and raise ValueError for
    any other name. Months may be given as ``Month``, ``"YYYY-MM"`` or ``(year, month)``.
    """

    def __init__(self, releases: Iterable[Release], sources: Sequence[str] = ()) -> None:
        """Index ``releases``; ``sources`` names the files they were read from, in load order."""
        ordered = sorted(releases, key=lambda r: (_order(r.product), r.month))
        self._by_key: dict[tuple[str, Month], Release] = {}
        for release in ordered:
            key = (release.product, release.month)
            if key in self._by_key:
                raise ValueError(f"two releases for {release.product} {release.month}")
            self._by_key[key] = release
        self._releases = tuple(ordered)
        self._sources = tuple(sources)

    def __len__(self) -> int:
        return len(self._releases)

    def __iter__(self) -> Iterator[Release]:
        return iter(self._releases)

    def __repr__(self) -> str:
        return f"Calendar({len(self._releases)} releases, products={list(self.products())})"

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

    def releases(self, product: str | None = None) -> tuple[Release, ...]:
        """Every release, or one product's, in month order."""
        if product is None:
            return self._releases
        self._check_product(product)
        return tuple(release for release in self._releases if release.product == product)

    def release(self, product: str, month: MonthLike) -> Release | None:
        """The release of ``product`` in ``month``, or None."""
        self._check_product(product)
        return self._by_key.get((product, Month.of(month)))

    def by_kb(self, kb: int | str) -> list[CalendarMatch]:
        """Every place a KB appears, with its role.

        The role is the release type (a hotpatch or baseline), ``lcu`` (a month's regular cumulative update) or
        ``out-of-band``. A KB shared by several products (Server 2025 and Windows 11 24H2) gives one match per
        product. ``kb`` may be ``5036909``, ``"5036909"`` or ``"KB5036909"`` (ValueError for anything else).
        """
        number = _kb_number(kb)
        found: list[CalendarMatch] = []
        for release in self._releases:
            if release.kb == number:
                found.append(CalendarMatch(release.type, release))
            elif release.lcu_kb == number:
                found.append(CalendarMatch("lcu", release))
            found += [CalendarMatch("out-of-band", release, oob) for oob in release.out_of_band if oob.kb == number]
        return found

    def by_build(self, product: str | None, build: str) -> list[CalendarMatch]:
        """Every place an exact build (``"20348.2402"``) appears in ``product`` (all products when None), with its role.

        Roles as in ``by_kb``. ValueError when ``build`` is not NNNNN.NNNN or the product is unknown.
        """
        wanted = format_build(parse_build(build.strip()))
        found: list[CalendarMatch] = []
        for release in self.releases(product):
            if release.build == wanted:
                found.append(CalendarMatch(release.type, release))
            elif release.lcu_build == wanted:
                found.append(CalendarMatch("lcu", release))
            found += [CalendarMatch("out-of-band", release, oob) for oob in release.out_of_band if oob.build == wanted]
        return found

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
        if governing > base.month and (product, governing) not in self._by_key:
            return None
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
        for release in self.releases(product):
            if not base.month <= release.month <= wanted:
                continue
            on.add(release.build)
            if release.lcu_build is not None and release.lcu_build != release.build:
                off.add(release.lcu_build)
            for oob in release.out_of_band:
                (off if oob.breaks_chain else on).add(oob.build)
        return HotpatchChain(product, wanted, base, frozenset(on - off), frozenset(on & off))

    def chain_builds(self, product: str, month: MonthLike) -> frozenset[str]:
        """The exact builds on the hotpatch chain of ``product`` in ``month`` (empty when the baseline is unknown)."""
        chain = self.chain(product, month)
        return chain.builds if chain is not None else frozenset()

    def product_for(self, product: str, build: int | None = None) -> str | None:
        """``calendar_product`` restricted to the products this calendar has releases for."""
        return calendar_product(product, build, available=self.products())
