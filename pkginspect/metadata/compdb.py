"""AggregatedMetadata composition databases (``*CompDB*.xml``) as a light, lenient :class:`CompDB` record."""

from __future__ import annotations

import dataclasses

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import Attributes, Data, JsonRecord, UnknownElement, parse_int
from pkginspect.metadata.xmlsafe import (
    DEFAULT_LIMITS,
    Element,
    XmlLimits,
    attr,
    attributes,
    descendants,
    elements,
    first,
    local_name,
    parse_xml,
    unknown,
)
from pkginspect.paths import base_name


@dataclasses.dataclass(frozen=True, slots=True)
class PayloadItem:
    """A ``<PayloadItem>``: one file that makes up a package."""

    path: str | None
    """``Path`` as written (other attributes, e.g. ``AltSourceName``, are in :attr:`attributes`)."""
    payload_hash: str | None
    payload_size: int | None
    payload_type: str | None
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class CompDBPackage:
    """A ``<Package>`` of the database."""

    id: str
    release_type: str | None
    package_type: str | None
    version: str | None
    installed_size: int | None
    update_type: str | None
    payload: tuple[PayloadItem, ...]
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class CompDBFeature:
    """A ``<Feature>`` and the ids of the packages it references."""

    feature_id: str | None
    type: str | None
    group: str | None
    fmid: str | None
    package_ids: tuple[str, ...]
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class CompDB(JsonRecord):
    """One composition database (build, language, LCU/SSU/hotpatch…)."""

    source: str
    type: str | None
    """``Type`` of ``<CompDB>`` (``Build``, ``Language``, ``Update``…)."""
    name: str | None
    release_type: str | None
    build_info: str | None
    build_id: str | None
    build_arch: str | None
    os_version: str | None
    target_build_info: str | None
    target_os_version: str | None
    attributes: Attributes
    """Every attribute of ``<CompDB>``, including those with a field above."""
    tags: tuple[tuple[str, str], ...]
    """``<Tags><Tag Name Value>`` pairs."""
    features: tuple[CompDBFeature, ...]
    packages: tuple[CompDBPackage, ...]
    hotpatch_markers: tuple[str, ...]
    """Why this looks like a hotpatch CompDB (file name, attribute or tag); empty if not."""
    unknown: tuple[UnknownElement, ...]

    @property
    def is_hotpatch(self) -> bool:
        """Whether the file name or content marks a hotpatch CompDB."""
        return bool(self.hotpatch_markers)

    @property
    def payload_paths(self) -> tuple[str, ...]:
        """Every payload path of every package, in document order."""
        return tuple(item.path for package in self.packages for item in package.payload if item.path)

    _DERIVED = ("is_hotpatch",)


_KNOWN_CHILDREN = {"Features", "Packages", "Tags"}


def parse_compdb(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> CompDB:
    """Parse a CompDB XML file leniently (the format is undocumented): unknown elements are kept.

    The first ``<CompDB>`` element (the root, or the first one inside a wrapper) is read. Raises
    :class:`~pkginspect.errors.MetadataError` for bad XML or when there is no ``<CompDB>`` element.
    """
    root = parse_xml(data, source, limits=limits)
    compdb = root if local_name(root) == "CompDB" else next(descendants(root, "CompDB"), None)
    if compdb is None:
        raise MetadataError(source, f"not a CompDB: root element is <{local_name(root)}> and holds no <CompDB>")
    tags: list[tuple[str, str]] = []
    features: list[CompDBFeature] = []
    packages: list[CompDBPackage] = []
    unknowns: list[UnknownElement] = []
    for child in elements(compdb):
        name = local_name(child)
        if name == "Tags":
            tags.extend((attr(tag, "Name") or "", attr(tag, "Value") or "") for tag in elements(child, "Tag"))
        elif name == "Features":
            features.extend(_feature(element) for element in elements(child, "Feature"))
        elif name == "Packages":
            packages.extend(_package(element) for element in elements(child, "Package"))
        else:
            unknowns.append(unknown(child))
    root_attributes = attributes(compdb)
    return CompDB(
        source=source,
        type=attr(compdb, "Type"),
        name=attr(compdb, "Name"),
        release_type=attr(compdb, "ReleaseType"),
        build_info=attr(compdb, "BuildInfo"),
        build_id=attr(compdb, "BuildID"),
        build_arch=attr(compdb, "BuildArch"),
        os_version=attr(compdb, "OSVersion"),
        target_build_info=attr(compdb, "TargetBuildInfo"),
        target_os_version=attr(compdb, "TargetOSVersion"),
        attributes=root_attributes,
        tags=tuple(tags),
        features=tuple(features),
        packages=tuple(packages),
        hotpatch_markers=_hotpatch_markers(source, root_attributes, tags),
        unknown=tuple(unknowns),
    )


def is_hotpatch_compdb_name(path: str) -> bool:
    """Whether a member is named as a hotpatch CompDB (``HotpatchCompDB_KB….xml`` or the ``….xml.cab`` holding it).

    The one name test: the CompDB parser's file-name marker and the package's ``HotpatchCompDB`` marker.
    """
    return "hotpatchcompdb" in base_name(path, nested=True).lower()


def _hotpatch_markers(source: str, root_attributes: Attributes, tags: list[tuple[str, str]]) -> tuple[str, ...]:
    markers: list[str] = []
    if is_hotpatch_compdb_name(source):
        markers.append(f"file name {base_name(source, nested=True)}")
    markers.extend(f"attribute {key}={value}" for key, value in root_attributes.items() if "hotpatch" in value.lower())
    markers.extend(f"tag {name}={value}" for name, value in tags if "hotpatch" in f"{name} {value}".lower())
    return tuple(markers)


def _feature(element: Element) -> CompDBFeature:
    packages = first(element, "Packages")
    ids = tuple(attr(item, "ID") or "" for item in elements(packages, "Package")) if packages is not None else ()
    return CompDBFeature(
        feature_id=attr(element, "FeatureID"),
        type=attr(element, "Type"),
        group=attr(element, "Group"),
        fmid=attr(element, "FMID"),
        package_ids=ids,
        attributes=attributes(element),
    )


def _package(element: Element) -> CompDBPackage:
    payload = first(element, "Payload")
    items = tuple(_payload_item(item) for item in elements(payload, "PayloadItem")) if payload is not None else ()
    return CompDBPackage(
        id=attr(element, "ID") or "",
        release_type=attr(element, "ReleaseType"),
        package_type=attr(element, "PackageType"),
        version=attr(element, "Version"),
        installed_size=parse_int(attr(element, "InstalledSize")),
        update_type=attr(element, "UpdateType"),
        payload=items,
        attributes=attributes(element),
    )


def _payload_item(element: Element) -> PayloadItem:
    return PayloadItem(
        path=attr(element, "Path"),
        payload_hash=attr(element, "PayloadHash"),
        payload_size=parse_int(attr(element, "PayloadSize")),
        payload_type=attr(element, "PayloadType"),
        attributes=attributes(element),
    )


__all__ = ["CompDB", "CompDBFeature", "CompDBPackage", "PayloadItem", "parse_compdb"]
