"""What the revision files (``core/``, ``extended/``, ``localized/<lang>/``) share: fragments named by revision."""

from __future__ import annotations

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import Data
from pkginspect.metadata.xmlsafe import Element, XmlLimits, first, parse_xml
from pkginspect.numbers import is_decimal, parse_decimal
from pkginspect.paths import base_name


def revision_id(source: str) -> int | None:
    """Return the revision id a revision file is named by (``…!extended/1234`` → 1234), or None."""
    name = base_name(source, nested=True)
    return parse_decimal(name) if is_decimal(name) else None


def parse_properties(data: Data, source: str, limits: XmlLimits, name: str, what: str) -> tuple[Element, Element]:
    """Parse a revision file into the wrapper of its top-level elements and its ``<name>`` element (required)."""
    root = parse_xml(data, source, fragment=True, limits=limits)
    properties = first(root, name)
    if properties is None:
        raise MetadataError(source, f"not a WSUS {what} file: no <{name}> element")
    return root, properties
