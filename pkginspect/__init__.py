"""pkginspect: will this Windows update reboot this machine, and why — answered offline from the package.

The public API is what ``__all__`` lists; everything else is internal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers; at run time they load on first use
    from pkginspect.batch import AuditResult, audit
    from pkginspect.calendar import Calendar, bundled_calendar, load_calendar
    from pkginspect.classification import Classification, Evidence, classify, classify_batch
    from pkginspect.containers import Limits, Package, extract, open_package
    from pkginspect.errors import (
        ArgumentTypeError,
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
    from pkginspect.forecasting import ForecastResult, forecast
    from pkginspect.package import CbsPackage, Component, Fact, MemberInfo, SubPackage, UpdatePackage, inspect
    from pkginspect.reports.formats import ReportFormat, render, render_chunks
    from pkginspect.rules import Decision, Fleet, Machine, Ruleset, evaluate, load_machines, load_ruleset, read_fleet

__version__ = "0.1.0"

# Each public name and the module that defines it: importing pkginspect stays cheap (the CLI starts
# fast), and a layer loads only when one of its names is used.
_EXPORTS = {
    "ArgumentTypeError": "pkginspect.errors",
    "AuditResult": "pkginspect.batch",
    "audit": "pkginspect.batch",
    "ReportFormat": "pkginspect.reports.formats",
    "render": "pkginspect.reports.formats",
    "render_chunks": "pkginspect.reports.formats",
    "Calendar": "pkginspect.calendar",
    "CalendarError": "pkginspect.errors",
    "CbsPackage": "pkginspect.package",
    "Classification": "pkginspect.classification",
    "Component": "pkginspect.package",
    "ContainerError": "pkginspect.errors",
    "CorruptContainerError": "pkginspect.errors",
    "Decision": "pkginspect.rules",
    "Evidence": "pkginspect.classification",
    "ExtractionError": "pkginspect.errors",
    "Fact": "pkginspect.package",
    "FactsError": "pkginspect.errors",
    "Fleet": "pkginspect.rules",
    "read_fleet": "pkginspect.rules",
    "LimitExceededError": "pkginspect.errors",
    "Limits": "pkginspect.containers",
    "Machine": "pkginspect.rules",
    "MemberInfo": "pkginspect.package",
    "MemberNotFoundError": "pkginspect.errors",
    "MetadataError": "pkginspect.errors",
    "NativeLibraryError": "pkginspect.errors",
    "Package": "pkginspect.containers",
    "PkgInspectError": "pkginspect.errors",
    "RuleError": "pkginspect.errors",
    "Ruleset": "pkginspect.rules",
    "SubPackage": "pkginspect.package",
    "UnsupportedContainerError": "pkginspect.errors",
    "UpdatePackage": "pkginspect.package",
    "bundled_calendar": "pkginspect.calendar",
    "classify": "pkginspect.classification",
    "classify_batch": "pkginspect.classification",
    "evaluate": "pkginspect.rules",
    "extract": "pkginspect.containers",
    "inspect": "pkginspect.package",
    "load_calendar": "pkginspect.calendar",
    "load_machines": "pkginspect.rules",
    "load_ruleset": "pkginspect.rules",
    "open_package": "pkginspect.containers",
    "ForecastResult": "pkginspect.forecasting",
    "forecast": "pkginspect.forecasting",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pkginspect' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "ArgumentTypeError",
    "AuditResult",
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
    "Fleet",
    "ForecastResult",
    "LimitExceededError",
    "Limits",
    "Machine",
    "MemberInfo",
    "MemberNotFoundError",
    "MetadataError",
    "NativeLibraryError",
    "Package",
    "PkgInspectError",
    "ReportFormat",
    "RuleError",
    "Ruleset",
    "SubPackage",
    "UnsupportedContainerError",
    "UpdatePackage",
    "__version__",
    "audit",
    "bundled_calendar",
    "classify",
    "classify_batch",
    "evaluate",
    "extract",
    "forecast",
    "inspect",
    "load_calendar",
    "load_machines",
    "load_ruleset",
    "open_package",
    "read_fleet",
    "render",
    "render_chunks",
]
