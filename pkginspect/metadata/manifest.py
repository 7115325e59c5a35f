"""Component manifests (``*.manifest``) as :class:`ComponentManifest` records, compressed ones detected."""

from __future__ import annotations

import base64
import binascii
import dataclasses

from pkginspect.metadata._common import (
    AssemblyIdentity,
    Attributes,
    Data,
    JsonRecord,
    UnknownElement,
    parse_version,
    read_bounded,
)
from pkginspect.metadata.mum import identity_from
from pkginspect.metadata.xmlsafe import (
    SMALL_DOCUMENT_LIMITS,
    XML_SIZE_SETTING,
    Element,
    XmlLimits,
    attr,
    attributes,
    descendants,
    elements,
    expect_root,
    first,
    local_name,
    parse_xml,
    unknown,
)

# Windows' own compressed-manifest containers (wcp.dll); none can be expanded without Windows.
_DC_MAGICS = {
    b"DCM\x01": "DCM",
    b"DCN\x01": "DCN",
    b"DCS\x01": "DCS",
    b"DCD\x01": "DCD",
    b"DCH\x01": "DCH",
    b"DCX\x01": "DCX",
}
_PA_MAGICS = {b"PA30": "PA30", b"PA31": "PA31"}

_KNOWN_CHILDREN = frozenset({"assemblyIdentity", "dependency", "file", "registryKeys"})


def sniff_manifest(data: bytes) -> str | None:
    r"""Name the delta/compression format of a manifest's first bytes, or None for plain (XML) text.

    Recognised: ``DCM``, ``DCN``, ``DCS``, ``DCD``, ``DCH``, ``DCX`` (the magic followed by ``\x01``),
    and raw MSDelta ``PA30``/``PA31`` at offset 0 or after a 4-byte CRC prefix (offset 4).
    """
    head = bytes(data[:8])
    if head[:4] in _DC_MAGICS:
        return _DC_MAGICS[head[:4]]
    if head[:4] in _PA_MAGICS:
        return _PA_MAGICS[head[:4]]
    # No XML text can have "PA3x" at offset 4, so this second form is unambiguous.
    if head[4:8] in _PA_MAGICS:
        return _PA_MAGICS[head[4:8]]
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class ManifestDependency:
    """A ``<dependency>``: another assembly this component needs."""

    identity: AssemblyIdentity | None
    dependency_type: str | None
    """``dependencyType`` of ``<dependentAssembly>`` (``install``, ``prerequisite``…)."""
    attributes: Attributes
    """Attributes of the ``<dependency>`` element (``discoverable``, ``optional``, ``resourceType``…)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ManifestFile:
    """A ``<file>`` the component installs."""

    name: str
    destination_path: str | None
    source_name: str | None
    source_path: str | None
    hash_algorithm: str | None
    """Digest algorithm, short form (``sha256``), from ``DigestMethod``."""
    hash_value: str | None
    """The digest as written (base64)."""
    attributes: Attributes

    @property
    def hash_hex(self) -> str | None:
        """The digest in lowercase hex, or None when absent or not valid base64."""
        if not self.hash_value:
            return None
        try:
            return base64.b64decode(self.hash_value, validate=True).hex()
        except (binascii.Error, ValueError):
            return None


@dataclasses.dataclass(frozen=True, slots=True)
class ComponentManifest(JsonRecord):
    """One component manifest; of a compressed one only ``compressed`` and ``compression`` are known."""

    source: str
    compressed: bool
    compression: str | None
    """Format name from :func:`sniff_manifest` when compressed, else None."""
    identity: AssemblyIdentity | None
    manifest_version: str | None
    dependencies: tuple[ManifestDependency, ...]
    files: tuple[ManifestFile, ...]
    registry_key_count: int
    registry_value_count: int
    unknown: tuple[UnknownElement, ...]
    """Top-level elements not interpreted above (directories, memberships, …), tag and attributes only."""

    @property
    def version_tuple(self) -> tuple[int, ...] | None:
        """The component version as a tuple of ints."""
        return parse_version(self.identity.version) if self.identity else None


def parse_manifest(data: Data, source: str, *, limits: XmlLimits = SMALL_DOCUMENT_LIMITS) -> ComponentManifest:
    """Parse a component manifest; a delta-compressed one gives a ``compressed=True`` record, not an error.

    Raises :class:`~pkginspect.errors.MetadataError` for uncompressed input that is bad XML or has no
    ``<assembly>`` root.
    """
    raw = read_bounded(data, source, limits.max_bytes, setting=XML_SIZE_SETTING)
    compression = sniff_manifest(raw)
    if compression is not None:
        return ComponentManifest(
            source=source,
            compressed=True,
            compression=compression,
            identity=None,
            manifest_version=None,
            dependencies=(),
            files=(),
            registry_key_count=0,
            registry_value_count=0,
            unknown=(),
        )
    root = parse_xml(raw, source, limits=limits)
    expect_root(root, "assembly", source, "a component manifest")
    identity_element = first(root, "assemblyIdentity")
    registry_keys = [key for block in elements(root, "registryKeys") for key in elements(block, "registryKey")]
    return ComponentManifest(
        source=source,
        compressed=False,
        compression=None,
        identity=identity_from(identity_element) if identity_element is not None else None,
        manifest_version=attr(root, "manifestVersion"),
        dependencies=tuple(_dependency(element) for element in elements(root, "dependency")),
        files=tuple(_file(element) for element in elements(root, "file")),
        registry_key_count=len(registry_keys),
        registry_value_count=sum(1 for key in registry_keys for _ in elements(key, "registryValue")),
        unknown=tuple(unknown(child) for child in elements(root) if local_name(child) not in _KNOWN_CHILDREN),
    )


def _dependency(element: Element) -> ManifestDependency:
    dependent = first(element, "dependentAssembly")
    identity = first(dependent, "assemblyIdentity") if dependent is not None else None
    return ManifestDependency(
        identity=identity_from(identity) if identity is not None else None,
        dependency_type=attr(dependent, "dependencyType") if dependent is not None else None,
        attributes=attributes(element),
    )


def _file(element: Element) -> ManifestFile:
    algorithm: str | None = None
    value: str | None = None
    hash_element = first(element, "hash")
    if hash_element is not None:
        method = next(descendants(hash_element, "DigestMethod"), None)
        digest = next(descendants(hash_element, "DigestValue"), None)
        if method is not None:
            uri = attr(method, "Algorithm") or ""
            algorithm = uri.rsplit("#", 1)[-1].lower() or None
        if digest is not None and digest.text:
            value = digest.text.strip() or None
    return ManifestFile(
        name=attr(element, "name") or "",
        destination_path=attr(element, "destinationPath"),
        source_name=attr(element, "sourceName"),
        source_path=attr(element, "sourcePath"),
        hash_algorithm=algorithm,
        hash_value=value,
        attributes=attributes(element),
    )


__all__ = ["ComponentManifest", "ManifestDependency", "ManifestFile", "parse_manifest", "sniff_manifest"]
