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

__version__ = "0.1.0"

__all__ = [
    "CalendarError",
    "ContainerError",
    "CorruptContainerError",
    "ExtractionError",
    "FactsError",
    "LimitExceededError",
    "Limits",
    "MemberNotFoundError",
    "MetadataError",
    "NativeLibraryError",
    "Package",
    "PkgInspectError",
    "RuleError",
    "UnsupportedContainerError",
    "__version__",
    "extract",
    "open_package",
]
