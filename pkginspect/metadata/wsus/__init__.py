"""WSUSSCAN metadata, one module per file kind: ``package.xml`` and ``core/``, ``extended/``, ``localized/`` files."""

from pkginspect.metadata.wsus.core import CoreProperties, parse_core
from pkginspect.metadata.wsus.extended import (
    REBOOT_BEHAVIORS,
    AdditionalDigest,
    ExtendedProperties,
    InstallBehavior,
    WsusFile,
    parse_extended,
)
from pkginspect.metadata.wsus.localized import LocalizedProperties, parse_localized
from pkginspect.metadata.wsus.package_xml import (
    UPDATE_CLASSIFICATIONS,
    Category,
    FileLocation,
    OfflineSyncPackage,
    WsusUpdate,
    classification_name,
    parse_package_xml,
)

__all__ = ["REBOOT_BEHAVIORS", "UPDATE_CLASSIFICATIONS", "AdditionalDigest", "Category", "CoreProperties",
           "ExtendedProperties", "FileLocation", "InstallBehavior", "LocalizedProperties", "OfflineSyncPackage",
           "WsusFile", "WsusUpdate", "classification_name", "parse_core", "parse_extended", "parse_localized",
           "parse_package_xml"]
