"""Helpers the export importers share: typed field access with located errors, and OS names to facts."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from pkginspect import products
from pkginspect.errors import FactsError
from pkginspect.rules.facts import KNOWN_PRODUCTS, show

Source = str | os.PathLike[str] | None

_OS_VERSION = re.compile(r"(?:[0-9]{1,2}\.[0-9]{1,2}\.)?([0-9]{4,5})\.([0-9]{1,6})(?:\.[0-9]+)*", re.ASCII)

# Words of an OS name or image SKU (casefolded) → EditionID. Checked in order: the first match wins.
_CLIENT_EDITIONS: tuple[tuple[str, str], ...] = (
    ("multi-session", "ServerRdsh"),
    ("enterprise ltsc", "EnterpriseS"),
    ("enterprise n", "EnterpriseN"),
    ("enterprise", "Enterprise"),
    ("education", "Education"),
    ("pro n", "ProfessionalN"),
    ("pro", "Professional"),
)


class Reader:
    """Typed access to one export document; a wrong JSON type raises FactsError naming file, entry and field."""

    def __init__(self, data: Mapping[str, Any], source: Source, location: str | None) -> None:
        self.data = data
        self.source = source
        self.location = location

    def error(self, message: str) -> FactsError:
        """A FactsError for this document: ``<source>: <location>: <message>``."""
        return FactsError(self.source, f"{self.location}: {message}" if self.location else message)

    def raw(self, *path: str, base: Mapping[str, Any] | None = None) -> object:
        """The value at ``path`` (keys of nested objects), None when a level is missing or not an object."""
        value: object = self.data if base is None else base
        for key in path:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    def text(self, *path: str, base: Mapping[str, Any] | None = None) -> str | None:
        """The string at ``path``, None when absent or null; another type is an error."""
        value = self.raw(*path, base=base)
        if value is None or isinstance(value, str):
            return value
        raise self.error(f"{'.'.join(path)}: expected a string, got {show(value)}")

    def flag(self, *path: str, base: Mapping[str, Any] | None = None) -> bool | None:
        """The boolean at ``path``, None when absent or null; another type is an error."""
        value = self.raw(*path, base=base)
        if value is None or isinstance(value, bool):
            return value
        raise self.error(f"{'.'.join(path)}: expected true or false, got {show(value)}")

    def obj(self, *path: str, base: Mapping[str, Any] | None = None) -> Mapping[str, Any] | None:
        """The object at ``path``, None when absent or null; another type is an error."""
        value = self.raw(*path, base=base)
        if value is None or isinstance(value, Mapping):
            return value
        raise self.error(f"{'.'.join(path)}: expected an object, got {show(value)}")


def build_of_os_version(version: str | None) -> str | None:
    """``"20348.2402"`` from an OS version such as ``"10.0.20348.2402"`` or an image version ``"20348.2402.240405"``.

    None when the text is not such a version (the importers then leave the build unknown).
    """
    if not version:
        return None
    match = _OS_VERSION.fullmatch(version.strip())
    if not match:
        return None
    return f"{int(match[1])}.{int(match[2])}"


def product_of(build: str | None, texts: list[str | None]) -> str | None:
    """The product of a build (``"26100.6899"``), narrowed by OS names (server or client), or None when unsure."""
    if not build:
        return None
    shipped = products.narrow(products.candidates(int(build.split(".")[0])), texts)
    if len(shipped) == 1 and shipped[0] in KNOWN_PRODUCTS:
        return shipped[0]
    return None


def edition_of_os_name(name: str | None, installation: str | None = None) -> str | None:
    """The EditionID an OS name implies (``"Windows Server 2025 Datacenter"`` → ``ServerDatacenter``), or None.

    Azure Edition names give ``ServerTurbine`` / ``ServerTurbineCor`` only when ``installation`` is known, since the
    name does not say whether it is Server Core.
    """
    if not name:
        return None
    words = " ".join(name.casefold().replace(":", " ").split())
    if "server" in words or "azure edition" in words:
        if "azure edition" in words:
            if installation is None:
                return None
            return "ServerTurbineCor" if installation == "core" else "ServerTurbine"
        if "datacenter" in words:
            return "ServerDatacenter"
        if "standard" in words:
            return "ServerStandard"
        return None
    if "windows 11" in words or "windows 10" in words:
        for phrase, edition in _CLIENT_EDITIONS:
            if re.search(rf"\b{re.escape(phrase)}\b", words):
                return edition
    return None


__all__ = ["Reader", "Source", "build_of_os_version", "edition_of_os_name", "product_of"]
