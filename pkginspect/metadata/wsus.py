"""WSUSSCAN metadata: ``package.xml`` and the revision files in ``core/``, ``extended/``, ``localized/``."""

from __future__ import annotations

import dataclasses
import datetime
import types
from collections.abc import Iterator, Mapping
from typing import Any

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import (
    KB_DIGITS,
    Attributes,
    Data,
    UnknownElement,
    kb_from_text,
    parse_bool,
    parse_datetime,
    parse_int,
    to_jsonable,
)
from pkginspect.metadata.mum import PackageManifest, manifest_from_element
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
    text_of,
    unknown,
)
from pkginspect.numbers import is_decimal, parse_decimal
from pkginspect.paths import base_name

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

#: ``RebootBehavior`` values of ``<InstallationBehavior>``.
REBOOT_BEHAVIORS = ("NeverReboots", "AlwaysRequiresReboot", "CanRequestReboot")


def classification_name(guid: str | None) -> str | None:
    """Return the English name of a well-known UpdateClassification id (any case, braces allowed), or None."""
    if not guid:
        return None
    return UPDATE_CLASSIFICATIONS.get(guid.strip().strip("{}").lower())


def _revision_from_source(source: str) -> int | None:
    name = base_name(source, nested=True)
    return parse_decimal(name) if is_decimal(name) else None


# --- package.xml ------------------------------------------------------------------------------------------


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
class OfflineSyncPackage:
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data, with the derived classification added."""
        data: dict[str, Any] = to_jsonable(self)
        data["classification_id"] = self.classification_id
        data["classification_name"] = self.classification_name
        return data


def parse_package_xml(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> OfflineSyncPackage:
    """Parse WSUSSCAN's ``package.xml``.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or a root that is not
    ``<OfflineSyncPackage>``.
    """
    root = parse_xml(data, source, limits=limits)
    if local_name(root) != "OfflineSyncPackage":
        raise MetadataError(
            source, f"not a WSUS package.xml: root element is <{local_name(root)}>, not <OfflineSyncPackage>"
        )
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


# --- extended/<revision> ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class InstallBehavior:
    """An ``<InstallationBehavior>`` or ``<UninstallationBehavior>``."""

    reboot_behavior: str | None
    """``NeverReboots``, ``AlwaysRequiresReboot`` or ``CanRequestReboot`` (see :data:`REBOOT_BEHAVIORS`)."""
    can_request_user_input: bool | None
    requires_network_connectivity: bool | None
    impact: str | None
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class AdditionalDigest:
    """An ``<AdditionalDigest Algorithm>`` of a payload file."""

    algorithm: str | None
    value: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class WsusFile:
    """A payload ``<File>`` of an update's extended properties."""

    digest: str | None
    """Base64 digest; also the file's id in ``package.xml``."""
    digest_algorithm: str | None
    file_name: str | None
    size: int | None
    modified: str | None
    patching_type: str | None
    additional_digests: tuple[AdditionalDigest, ...]
    attributes: Attributes

    @property
    def modified_datetime(self) -> datetime.datetime | None:
        """``Modified`` as a datetime (naive: WSUS writes no zone), or None."""
        return parse_datetime(self.modified)


@dataclasses.dataclass(frozen=True, slots=True)
class ExtendedProperties:
    """An ``extended/<revision>`` file: severity, KB (bundle); handler, reboot behaviour, files (leaf)."""

    source: str
    revision_id: int | None
    """Taken from the file name."""
    default_properties_language: str | None
    msrc_severity: str | None
    is_beta: bool | None
    friendly_name: str | None
    handler: str | None
    max_download_size: int | None
    min_download_size: int | None
    kb_article_id: str | None
    security_bulletin_id: str | None
    support_url: str | None
    installation_behavior: InstallBehavior | None
    uninstallation_behavior: InstallBehavior | None
    files: tuple[WsusFile, ...]
    handler_specific_type: str | None
    """``type`` of ``<HandlerSpecificData>`` (``cbs:Cbs``, ``cat:Category``…)."""
    category_type: str | None
    """``CategoryType`` of ``<CategoryInformation>``, for category revisions."""
    attributes: Attributes
    """Every attribute of ``<ExtendedProperties>``."""
    unknown: tuple[UnknownElement, ...]

    @property
    def kb(self) -> int | None:
        """``KBArticleID`` as an int."""
        number = parse_decimal(self.kb_article_id, max_digits=KB_DIGITS)
        return number if number is not None else kb_from_text(self.kb_article_id)

    @property
    def reboot_behavior(self) -> str | None:
        """``RebootBehavior`` of the installation behaviour, or None."""
        return self.installation_behavior.reboot_behavior if self.installation_behavior else None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        data: dict[str, Any] = to_jsonable(self)
        return data


