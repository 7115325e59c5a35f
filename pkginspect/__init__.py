"""pkginspect: will this Windows update reboot this machine, and why — answered offline from the package.

The public API is what ``__all__`` lists; everything else is internal.
"""

from pkginspect.calendar import Calendar, bundled_calendar, load_calendar
from pkginspect.classify import Classification, Evidence, classify, classify_batch
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
from pkginspect.rules import Decision, Machine, Ruleset, evaluate, load_machines, load_ruleset

__version__ = "0.1.0"

__all__ = [
    "Calendar",
    "CalendarError",
    "CbsPackage",
    "Classification",
    "Component",
    "ContainerError",
    "CorruptContainerError",
    "Decision",
    "Evidence",
    "ExtractionError",
    "Fact",
    "FactsError",
    "LimitExceededError",
    "Limits",
    "Machine",
    "MemberInfo",
    "MemberNotFoundError",
    "MetadataError",
    "NativeLibraryError",
    "Package",
    "PkgInspectError",
    "RuleError",
    "Ruleset",
    "SubPackage",
    "UnsupportedContainerError",
    "UpdatePackage",
    "__version__",
    "bundled_calendar",
    "classify",
    "classify_batch",
    "evaluate",
    "extract",
    "inspect",
    "load_calendar",
    "load_machines",
    "load_ruleset",
    "open_package",
]
