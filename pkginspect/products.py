"""Windows product families: which products a build number belongs to, and how titles narrow it down.

Product names match the machine facts' ``product`` values (``windows-server-2022``, ``windows-11`` …).
Several products share a build (Server 2025 and Windows 11 24H2 are both 26100, and share their
cumulative update files), so a build gives every candidate product.
"""

from __future__ import annotations

from collections.abc import Iterable

from pkginspect.numbers import is_decimal
from pkginspect.types import Build

# Build → (candidate products, release name). Client first, then server, for builds shared by both.
BUILDS: dict[int, tuple[tuple[str, ...], str]] = {
    7600: (("windows-7", "windows-server-2008-r2"), "6.1"),
    7601: (("windows-7", "windows-server-2008-r2"), "6.1 SP1"),
    9200: (("windows-8", "windows-server-2012"), "6.2"),
    9600: (("windows-8.1", "windows-server-2012-r2"), "6.3"),
    14393: (("windows-10", "windows-server-2016"), "1607"),
    17763: (("windows-10", "windows-server-2019"), "1809"),
    19041: (("windows-10",), "2004"),
    19042: (("windows-10",), "20H2"),
    19043: (("windows-10",), "21H1"),
    19044: (("windows-10",), "21H2"),
    19045: (("windows-10",), "22H2"),
    20348: (("windows-server-2022",), "21H2"),
    22000: (("windows-11",), "21H2"),
    22621: (("windows-11",), "22H2"),
    22631: (("windows-11",), "23H2"),
    25398: (("windows-server-23h2",), "23H2"),
    26100: (("windows-11", "windows-server-2025"), "24H2"),
    26200: (("windows-11",), "25H2"),
    26300: (("windows-11",), "26H2"),  # enablement package on the 24H2/25H2 servicing branch
    28000: (("windows-11",), "26H1"),  # new Arm64 devices
}


SERVER_WORDS = ("server", "azure edition", "azure stack hci")
CLIENT_WORDS = ("windows 11", "windows 10", "windows 8.1", "windows 7", "client")


def candidates(build: int | None) -> tuple[str, ...]:
    """Products that ship build ``build`` (empty when unknown)."""
    if build is None or build not in BUILDS:
        return ()
    return BUILDS[build][0]


def release_name(build: int | None) -> str | None:
    """The marketing version of a build (``24H2``), or None."""
    if build is None or build not in BUILDS:
        return None
    return BUILDS[build][1]


def narrow(products: tuple[str, ...], texts: Iterable[str | None]) -> tuple[str, ...]:
    """Keep the server or client products when the given texts name only one side (for a machine's OS name).

    Returns ``products`` unchanged when the texts say nothing or mention both sides. Not for packages: one
    package file can serve both sides.
    """
    if len(products) < 2:
        return products
    joined = " ".join(text.casefold() for text in texts if text)
    says_server = any(word in joined for word in SERVER_WORDS)
    says_client = any(word in joined for word in CLIENT_WORDS)
    if says_server == says_client:
        return products
    wanted = [p for p in products if ("server" in p) == says_server]
    return tuple(wanted) or products


def build_of_version(version: str | None) -> Build | None:
    """The build of a version: ``20348.2402.1.10`` (a cumulative update) or ``6.1.7601.17514``; None otherwise."""
    if not version:
        return None
    parts = version.split(".")
    if not all(is_decimal(part) for part in parts) or not 2 <= len(parts) <= 8:
        return None
    numbers = [int(part) for part in parts]
    if numbers[0] >= 10000:  # <build>.<ubr>.<…>: Windows 10+ cumulative and servicing stack packages
        return Build(numbers[0], numbers[1])
    if len(numbers) >= 4 and numbers[2] >= 1000:  # <major>.<minor>.<build>.<qfe>: component versions
        return Build(numbers[2], numbers[3])
    return None


# Server 2025 and Windows 11 24H2 share build 26100 and, until December 2025, their cumulative update files. From
# January 2026 they ship different KBs in separate UBR ranges (Microsoft release health): Server 2025 at
# 26100.32xxx (26100.32230, KB5073379), Windows 11 24H2 from 26100.7623 (KB5074109) up to 26100.9xxx.
SHARED_BUILD = 26100
SERVER_2025_FIRST_UBR = 32000
WINDOWS_11_FIRST_SPLIT_UBR = 7623


def by_ubr(build: int | None, ubr: int | None) -> tuple[str, ...]:
    """The products that ship ``build.ubr``: ``candidates(build)``, narrowed by the 2026 UBR ranges of 26100."""
    found = candidates(build)
    if build != SHARED_BUILD or ubr is None:
        return found
    if ubr >= SERVER_2025_FIRST_UBR:
        return tuple(p for p in found if p == "windows-server-2025")
    if ubr >= WINDOWS_11_FIRST_SPLIT_UBR:
        return tuple(p for p in found if p == "windows-11")
    return found


def title_side(title: str | None) -> str | None:
    """``"server"`` or ``"client"`` when a WSUS title names only one side, else None.

    "Microsoft server operating system version 24H2" is the server, "Windows 11 Version 24H2" the client.
    """
    if not title:
        return None
    text = title.casefold()
    server = any(word in text for word in SERVER_WORDS)
    client = any(word in text for word in CLIENT_WORDS)
    return None if server == client else "server" if server else "client"


def package_products(builds: Iterable[tuple[int, int | None]], title: str | None = None) -> tuple[str, ...]:
    """The products a package applies to, from every (build, UBR) it names and its WSUS title.

    The union over the builds (a package can name several parents: 7600 and 7601), each narrowed by its UBR
    range. The title narrows only a build whose UBR is unknown: a known UBR in the shared range means one file
    that served both products, whatever the title of the copy at hand says.
    """
    found: list[str] = []
    for build, ubr in builds:
        some = by_ubr(build, ubr)
        side = title_side(title) if ubr is None else None
        if side is not None and len(some) > 1:
            some = tuple(p for p in some if ("server" in p) == (side == "server")) or some
        found += some
    return tuple(dict.fromkeys(found))


def by_title_first(found: Iterable[str], title: str | None) -> tuple[str, ...]:
    """``found`` with the products of the side the WSUS title names first (stable otherwise)."""
    side = title_side(title)
    items = tuple(found)
    if side is None:
        return items
    return tuple(sorted(items, key=lambda p: ("server" in p) != (side == "server")))


def title_contradicts(found: Iterable[str], title: str | None) -> bool:
    """Whether the title names a side none of ``found`` is on (a 26100.32xxx server build titled Windows 11)."""
    side = title_side(title)
    items = tuple(found)
    return side is not None and bool(items) and not any(("server" in p) == (side == "server") for p in items)
