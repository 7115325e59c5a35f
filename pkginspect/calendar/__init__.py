"""The hotpatch release calendar per product: bundled data, user files merged over it, and lookups."""

from __future__ import annotations

from pkginspect.calendar.aliases import calendar_product
from pkginspect.calendar.load import BUNDLED_NAME, bundled_calendar, load_calendar
from pkginspect.calendar.lookup import Calendar
from pkginspect.calendar.model import (
    KNOWN_PRODUCTS,
    PRODUCT_BUILDS,
    RELEASE_TYPES,
    ROLES,
    CalendarMatch,
    Confidence,
    HotpatchChain,
    Month,
    OutOfBand,
    Release,
    ReleaseType,
    Role,
    is_baseline_month,
    planned_baseline_months,
)
from pkginspect.calendar.rows import COLUMNS, MAX_CALENDAR_BYTES, REQUIRED_COLUMNS

__all__ = [
    "BUNDLED_NAME",
    "COLUMNS",
    "KNOWN_PRODUCTS",
    "MAX_CALENDAR_BYTES",
    "PRODUCT_BUILDS",
    "RELEASE_TYPES",
    "REQUIRED_COLUMNS",
    "ROLES",
    "Calendar",
    "CalendarMatch",
    "Confidence",
    "HotpatchChain",
    "Month",
    "OutOfBand",
    "Release",
    "ReleaseType",
    "Role",
    "bundled_calendar",
    "calendar_product",
    "is_baseline_month",
    "load_calendar",
    "planned_baseline_months",
]
