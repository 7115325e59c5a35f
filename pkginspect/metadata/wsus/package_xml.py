"""WSUSSCAN ``package.xml``: the updates of an offline-scan package (bundle, leaves, detectoids), their categories."""

from __future__ import annotations

import dataclasses
import datetime
import types
from collections.abc import Iterator, Mapping

from pkginspect.metadata._common import (
    Attributes,
    Data,
    JsonRecord,
    UnknownElement,
    parse_bool,
    parse_datetime,
    parse_int,
)
from pkginspect.metadata.xmlsafe import (
    DEFAULT_LIMITS,
    Element,
    XmlLimits,
    attr,
    attributes,
    descendants,
    elements,
    expect_root,
    local_name,
    parse_xml,
    unknown,
)

#: Well-known Windows Update ``UpdateClassification`` category ids (lowercase) → English names. All but
#: Upgrades match the localized titles of the classification revisions inside a real sample's WSUSSCAN.cab
#: (a test checks it); Upgrades agrees across many public WSUS/WUA scripts.
UPDATE_CLASSIFICATIONS: Mapping[str, str] = types.MappingProxyType(
    {
        "0fa1201d-4330-4fa8-8ae9-b877473b6441": "Security Updates",
        "e6cf1350-c01b-414d-a61f-263d14d133b4": "Critical Updates",
        "cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83": "Updates",
        "28bc880e-0592-4cbf-8f95-c79b17911d5f": "Update Rollups",
        "68c5b0a3-d1a6-4553-ae49-01d3a7827828": "Service Packs",
        "b54e7d24-7add-428f-8b75-90a396fa584f": "Feature Packs",
        "b4832bd8-e735-4761-8daf-37f882276dab": "Tools",
        "ebfc1fc5-71a4-4f7b-9aca-3b9a503104a0": "Drivers",
        "e0789628-ce08-4437-be74-2495b842f43b": "Definition Updates",
        "3689bdc8-b205-4af4-8d4a-a63924c5e9d5": "Upgrades",
    }
)


def classification_name(guid: str | None) -> str | None:
    """Return the English name of a well-known UpdateClassification id (any case, braces allowed), or None."""
    if not guid:
        return None
    return UPDATE_CLASSIFICATIONS.get(guid.strip().strip("{}").lower())


@dataclasses.dataclass(frozen=True, slots=True)
class Category:
    """A ``<Category Type Id>`` of an update."""

    type: str | None
    """``Company``, ``Product``, ``ProductFamily`` or ``UpdateClassification``."""
    id: str


@dataclasses.dataclass(frozen=True, slots=True)
class FileLocation:
    """A ``<FileLocation Id Url>``: where the payload file with that digest id is published."""

    id: str
    url: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class WsusUpdate:
    """One ``<Update>`` of ``package.xml`` (the bundle, its leaves, the detectoids/categories they need)."""

    update_id: str | None
    revision_number: int | None
    revision_id: int | None
    creation_date: str | None
    default_language: str | None
    is_bundle: bool
    is_leaf: bool
    is_software: bool | None
    deployment_action: str | None
    categories: tuple[Category, ...]
    prerequisites: tuple[tuple[str, ...], ...]
    """Update ids required, as groups: every group must be met by any one of its ids (``<Or>``)."""
    bundled_by: tuple[int, ...]
    """Revision ids of the bundles containing this update."""
    payload_file_ids: tuple[str, ...]
    attributes: Attributes
    unknown: tuple[UnknownElement, ...]

    @property
    def created(self) -> datetime.datetime | None:
        """``CreationDate`` as an aware datetime, or None."""
        return parse_datetime(self.creation_date)

    def category_ids(self, category_type: str) -> tuple[str, ...]:
        """Ids of this update's categories of ``category_type`` (e.g. ``UpdateClassification``)."""
        return tuple(category.id for category in self.categories if category.type == category_type)

    @property
    def classification_id(self) -> str | None:
        """The first UpdateClassification category id, or None."""
        return next(iter(self.category_ids("UpdateClassification")), None)


