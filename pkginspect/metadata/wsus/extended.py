"""WSUSSCAN ``extended/<revision>`` files: severity and KB (bundle); handler, reboot behaviour, files (leaf)."""

from __future__ import annotations

import dataclasses
import datetime

from pkginspect.metadata._common import (
    Attributes,
    Data,
    JsonRecord,
    UnknownElement,
    kb_from_field,
    parse_bool,
    parse_datetime,
    parse_int,
)
from pkginspect.metadata.wsus._revision import parse_properties, revision_id
from pkginspect.metadata.xmlsafe import (
    DEFAULT_LIMITS,
    Element,
    XmlLimits,
    attr,
    attributes,
    elements,
    first,
    local_name,
    text_of,
    unknown,
)

#: ``RebootBehavior`` values of ``<InstallationBehavior>``.
REBOOT_BEHAVIORS = ("NeverReboots", "AlwaysRequiresReboot", "CanRequestReboot")


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
class ExtendedProperties(JsonRecord):
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
        return kb_from_field(self.kb_article_id)

    @property
    def reboot_behavior(self) -> str | None:
        """``RebootBehavior`` of the installation behaviour, or None."""
        return self.installation_behavior.reboot_behavior if self.installation_behavior else None


_TEXT_CHILDREN = {"KBArticleID", "SecurityBulletinID", "SupportUrl"}


def parse_extended(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> ExtendedProperties:
    """Parse a WSUSSCAN ``extended/<revision>`` fragment file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or when ``<ExtendedProperties>`` is missing.
    """
    root, properties = parse_properties(data, source, limits, "ExtendedProperties", "extended-properties")
    installation: InstallBehavior | None = None
    uninstallation: InstallBehavior | None = None
    unknowns: list[UnknownElement] = []
    for child in elements(properties):
        name = local_name(child)
        if name == "InstallationBehavior":
            installation = _behavior(child)
        elif name == "UninstallationBehavior":
            uninstallation = _behavior(child)
        elif name not in _TEXT_CHILDREN:
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
        revision_id=revision_id(source),
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


__all__ = ["REBOOT_BEHAVIORS", "AdditionalDigest", "ExtendedProperties", "InstallBehavior", "WsusFile",
           "parse_extended"]
