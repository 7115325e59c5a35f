"""Express/PSF container indexes (``_manifest_.cix.xml``, ``express.psf.cix.xml``) as records."""

from __future__ import annotations

import dataclasses
import datetime as _dt

from pkginspect.metadata._common import Attributes, Data, JsonRecord, UnknownElement, parse_int
from pkginspect.metadata.xmlsafe import (
    DEFAULT_LIMITS,
    Element,
    XmlLimits,
    attr,
    attributes,
    elements,
    expect_root,
    first,
    local_name,
    parse_xml,
    unknown,
)

_FILETIME_EPOCH = _dt.datetime(1601, 1, 1, tzinfo=_dt.timezone.utc)


@dataclasses.dataclass(frozen=True, slots=True)
class DeltaSource:
    """A ``<Delta><Source>``: how a file is rebuilt (``RAW`` copy, or a ``PA19``/``PA30`` delta)."""

    type: str | None
    name: str | None
    """Member holding the data (``0``, ``1``… for deltas), when given by name."""
    offset: int | None
    """Offset of the data inside the PSF payload, when given by position."""
    length: int | None
    hash_algorithm: str | None
    hash_value: str | None
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class ExpressFile:
    """A ``<File>`` of the index: a file of the package and how to obtain it."""

    id: str | None
    name: str
    length: int | None
    time: int | None
    """Modification time as a Windows FILETIME (100 ns ticks since 1601-01-01 UTC)."""
    file_attributes: int | None
    """Windows file attribute bits (the ``attr`` attribute)."""
    hash_algorithm: str | None
    hash_value: str | None
    sources: tuple[DeltaSource, ...]
    basis_ids: tuple[str, ...]
    """Ids of the files a delta is computed against (``<Basis file>``)."""

    @property
    def modified(self) -> _dt.datetime | None:
        """:attr:`time` as an aware UTC datetime, or None."""
        if self.time is None or not 0 <= self.time < 2**63:
            return None
        try:
            return _FILETIME_EPOCH + _dt.timedelta(microseconds=self.time // 10)
        except OverflowError:
            return None

    @property
    def delta_types(self) -> tuple[str, ...]:
        """The ``type`` of each source (``RAW``, ``PA30``…)."""
        return tuple(source.type or "" for source in self.sources)


@dataclasses.dataclass(frozen=True, slots=True)
class ExpressIndex(JsonRecord):
    """A parsed container index."""

    source: str
    container_name: str | None
    container_type: str | None
    container_length: int | None
    version: str | None
    description: str | None
    files: tuple[ExpressFile, ...]
    unknown: tuple[UnknownElement, ...]

    @property
    def delta_type_counts(self) -> dict[str, int]:
        """How many sources of each type the index uses (``{"RAW": 70, "PA30": 108}``)."""
        counts: dict[str, int] = {}
        for file in self.files:
            for kind in file.delta_types:
                counts[kind] = counts.get(kind, 0) + 1
        return counts

    def file_named(self, name: str) -> ExpressFile | None:
        """Return the file with this name (case-insensitive), or None."""
        folded = name.casefold()
        return next((file for file in self.files if file.name.casefold() == folded), None)


def parse_express_index(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> ExpressIndex:
    """Parse a ``*.cix.xml`` container index.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or a root other than ``<Container>``.
    """
    root = parse_xml(data, source, limits=limits)
    expect_root(root, "Container", source, "an express index")
    files: list[ExpressFile] = []
    unknowns: list[UnknownElement] = []
    description: str | None = None
    for child in elements(root):
        name = local_name(child)
        if name == "Files":
            files.extend(_file(element) for element in elements(child, "File"))
        elif name == "Description":
            description = (child.text or "").strip() or None
        else:
            unknowns.append(unknown(child))
    return ExpressIndex(
        source=source,
        container_name=attr(root, "name"),
        container_type=attr(root, "type"),
        container_length=parse_int(attr(root, "length")),
        version=attr(root, "version"),
        description=description,
        files=tuple(files),
        unknown=tuple(unknowns),
    )


def _hash(element: Element) -> tuple[str | None, str | None]:
    hash_element = first(element, "Hash")
    if hash_element is None:
        return None, None
    return attr(hash_element, "alg"), attr(hash_element, "value")


def _file(element: Element) -> ExpressFile:
    sources: list[DeltaSource] = []
    basis: list[str] = []
    delta = first(element, "Delta")
    if delta is not None:
        for item in elements(delta):
            name = local_name(item)
            if name == "Source":
                algorithm, value = _hash(item)
                sources.append(
                    DeltaSource(
                        type=attr(item, "type"),
                        name=attr(item, "name"),
                        offset=parse_int(attr(item, "offset")),
                        length=parse_int(attr(item, "length")),
                        hash_algorithm=algorithm,
                        hash_value=value,
                        attributes=attributes(item),
                    )
                )
            elif name == "Basis":
                basis.append(attr(item, "file") or "")
    algorithm, value = _hash(element)
    return ExpressFile(
        id=attr(element, "id"),
        name=attr(element, "name") or "",
        length=parse_int(attr(element, "length")),
        time=parse_int(attr(element, "time")),
        file_attributes=parse_int(attr(element, "attr")),
        hash_algorithm=algorithm,
        hash_value=value,
        sources=tuple(sources),
        basis_ids=tuple(basis),
    )


__all__ = ["DeltaSource", "ExpressFile", "ExpressIndex", "parse_express_index"]