@dataclasses.dataclass(frozen=True, slots=True)
class OfflineSyncPackage(JsonRecord):
    """A WSUSSCAN ``package.xml``."""

    source: str
    creation_date: str | None
    package_id: str | None
    source_id: str | None
    protocol_version: str | None
    minimum_client_version: str | None
    package_version: str | None
    attributes: Attributes
    updates: tuple[WsusUpdate, ...]
    file_locations: tuple[FileLocation, ...]
    unknown: tuple[UnknownElement, ...]

    @property
    def created(self) -> datetime.datetime | None:
        """``CreationDate`` as an aware datetime, or None."""
        return parse_datetime(self.creation_date)

    @property
    def bundles(self) -> tuple[WsusUpdate, ...]:
        """Updates marked ``IsBundle`` (the update the package is about)."""
        return tuple(update for update in self.updates if update.is_bundle)

    @property
    def bundle(self) -> WsusUpdate | None:
        """The first bundle, or None."""
        return next(iter(self.bundles), None)

    def update_by_revision(self, revision_id: int) -> WsusUpdate | None:
        """Return the update with this ``RevisionId``, or None."""
        return next((update for update in self.updates if update.revision_id == revision_id), None)

    def bundled_updates(self, bundle: WsusUpdate) -> tuple[WsusUpdate, ...]:
        """Return the updates ``bundle`` contains (those whose ``BundledBy`` names its revision)."""
        if bundle.revision_id is None:
            return ()
        return tuple(update for update in self.updates if bundle.revision_id in update.bundled_by)

    @property
    def classification_id(self) -> str | None:
        """The UpdateClassification id of the first bundle that has one, or None."""
        return next((update.classification_id for update in self.bundles if update.classification_id), None)

    @property
    def classification_name(self) -> str | None:
        """The English name of :attr:`classification_id` when it is well known, or None."""
        return classification_name(self.classification_id)

    def url_of(self, file_id: str) -> str | None:
        """Return the published URL of the payload file with this id, or None."""
        return next((location.url for location in self.file_locations if location.id == file_id), None)

    _DERIVED = ("classification_id", "classification_name")


def parse_package_xml(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> OfflineSyncPackage:
    """Parse WSUSSCAN's ``package.xml``.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or a root that is not
    ``<OfflineSyncPackage>``.
    """
    root = parse_xml(data, source, limits=limits)
    expect_root(root, "OfflineSyncPackage", source, "a WSUS package.xml")
    updates: list[WsusUpdate] = []
    locations: list[FileLocation] = []
    unknowns: list[UnknownElement] = []
    for child in elements(root):
        name = local_name(child)
        if name == "Updates":
            for element in elements(child):
                if local_name(element) == "Update":
                    updates.append(_update(element))
                else:
                    unknowns.append(unknown(element))
        elif name == "FileLocations":
            locations.extend(
                FileLocation(id=attr(element, "Id") or "", url=attr(element, "Url"))
                for element in elements(child, "FileLocation")
            )
        else:
            unknowns.append(unknown(child))
    return OfflineSyncPackage(
        source=source,
        creation_date=attr(root, "CreationDate"),
        package_id=attr(root, "PackageId"),
        source_id=attr(root, "SourceId"),
        protocol_version=attr(root, "ProtocolVersion"),
        minimum_client_version=attr(root, "MinimumClientVersion"),
        package_version=attr(root, "PackageVersion"),
        attributes=attributes(root),
        updates=tuple(updates),
        file_locations=tuple(locations),
        unknown=tuple(unknowns),
    )


def _update(element: Element) -> WsusUpdate:
    categories: list[Category] = []
    prerequisites: list[tuple[str, ...]] = []
    bundled_by: list[int] = []
    payload: list[str] = []
    unknowns: list[UnknownElement] = []
    for child in elements(element):
        name = local_name(child)
        if name == "Categories":
            categories.extend(
                Category(type=attr(item, "Type"), id=attr(item, "Id") or "") for item in elements(child, "Category")
            )
        elif name == "Prerequisites":
            prerequisites.extend(_prerequisite_groups(child))
        elif name == "BundledBy":
            bundled_by.extend(
                number for item in elements(child, "Revision") if (number := parse_int(attr(item, "Id"))) is not None
            )
        elif name == "PayloadFiles":
            payload.extend(attr(item, "Id") or "" for item in elements(child, "File"))
        else:
            unknowns.append(unknown(child))
    return WsusUpdate(
        update_id=attr(element, "UpdateId"),
        revision_number=parse_int(attr(element, "RevisionNumber")),
        revision_id=parse_int(attr(element, "RevisionId")),
        creation_date=attr(element, "CreationDate"),
        default_language=attr(element, "DefaultLanguage"),
        is_bundle=parse_bool(attr(element, "IsBundle")) is True,
        is_leaf=parse_bool(attr(element, "IsLeaf")) is True,
        is_software=parse_bool(attr(element, "IsSoftware")),
        deployment_action=attr(element, "DeploymentAction"),
        categories=tuple(categories),
        prerequisites=tuple(prerequisites),
        bundled_by=tuple(bundled_by),
        payload_file_ids=tuple(payload),
        attributes=attributes(element),
        unknown=tuple(unknowns),
    )


def _prerequisite_groups(element: Element) -> Iterator[tuple[str, ...]]:
    for child in elements(element):
        name = local_name(child)
        if name == "UpdateId":
            yield (attr(child, "Id") or "",)
        elif name == "Or":
            yield tuple(attr(item, "Id") or "" for item in descendants(child, "UpdateId"))
        else:
            yield from _prerequisite_groups(child)


__all__ = ["UPDATE_CLASSIFICATIONS", "Category", "FileLocation", "OfflineSyncPackage", "WsusUpdate",
           "classification_name", "parse_package_xml"]