_EXTENDED_TEXT_CHILDREN = {"KBArticleID", "SecurityBulletinID", "SupportUrl"}


def parse_extended(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> ExtendedProperties:
    """Parse a WSUSSCAN ``extended/<revision>`` fragment file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or when ``<ExtendedProperties>`` is missing.
    """
    root = parse_xml(data, source, fragment=True, limits=limits)
    properties = first(root, "ExtendedProperties")
    if properties is None:
        raise MetadataError(source, "not a WSUS extended-properties file: no <ExtendedProperties> element")
    installation: InstallBehavior | None = None
    uninstallation: InstallBehavior | None = None
    unknowns: list[UnknownElement] = []
    for child in elements(properties):
        name = local_name(child)
        if name == "InstallationBehavior":
            installation = _behavior(child)
        elif name == "UninstallationBehavior":
            uninstallation = _behavior(child)
        elif name not in _EXTENDED_TEXT_CHILDREN:
            unknowns.append(unknown(child))
    files: list[WsusFile] = []
    handler_type: str | None = None
    category_type: str | None = None
    for child in elements(root):
        name = local_name(child)
        if name == "Files":
            files.extend(_file(element) for element in elements(child, "File"))
        elif name == "HandlerSpecificData":
            handler_type = attr(child, "type")
            information = first(child, "CategoryInformation")
            if information is not None:
                category_type = attr(information, "CategoryType")
        elif name != "ExtendedProperties":
            unknowns.append(unknown(child))
    return ExtendedProperties(
        source=source,
        revision_id=_revision_from_source(source),
        default_properties_language=attr(properties, "DefaultPropertiesLanguage"),
        msrc_severity=attr(properties, "MsrcSeverity"),
        is_beta=parse_bool(attr(properties, "IsBeta")),
        friendly_name=attr(properties, "FriendlyName"),
        handler=attr(properties, "Handler"),
        max_download_size=parse_int(attr(properties, "MaxDownloadSize")),
        min_download_size=parse_int(attr(properties, "MinDownloadSize")),
        kb_article_id=text_of(properties, "KBArticleID"),
        security_bulletin_id=text_of(properties, "SecurityBulletinID"),
        support_url=text_of(properties, "SupportUrl"),
        installation_behavior=installation,
        uninstallation_behavior=uninstallation,
        files=tuple(files),
        handler_specific_type=handler_type,
        category_type=category_type,
        attributes=attributes(properties),
        unknown=tuple(unknowns),
    )


def _behavior(element: Element) -> InstallBehavior:
    return InstallBehavior(
        reboot_behavior=attr(element, "RebootBehavior"),
        can_request_user_input=parse_bool(attr(element, "CanRequestUserInput")),
        requires_network_connectivity=parse_bool(attr(element, "RequiresNetworkConnectivity")),
        impact=attr(element, "Impact"),
        attributes=attributes(element),
    )


def _file(element: Element) -> WsusFile:
    return WsusFile(
        digest=attr(element, "Digest"),
        digest_algorithm=attr(element, "DigestAlgorithm"),
        file_name=attr(element, "FileName"),
        size=parse_int(attr(element, "Size")),
        modified=attr(element, "Modified"),
        patching_type=attr(element, "PatchingType"),
        additional_digests=tuple(
            AdditionalDigest(algorithm=attr(item, "Algorithm"), value=(item.text or "").strip() or None)
            for item in elements(element, "AdditionalDigest")
        ),
        attributes=attributes(element),
    )


# --- localized/<lang>/<revision> ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class LocalizedProperties:
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        data: dict[str, Any] = to_jsonable(self)
        return data


_LOCALIZED_CHILDREN = {"Language", "Title", "Description", "UninstallNotes", "MoreInfoUrl", "SupportUrl"}


def parse_localized(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> LocalizedProperties:
    """Parse a WSUSSCAN ``localized/<lang>/<revision>`` fragment file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or when ``<LocalizedProperties>`` is missing.
    """
    root = parse_xml(data, source, fragment=True, limits=limits)
    properties = first(root, "LocalizedProperties")
    if properties is None:
        raise MetadataError(source, "not a WSUS localized-properties file: no <LocalizedProperties> element")
    unknowns = [unknown(child) for child in elements(properties) if local_name(child) not in _LOCALIZED_CHILDREN]
    unknowns.extend(unknown(child) for child in elements(root) if local_name(child) != "LocalizedProperties")
    return LocalizedProperties(
        source=source,
        revision_id=_revision_from_source(source),
        language=text_of(properties, "Language"),
        title=text_of(properties, "Title"),
        description=text_of(properties, "Description"),
        uninstall_notes=text_of(properties, "UninstallNotes"),
        more_info_url=text_of(properties, "MoreInfoUrl"),
        support_url=text_of(properties, "SupportUrl"),
        unknown=tuple(unknowns),
    )


# --- core/<revision> ----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class CoreProperties:
    """A ``core/<revision>`` file, lightly: identity, relationships and which applicability rules it uses."""

    source: str
    revision_id: int | None
    """Taken from the file name."""
    update_id: str | None
    revision_number: int | None
    update_type: str | None
    """``UpdateType`` of ``<Properties>`` (``Software``, ``Detectoid``, ``Category``…)."""
    properties: Attributes
    prerequisite_ids: tuple[str, ...]
    bundled_update_ids: tuple[str, ...]
    applicability_sections: tuple[str, ...]
    """Sections of ``<ApplicabilityRules>`` present (``IsInstalled``, ``IsInstallable``, ``Metadata``…)."""
    rule_kinds: tuple[str, ...]
    """Distinct rule element names used by the sections other than ``Metadata`` (``CbsPackageInstalled``,
    ``b.RegDword``, ``b.WindowsVersion``…), in first-seen order; ``And``/``Or``/``Not`` are left out."""
    has_inlined_mum: bool
    """Whether ``<CbsPackageApplicabilityMetadata>`` carries the package's ``<assembly>``."""
    inlined_mum: PackageManifest | None
    """That inlined manifest, parsed (its source is this file's plus ``#CbsPackageApplicabilityMetadata``)."""
    unknown: tuple[UnknownElement, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (the inlined manifest through its own ``to_dict``)."""
        data: dict[str, Any] = to_jsonable(self)
        data["inlined_mum"] = self.inlined_mum.to_dict() if self.inlined_mum else None
        return data


_CORE_CHILDREN = {"UpdateIdentity", "Properties", "Relationships", "ApplicabilityRules"}
_LOGIC = {"And", "Or", "Not"}


def parse_core(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> CoreProperties:
    """Parse a WSUSSCAN ``core/<revision>`` fragment file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML, for a file with none of ``UpdateIdentity``,
    ``Properties``, ``Relationships``, ``ApplicabilityRules``, or for a malformed inlined manifest.
    """
    root = parse_xml(data, source, fragment=True, limits=limits)
    if not any(local_name(child) in _CORE_CHILDREN for child in elements(root)):
        raise MetadataError(source, "not a WSUS core file: no <UpdateIdentity>, <Properties> or <ApplicabilityRules>")
    identity = first(root, "UpdateIdentity")
    properties = first(root, "Properties")
    relationships = first(root, "Relationships")
    rules = first(root, "ApplicabilityRules")
    prerequisites: list[str] = []
    bundled: list[str] = []
    if relationships is not None:
        for section in elements(relationships):
            ids = [attr(item, "UpdateID") or "" for item in descendants(section, "UpdateIdentity")]
            if local_name(section) == "Prerequisites":
                prerequisites.extend(ids)
            elif local_name(section) == "BundledUpdates":
                bundled.extend(ids)
    sections: list[str] = []
    kinds: dict[str, None] = {}
    inlined: PackageManifest | None = None
    has_inlined = False
    if rules is not None:
        for section in elements(rules):
            sections.append(local_name(section))
            if local_name(section) == "Metadata":
                metadata = first(section, "CbsPackageApplicabilityMetadata")
                assembly = first(metadata, "assembly") if metadata is not None else None
                if assembly is not None:
                    has_inlined = True
                    inlined = manifest_from_element(assembly, f"{source}#CbsPackageApplicabilityMetadata")
                continue
            for element in section.iterdescendants():
                name = local_name(element)
                if name and name not in _LOGIC:
                    kinds.setdefault(name, None)
    return CoreProperties(
        source=source,
        revision_id=_revision_from_source(source),
        update_id=attr(identity, "UpdateID") if identity is not None else None,
        revision_number=parse_int(attr(identity, "RevisionNumber")) if identity is not None else None,
        update_type=attr(properties, "UpdateType") if properties is not None else None,
        properties=attributes(properties) if properties is not None else Attributes(),
        prerequisite_ids=tuple(prerequisites),
        bundled_update_ids=tuple(bundled),
        applicability_sections=tuple(sections),
        rule_kinds=tuple(kinds),
        has_inlined_mum=has_inlined,
        inlined_mum=inlined,
        unknown=tuple(unknown(child) for child in elements(root) if local_name(child) not in _CORE_CHILDREN),
    )


__all__ = [
    "REBOOT_BEHAVIORS",
    "UPDATE_CLASSIFICATIONS",
    "AdditionalDigest",
    "Category",
    "CoreProperties",
    "ExtendedProperties",
    "FileLocation",
    "InstallBehavior",
    "LocalizedProperties",
    "OfflineSyncPackage",
    "WsusFile",
    "WsusUpdate",
    "classification_name",
    "parse_core",
    "parse_extended",
    "parse_localized",
    "parse_package_xml",
]
