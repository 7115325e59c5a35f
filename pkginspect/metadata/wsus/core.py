"""WSUSSCAN ``core/<revision>`` files, lightly: identity, relationships and which applicability rules they use."""

from __future__ import annotations

import dataclasses
from typing import Any

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import Attributes, Data, UnknownElement, parse_int, to_jsonable
from pkginspect.metadata.mum import PackageManifest, manifest_from_element
from pkginspect.metadata.wsus._revision import revision_id
from pkginspect.metadata.xmlsafe import (
    DEFAULT_LIMITS,
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


_CHILDREN = {"UpdateIdentity", "Properties", "Relationships", "ApplicabilityRules"}
_LOGIC = {"And", "Or", "Not"}


def parse_core(data: Data, source: str, *, limits: XmlLimits = DEFAULT_LIMITS) -> CoreProperties:
    """Parse a WSUSSCAN ``core/<revision>`` fragment file.

    Raises :class:`~pkginspect.errors.MetadataError` for bad XML, for a file with none of ``UpdateIdentity``,
    ``Properties``, ``Relationships``, ``ApplicabilityRules``, or for a malformed inlined manifest.
    """
    root = parse_xml(data, source, fragment=True, limits=limits)
    if not any(local_name(child) in _CHILDREN for child in elements(root)):
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
    if rules is not None:
        for section in elements(rules):
            sections.append(local_name(section))
            if local_name(section) == "Metadata":
                metadata = first(section, "CbsPackageApplicabilityMetadata")
                assembly = first(metadata, "assembly") if metadata is not None else None
                if assembly is not None:
                    inlined = manifest_from_element(assembly, f"{source}#CbsPackageApplicabilityMetadata")
                continue
            for element in section.iterdescendants():
                name = local_name(element)
                if name and name not in _LOGIC:
                    kinds.setdefault(name, None)
    return CoreProperties(
        source=source,
        revision_id=revision_id(source),
        update_id=attr(identity, "UpdateID") if identity is not None else None,
        revision_number=parse_int(attr(identity, "RevisionNumber")) if identity is not None else None,
        update_type=attr(properties, "UpdateType") if properties is not None else None,
        properties=attributes(properties) if properties is not None else Attributes(),
        prerequisite_ids=tuple(prerequisites),
        bundled_update_ids=tuple(bundled),
        applicability_sections=tuple(sections),
        rule_kinds=tuple(kinds),
        has_inlined_mum=inlined is not None,
        inlined_mum=inlined,
        unknown=tuple(unknown(child) for child in elements(root) if local_name(child) not in _CHILDREN),
    )


__all__ = ["CoreProperties", "parse_core"]
