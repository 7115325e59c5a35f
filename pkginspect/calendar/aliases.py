"""Mapping the product families of machine facts and packages to calendar products."""

from __future__ import annotations

from collections.abc import Collection

from pkginspect import products
from pkginspect.calendar.model import KNOWN_PRODUCTS, PRODUCT_BUILDS
from pkginspect.suggest import closest, hint

# Families whose hotpatch program has one calendar product whatever the build.
_SERVER = {
    "windows-server-2022": "windows-server-2022-azure-edition",  # only Azure Edition (ServerTurbine[Cor]) hotpatches
    "windows-server-2025": "windows-server-2025",
}


def calendar_product(
    product: str, build: int | None = None, *, available: Collection[str] | None = None
) -> str | None:
    """The calendar product for a machine's or package's product family and build number, or None.

    ``windows-server-2022`` → ``windows-server-2022-azure-edition`` (the edition that hotpatches; eligibility is
    checked elsewhere), ``windows-server-2025`` → ``windows-server-2025``, ``windows-11`` → ``windows-11-24h2``
    for build 26100 and ``windows-11-25h2`` for 26200 (None without a build). A calendar product name maps to
    itself. A build that the product does not ship gives None, and so does a result not in ``available``
    (default: every known calendar product; pass ``Calendar.products()`` to require data).
    """
    name = product.strip().casefold()
    if name in KNOWN_PRODUCTS:
        found: str | None = name
    elif name in _SERVER:
        found = _SERVER[name]
    elif name == "windows-11":
        release = products.release_name(build)
        found = f"windows-11-{release.casefold()}" if release and name in products.candidates(build) else None
    else:
        found = None
    if found is None or found not in KNOWN_PRODUCTS:
        return None
    if build is not None and PRODUCT_BUILDS[found] != build:
        return None
    pool = KNOWN_PRODUCTS if available is None else available
    return found if found in pool else None


def suggest_product(name: str) -> str:
    """A ``" (did you mean 'x'?)"`` hint for an unknown calendar product name (a family alias first), or ``""``."""
    return hint(calendar_product(name) or closest(name.strip(), KNOWN_PRODUCTS))
