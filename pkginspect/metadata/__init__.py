"""Windows Update metadata files parsed into typed, frozen records, one parser per file kind."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping

from pkginspect.metadata._common import (
    DEFAULT_MAX_BYTES,
    AssemblyIdentity,
    Attributes,
    Data,
    MetadataRecord,
    UnknownElement,
    kb_from_text,
    parse_version,
)
from pkginspect.metadata.compdb import CompDB, CompDBFeature, CompDBPackage, PayloadItem, parse_compdb
from pkginspect.metadata.manifest import (
    ComponentManifest,
    ManifestDependency,
    ManifestFile,
    parse_manifest,
    sniff_manifest,
)
from pkginspect.metadata.mum import PackageExtended, PackageManifest, ParentGroup, UpdateEntry, parse_mum
from pkginspect.metadata.pkgprops import PackageProperties, parse_pkgprops
from pkginspect.metadata.psf import DeltaSource, ExpressFile, ExpressIndex, parse_express_index
from pkginspect.metadata.unattend import UnattendFile, UnattendPackage, parse_unattend
from pkginspect.metadata.wsus import (
    REBOOT_BEHAVIORS,
    UPDATE_CLASSIFICATIONS,
    AdditionalDigest,
    Category,
    CoreProperties,
    ExtendedProperties,
    FileLocation,
    InstallBehavior,
    LocalizedProperties,
    OfflineSyncPackage,
    WsusFile,
    WsusUpdate,
    classification_name,
    parse_core,
    parse_extended,
    parse_localized,
    parse_package_xml,
)
from pkginspect.metadata.xmlsafe import DEFAULT_LIMITS, DEFAULT_MAX_DEPTH, XmlLimits, parse_xml

#: Every kind :func:`kind_of` can return.
KINDS = (
    "mum",
    "manifest",
    "pkgprops",
    "unattend",
    "wsus-package",
    "wsus-extended",
    "wsus-localized",
    "wsus-core",
    "compdb",
    "express-index",
)

#: The parser for each kind: ``PARSERS[kind_of(name)](data, source)``.
PARSERS: Mapping[str, Callable[[Data, str], MetadataRecord]] = types.MappingProxyType(
    {
        "mum": parse_mum,
        "manifest": parse_manifest,
        "pkgprops": parse_pkgprops,
        "unattend": parse_unattend,
        "wsus-package": parse_package_xml,
        "wsus-extended": parse_extended,
        "wsus-localized": parse_localized,
        "wsus-core": parse_core,
        "compdb": parse_compdb,
        "express-index": parse_express_index,
    }
)

# The unattend file is named like the package cabinet: Windows6.1-KB4538483-x64.xml.
_UNATTEND_RE = re.compile(r"\Awindows[0-9.]*-kb\d+[^/]*\.xml\Z")


def kind_of(member_name: str) -> str | None:
    """Name the parser kind for a member path, from its name alone (no I/O); None for anything else.

    Accepts nested paths (``a.msu!WSUSSCAN.cab!package.cab!core/12``) and either separator. The kinds are
    listed in :data:`KINDS`; the WSUS revision files are told apart by their folder (``core/``,
    ``extended/``, ``localized/<lang>/``).
    """
    path = member_name.rsplit("!", 1)[-1].replace("\\", "/")
    parts = [part for part in path.split("/") if part]
    if not parts:
        return None
    name = parts[-1].lower()
    folders = [part.lower() for part in parts[:-1]]
    if name.endswith(".mum"):
        return "mum"
    if name.endswith(".manifest"):
        return "manifest"
    if name.endswith(".txt") and "pkgproperties" in name:
        return "pkgprops"
    if name.endswith(".cix.xml"):
        return "express-index"
    if name == "package.xml":
        return "wsus-package"
    if name.endswith(".xml") and "compdb" in name:
        return "compdb"
    if name.isdigit() and folders:
        if folders[-1] == "core":
            return "wsus-core"
        if folders[-1] == "extended":
            return "wsus-extended"
        if len(folders) >= 2 and folders[-2] == "localized":
            return "wsus-localized"
        return None
    if _UNATTEND_RE.match(name) and not name.endswith("_uup.xml"):
        return "unattend"
    return None


__all__ = ["DEFAULT_LIMITS", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "KINDS", "PARSERS", "REBOOT_BEHAVIORS",
           "UPDATE_CLASSIFICATIONS", "AdditionalDigest", "AssemblyIdentity", "Attributes", "Category", "CompDB",
           "CompDBFeature", "CompDBPackage", "ComponentManifest", "CoreProperties", "Data", "DeltaSource",
           "ExpressFile", "ExpressIndex", "ExtendedProperties", "FileLocation", "InstallBehavior",
           "LocalizedProperties", "ManifestDependency", "ManifestFile", "MetadataRecord", "OfflineSyncPackage",
           "PackageExtended", "PackageManifest", "PackageProperties", "ParentGroup", "PayloadItem", "UnattendFile",
           "UnattendPackage", "UnknownElement", "UpdateEntry", "WsusFile", "WsusUpdate", "XmlLimits",
           "classification_name", "kb_from_text", "kind_of", "parse_compdb", "parse_core", "parse_express_index",
           "parse_extended", "parse_localized", "parse_manifest", "parse_mum", "parse_package_xml", "parse_pkgprops",
           "parse_unattend", "parse_version", "parse_xml", "sniff_manifest"]
