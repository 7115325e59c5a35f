"""Windows product families: which products a build number belongs to, and how titles narrow it down.

Product names match the machine facts' ``product`` values (``windows-server-2022``, ``windows-11`` …).
Several products share a build (Server 2025 and Windows 11 24H2 are both 26100, and share their
cumulative update files), so a build gives every candidate product.
"""

from __future__ import annotations

from collections.abc import Iterable

from pkginspect.numbers import is_decimal

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


def build_of_version(version: str | None) -> tuple[int, int | None] | None:
    """(build, UBR) from a version: ``20348.2402.1.10`` (a cumulative update) or ``6.1.7601.17514``."""
    if not version:
        return None
    parts = version.split(".")
    if not all(is_decimal(part) for part in parts) or not 2 <= len(parts) <= 8:
        return None
    numbers = [int(part) for part in parts]
    if numbers[0] >= 10000:  # <build>.<ubr>.<…>: Windows 10+ cumulative and servicing stack packages
        return numbers[0], numbers[1]
    if len(numbers) >= 4 and numbers[2] >= 1000:  # <major>.<minor>.<build>.<qfe>: component versions
        return numbers[2], numbers[3]
    return None
