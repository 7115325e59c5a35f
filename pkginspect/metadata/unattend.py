"""The unattend ``.xml`` beside an .msu's package cabinet, naming the package(s) and where they come from."""

from __future__ import annotations

import dataclasses

from pkginspect.metadata._common import AssemblyIdentity, Data, JsonRecord, UnknownElement
from pkginspect.metadata.mum import identity_from
from pkginspect.metadata.xmlsafe import (
    SMALL_DOCUMENT_LIMITS,
    Element,
    XmlLimits,
    attr,
    descendants,
    elements,
    expect_root,
    first,
    local_name,
    parse_xml,
    unknown,
)
from pkginspect.paths import base_name


@dataclasses.dataclass(frozen=True, slots=True)
class UnattendPackage:
    """A ``<servicing><package>`` entry."""

    action: str | None
    """``install``, ``remove``…"""
    identity: AssemblyIdentity | None
    source_location: str | None
    """``<source location>`` as written (``%configsetroot%\\Windows6.1-KB4538483-x64.CAB``)."""

    @property
    def source_file_name(self) -> str | None:
        """The last component of ``source_location`` (``Windows6.1-KB4538483-x64.CAB``), or None."""
        if not self.source_location:
            return None
        return base_name(self.source_location) or None


@dataclasses.dataclass(frozen=True, slots=True)
class UnattendFile(JsonRecord):
    """A parsed unattend file (``urn:schemas-microsoft-com:unattend``)."""

    source: str
    packages: tuple[UnattendPackage, ...]
    unknown: tuple[UnknownElement, ...]
    """Top-level elements other than ``<servicing>`` (settings passes and the like)."""


def parse_unattend(data: Data, source: str, *, limits: XmlLimits = SMALL_DOCUMENT_LIMITS) -> UnattendFile:
    """Parse an .msu's unattend file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or a root other than ``<unattend>``.
    """
    root = parse_xml(data, source, limits=limits)
    expect_root(root, "unattend", source, "an unattend file")
    packages: list[UnattendPackage] = []
    for servicing in elements(root, "servicing"):
        packages.extend(_package(element) for element in descendants(servicing, "package"))
    return UnattendFile(
        source=source,
        packages=tuple(packages),
        unknown=tuple(unknown(child) for child in elements(root) if local_name(child) != "servicing"),
    )


def _package(element: Element) -> UnattendPackage:
    identity = first(element, "assemblyIdentity")
    location = first(element, "source")
    return UnattendPackage(
        action=attr(element, "action"),
        identity=identity_from(identity) if identity is not None else None,
        source_location=attr(location, "location") if location is not None else None,
    )


__all__ = ["UnattendFile", "UnattendPackage", "parse_unattend"]
