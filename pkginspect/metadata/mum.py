"""CBS package manifests (``update.mum`` and sub-package ``*.mum``) as :class:`PackageManifest` records."""

from __future__ import annotations

import dataclasses
import datetime

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import (
    AssemblyIdentity,
    Attributes,
    Data,
    JsonRecord,
    UnknownElement,
    kb_from_text,
    parse_bool,
    parse_datetime,
    parse_int,
    parse_version,
)
from pkginspect.metadata.xmlsafe import (
    SMALL_DOCUMENT_LIMITS,
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

# Elements of <update> that carry what it installs.
_CONTENT_KINDS = frozenset({"package", "component", "driver"})


def identity_from(element: Element) -> AssemblyIdentity:
    """Build an :class:`AssemblyIdentity` from an ``<assemblyIdentity>`` (or ``<id>``) element."""
    return AssemblyIdentity(
        name=attr(element, "name") or "",
        version=attr(element, "version"),
        language=attr(element, "language"),
        processor_architecture=attr(element, "processorArchitecture"),
        public_key_token=attr(element, "publicKeyToken"),
        build_type=attr(element, "buildType"),
        version_scope=attr(element, "versionScope"),
        type=attr(element, "type"),
        attributes=attributes(element),
    )


def identities_in(element: Element) -> tuple[AssemblyIdentity, ...]:
    """Return the identities of the ``<assemblyIdentity>`` children of ``element``."""
    return tuple(identity_from(child) for child in elements(element, "assemblyIdentity"))


@dataclasses.dataclass(frozen=True, slots=True)
class ParentGroup:
    """A ``<parent>`` element: the packages this one applies to, and how it is compared with them."""

    identities: tuple[AssemblyIdentity, ...]
    build_compare: str | None
    service_compare: str | None
    revision_compare: str | None
    integrate: str | None
    disposition: str | None
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class UpdateEntry:
    """An ``<update name>``: one sub-package, component or driver this package installs."""

    name: str
    kind: str | None
    """Local name of the content element: ``package``, ``component``, ``driver`` (None when empty)."""
    identities: tuple[AssemblyIdentity, ...]
    """Identities inside the content element."""
    content_attributes: Attributes
    """Attributes of the content element (``integrate="hidden"``, ``inf``, ``ranking``…)."""
    applicable_disposition: str | None
    """``disposition`` of the ``<applicable>`` element, when present."""
    applicable: tuple[AssemblyIdentity, ...]
    """Identities named under ``<applicable>`` (``updateComponent``/``updateDriver``)."""
    attributes: Attributes
    """Attributes of the ``<update>`` element itself."""
    unknown: tuple[UnknownElement, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class PackageExtended:
    """A ``<packageExtended>`` element (Windows 8.1 and later)."""

    completely_offline_capable: bool | None
    package_size: int | None
    attributes: Attributes


@dataclasses.dataclass(frozen=True, slots=True)
class PackageManifest(JsonRecord):
    """One parsed ``.mum`` file: the package's identity, release type, restart behaviour and contents."""

    source: str
    identity: AssemblyIdentity
    # <assembly> attributes
    manifest_version: str | None
    description: str | None
    display_name: str | None
    company: str | None
    copyright: str | None
    support_information: str | None
    creation_time_stamp: str | None
    last_update_time_stamp: str | None
    assembly_attributes: Attributes
    """Every ``<assembly>`` attribute, including those with a field above."""
    # <package> attributes
    identifier: str | None
    release_type: str | None
    restart: str | None
    """``possible``, ``required``…; None when absent (which CBS reads as no restart)."""
    applicability_evaluation: str | None
    self_update: str | None
    permanence: str | None
    psf_name: str | None
    target_partition: str | None
    binary_partition: str | None
    package_attributes: Attributes
    """Every ``<package>`` attribute, including those with a field above."""
    # <package> children
    parents: tuple[ParentGroup, ...]
    installer_assembly: AssemblyIdentity | None
    updates: tuple[UpdateEntry, ...]
    package_extended: PackageExtended | None
    custom_information: Attributes
    """Attributes of ``<customInformation>`` (``PackageFormat``, ``PSFXVersion``…); empty when absent."""
    unknown: tuple[UnknownElement, ...]
    """Elements not interpreted above (including children of ``customInformation``)."""

    @property
    def name(self) -> str:
        """The package name (``Package_for_KB4538483``)."""
        return self.identity.name

    @property
    def version(self) -> str | None:
        """The package version string."""
        return self.identity.version

    @property
    def version_tuple(self) -> tuple[int, ...] | None:
        """The package version as a tuple of ints."""
        return parse_version(self.identity.version)

    @property
    def architecture(self) -> str | None:
        """The package's ``processorArchitecture``."""
        return self.identity.processor_architecture

    @property
    def created(self) -> datetime.datetime | None:
        """``creationTimeStamp`` as a datetime (aware when written with ``Z``), or None."""
        return parse_datetime(self.creation_time_stamp)

    @property
    def kb(self) -> int | None:
        """The KB number, from the ``identifier`` or else the package name."""
        return kb_from_text(self.identifier, self.identity.name)

    @property
    def parent_identities(self) -> tuple[AssemblyIdentity, ...]:
        """Identities of every ``<parent>``, flattened."""
        return tuple(identity for group in self.parents for identity in group.identities)

    @property
    def parent_versions(self) -> tuple[str, ...]:
        """The distinct versions of every parent identity, in document order.

        A package can name several parents (KB2465285 applies to both ``6.1.7600.16385`` and ``6.1.7601.17514``:
        Windows 7 / Server 2008 R2 RTM and SP1); applicability must consider each of them, not only the first.
        """
        return tuple(dict.fromkeys(i.version for i in self.parent_identities if i.version))

    def _contents(self, kind: str) -> tuple[AssemblyIdentity, ...]:
        return tuple(identity for update in self.updates if update.kind == kind for identity in update.identities)

    @property
    def sub_packages(self) -> tuple[AssemblyIdentity, ...]:
        """Identities of the packages this one installs (``<update><package>``)."""
        return self._contents("package")

    @property
    def components(self) -> tuple[AssemblyIdentity, ...]:
        """Identities of the components this package installs (``<update><component>``)."""
        return self._contents("component")

    @property
    def drivers(self) -> tuple[AssemblyIdentity, ...]:
        """Identities of the drivers this package installs (``<update><driver>``)."""
        return self._contents("driver")

    _DERIVED = ("kb", "version_tuple")


def parse_mum(data: Data, source: str, *, limits: XmlLimits = SMALL_DOCUMENT_LIMITS) -> PackageManifest:
    """Parse an ``update.mum`` or sub-package ``.mum`` file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML or when the root is not ``<assembly>``,
    or the ``<assemblyIdentity>`` or ``<package>`` element is missing.
    """
    return manifest_from_element(parse_xml(data, source, limits=limits), source)


def manifest_from_element(root: Element, source: str) -> PackageManifest:
    """Build a :class:`PackageManifest` from a parsed ``<assembly>`` element (e.g. inlined in WSUS)."""
    expect_root(root, "assembly", source, "a package manifest")
    identity_element = first(root, "assemblyIdentity")
    if identity_element is None:
        raise MetadataError(source, "not a package manifest: no <assemblyIdentity> element")
    package = first(root, "package")
    if package is None:
        raise MetadataError(source, "not a package manifest: no <package> element")
    unknowns: list[UnknownElement] = [
        unknown(child) for child in elements(root) if local_name(child) not in ("assemblyIdentity", "package")
    ]
    parents: list[ParentGroup] = []
    updates: list[UpdateEntry] = []
    installer: AssemblyIdentity | None = None
    extended: PackageExtended | None = None
    custom = Attributes()
    for child in elements(package):
        name = local_name(child)
        if name == "parent":
            parents.append(_parent(child))
        elif name == "installerAssembly":
            installer = identity_from(child)
        elif name == "update":
            updates.append(_update(child))
        elif name == "packageExtended":
            extended = PackageExtended(
                completely_offline_capable=parse_bool(attr(child, "completelyOfflineCapable")),
                package_size=parse_int(attr(child, "packageSize")),
                attributes=attributes(child),
            )
        elif name == "customInformation":
            custom = attributes(child)
            unknowns.extend(unknown(grandchild) for grandchild in elements(child))
        else:
            unknowns.append(unknown(child))
    return PackageManifest(
        source=source,
        identity=identity_from(identity_element),
        manifest_version=attr(root, "manifestVersion"),
        description=attr(root, "description"),
        display_name=attr(root, "displayName"),
        company=attr(root, "company"),
        copyright=attr(root, "copyright"),
        support_information=attr(root, "supportInformation"),
        creation_time_stamp=attr(root, "creationTimeStamp"),
        last_update_time_stamp=attr(root, "lastUpdateTimeStamp"),
        assembly_attributes=attributes(root),
        identifier=attr(package, "identifier"),
        release_type=attr(package, "releaseType"),
        restart=attr(package, "restart"),
        applicability_evaluation=attr(package, "applicabilityEvaluation"),
        self_update=attr(package, "selfUpdate"),
        permanence=attr(package, "permanence"),
        psf_name=attr(package, "psfName"),
        target_partition=attr(package, "targetPartition"),
        binary_partition=attr(package, "binaryPartition"),
        package_attributes=attributes(package),
        parents=tuple(parents),
        installer_assembly=installer,
        updates=tuple(updates),
        package_extended=extended,
        custom_information=custom,
        unknown=tuple(unknowns),
    )


def _parent(element: Element) -> ParentGroup:
    return ParentGroup(
        identities=identities_in(element),
        build_compare=attr(element, "buildCompare"),
        service_compare=attr(element, "serviceCompare"),
        revision_compare=attr(element, "revisionCompare"),
        integrate=attr(element, "integrate"),
        disposition=attr(element, "disposition"),
        attributes=attributes(element),
    )


def _update(element: Element) -> UpdateEntry:
    kind: str | None = None
    identities: tuple[AssemblyIdentity, ...] = ()
    content_attributes = Attributes()
    disposition: str | None = None
    applicable: list[AssemblyIdentity] = []
    unknowns: list[UnknownElement] = []
    for child in elements(element):
        name = local_name(child)
        if name == "applicable":
            disposition = attr(child, "disposition")
            for target in elements(child):
                applicable.extend(identities_in(target))
        elif kind is None and (name in _CONTENT_KINDS or first(child, "assemblyIdentity") is not None):
            kind, identities, content_attributes = name, identities_in(child), attributes(child)
        else:
            unknowns.append(unknown(child))
    return UpdateEntry(
        name=attr(element, "name") or "",
        kind=kind,
        identities=identities,
        content_attributes=content_attributes,
        applicable_disposition=disposition,
        applicable=tuple(applicable),
        attributes=attributes(element),
        unknown=tuple(unknowns),
    )


__all__ = [
    "PackageExtended",
    "PackageManifest",
    "ParentGroup",
    "UpdateEntry",
    "identities_in",
    "identity_from",
    "manifest_from_element",
    "parse_mum",
]
