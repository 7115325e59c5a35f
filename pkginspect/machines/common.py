"""Helpers the export importers share: typed field access with located errors, and OS names to facts."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from pkginspect import products
from pkginspect.errors import FactsError
from pkginspect.machines.editions import edition_id
from pkginspect.machines.facts import KNOWN_PRODUCTS, Machine, show
from pkginspect.types import Build

Source = str | os.PathLike[str] | None
DocumentKind = Literal["facts", "az-vm", "instance-view", "arc", "resource-graph", "arm-list", "fleet", "unknown"]

# "10.0.20348.2402", "20348.2402.240405", or the instance view's "Microsoft Windows NT 10.0.14393.0".
_OS_VERSION = re.compile(
    r"(?:Microsoft Windows NT )?(?:[0-9]{1,2}\.[0-9]{1,2}\.)?([0-9]{4,5})\.([0-9]{1,6})(?:\.[0-9]+)*", re.ASCII)



class Importer(Protocol):
    """One export format of a single machine: whether a JSON object is in it, and the machine it describes."""

    @property
    def kind(self) -> DocumentKind:
        """The shape's name, as ``document_kind`` returns it."""

    def detect(self, data: Mapping[str, Any]) -> bool:
        """Whether the object is in this format (by its keys, before anything is read)."""

    def read(self, data: Mapping[str, Any], *, source: Source = None, location: str | None = None) -> Machine:
        """The machine the object describes; FactsError (``location`` first) when a field is wrong."""


@dataclass(frozen=True)
class ExportImporter:
    """An ``Importer`` made of a format's two functions."""

    kind: DocumentKind
    detect: Callable[[Mapping[str, Any]], bool]
    read: Callable[..., Machine]


class NotWindowsError(FactsError):
    """An export entry is a Linux (or other non-Windows) machine: a list skips it, a single export is an error."""

    def __init__(self, source: Source, message: str, *, name: str, os_type: str) -> None:
        super().__init__(source, message)
        self.name = name
        self.os_type = os_type


@dataclass(frozen=True)
class SkippedMachine:
    """An entry of an export list that is not a Windows machine, left out of the fleet."""

    name: str
    location: str
    os_type: str

    def __str__(self) -> str:
        return f"{self.location} ({self.name}, osType {self.os_type})"


@dataclass(frozen=True)
class Fleet:
    """The machines read from one file, with what was left out and why.

    ``skipped`` lists non-Windows entries of a list export (``az vm list`` holding Linux VMs); ``notes`` says what
    the file cannot tell (a later page of a paged export). A caller shows ``warnings()`` to the user.
    """

    source: str | None
    machines: tuple[Machine, ...]
    skipped: tuple[SkippedMachine, ...] = ()
    notes: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        """One line per thing the user should know, each starting with the file: skipped machines, notes."""
        where = f"{self.source}: " if self.source else ""
        lines = []
        if self.skipped:
            count = len(self.skipped)
            listed = ", ".join(str(entry) for entry in self.skipped[:5]) + (", …" if count > 5 else "")
            lines.append(f"{where}skipped {count} non-Windows machine{'s' if count != 1 else ''}: {listed}")
        lines.extend(f"{where}{note}" for note in self.notes)
        return lines


class Reader:
    """Typed access to one export document; a wrong JSON type raises FactsError naming file, entry and field."""

    def __init__(self, data: Mapping[str, Any], source: Source, location: str | None) -> None:
        self.data = data
        self.source = source
        self.location = location

    def error(self, message: str) -> FactsError:
        """A FactsError for this document: ``<source>: <location>: <message>``."""
        return FactsError(self.source, self.located(message))

    def located(self, message: str) -> str:
        """``message`` prefixed with this document's location in its file (``entry 3: …``), if any."""
        return f"{self.location}: {message}" if self.location else message

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
    match = _OS_VERSION.fullmatch(version.strip()) if version else None
    return str(Build(int(match[1]), int(match[2]))) if match else None


def product_of(build: str | None, texts: list[str | None]) -> str | None:
    """The product of a build (``"26100.6899"``), narrowed by OS names (server or client), or None when unsure."""
    if not build:
        return None
    shipped = products.narrow(products.candidates(Build.parse(build).number), texts)
    if len(shipped) == 1 and shipped[0] in KNOWN_PRODUCTS:
        return shipped[0]
    return None


def edition_of_os_name(name: str | None, installation: str | None = None) -> str | None:
    """The EditionID an OS name implies (``"Windows Server 2025 Datacenter"`` → ``ServerDatacenter``), or None.

    Azure Edition names give ``ServerTurbine`` / ``ServerTurbineCor`` only when ``installation`` is known, since the
    name does not say whether it is Server Core. The table is ``pkginspect.machines.editions``.
    """
    edition = edition_id(name, installation)
    if edition == "ServerTurbine" and installation is None:
        return None
    return edition


__all__ = ["Fleet", "NotWindowsError", "Reader", "SkippedMachine", "Source", "build_of_os_version",
           "edition_of_os_name", "product_of"]
