"""WSUSSCAN ``localized/<lang>/<revision>`` files: an update's title and texts in one language."""

from __future__ import annotations

import dataclasses

from pkginspect.metadata._common import Data, JsonRecord, UnknownElement
from pkginspect.metadata.wsus._revision import parse_properties, revision_id
from pkginspect.metadata.xmlsafe import DEFAULT_LIMITS, XmlLimits, elements, local_name, text_of, unknown


@dataclasses.dataclass(frozen=True, slots=True)
class LocalizedProperties(JsonRecord):
    """A ``localized/<lang>/<revision>`` file: the update's title and texts in one language."""

    source: str
    revision_id: int | None
    """Taken from the file name."""
    language: str | None
    title: str | None
    description: str | None
    uninstall_notes: str | None
    more_info_url: str | None
    support_url: str | None
    unknown: tuple[UnknownElement, ...]


_CHILDREN = {"Language", "Title", "Description", "UninstallNotes", "MoreInfoUrl", "SupportUrl"}


def parse_localized(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> LocalizedProperties:
    """Parse a WSUSSCAN ``localized/<lang>/<revision>`` fragment file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or when ``<LocalizedProperties>`` is missing.
    """
    root, properties = parse_properties(data, source, limits, "LocalizedProperties", "localized-properties")
    unknowns = [unknown(child) for child in elements(properties) if local_name(child) not in _CHILDREN]
    unknowns.extend(unknown(child) for child in elements(root) if local_name(child) != "LocalizedProperties")
    return LocalizedProperties(
        source=source,
        revision_id=revision_id(source),
        language=text_of(properties, "Language"),
        title=text_of(properties, "Title"),
        description=text_of(properties, "Description"),
        uninstall_notes=text_of(properties, "UninstallNotes"),
        more_info_url=text_of(properties, "MoreInfoUrl"),
        support_url=text_of(properties, "SupportUrl"),
        unknown=tuple(unknowns),
    )


__all__ = ["LocalizedProperties", "parse_localized"]
