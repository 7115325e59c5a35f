"""pkginspect: will this Windows update reboot this machine, and why — answered offline from the package.

The public API is what ``__all__`` lists; everything else is internal.
"""
# ruff: noqa: F401 (the imports under TYPE_CHECKING are the public names for type checkers, __all__ is built below)

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers; at run time they load on first use
    from pkginspect.batch import AuditResult, CheckResult, audit, check, evaluate_all
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

# The public names by module, as imported above for type checkers (tests/test_public_api.py keeps the two equal):
# importing pkginspect stays cheap (the CLI starts fast), and a layer loads only when one of its names is used.
_MODULES = {
    "pkginspect.batch": ("AuditResult", "CheckResult", "audit", "check", "evaluate_all"),
    "pkginspect.calendar": ("Calendar", "bundled_calendar", "load_calendar"),
    "pkginspect.classification": ("Classification", "Evidence", "classify", "classify_batch"),
    "pkginspect.containers": ("Limits", "Package", "extract", "open_package"),
    "pkginspect.errors": (
        "ArgumentTypeError", "CalendarError", "ContainerError", "CorruptContainerError", "ExtractionError",
        "FactsError", "LimitExceededError", "MemberNotFoundError", "MetadataError", "NativeLibraryError",
        "PkgInspectError", "RuleError", "UnsupportedContainerError",
    ),
    "pkginspect.forecasting": ("ForecastResult", "forecast"),
    "pkginspect.package": ("CbsPackage", "Component", "Fact", "MemberInfo", "SubPackage", "UpdatePackage", "inspect"),
    "pkginspect.reports.formats": ("ReportFormat", "render", "render_chunks"),
    "pkginspect.rules": (
        "Decision", "Fleet", "Machine", "Ruleset", "evaluate", "load_machines", "load_ruleset", "read_fleet",
    ),
}
_EXPORTS = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pkginspect' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = sorted([*_EXPORTS, "__version__"])
