"""pkginspect: will this Windows update reboot this machine, and why — answered offline from the package.

The public API is what ``__all__`` lists; everything else is internal.
"""

from pkginspect.containers import Limits, Package, extract, open_package
from pkginspect.errors import (
    CalendarError,
    ContainerError,
    CorruptContainerError,
    ExtractionError,
    FactsError,
    LimitExceededError,
    MemberNotFoundError,
    MetadataError,
    NativeLibraryError,
    PkgInspectError,
    RuleError,
    UnsupportedContainerError,
)
from pkginspect.package import CbsPackage, Component, Fact, MemberInfo, SubPackage, UpdatePackage, inspect

__version__ = "0.1.0"

__all__ = [
    "CalendarError",
    "CbsPackage",
    "Component",
    "ContainerError",
    "CorruptContainerError",
    "ExtractionError",
    "Fact",
    "FactsError",
    "LimitExceededError",
    "Limits",
    "MemberInfo",
    "MemberNotFoundError",
    "MetadataError",
    "NativeLibraryError",
    "Package",
    "PkgInspectError",
    "RuleError",
    "SubPackage",
    "UnsupportedContainerError",
    "UpdatePackage",
    "__version__",
    "extract",
    "inspect",
    "open_package",
]
