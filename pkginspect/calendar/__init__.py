"""The release calendar per product: bundled data, user files merged over it, and lookups.

One release per row (``Entry``: product, cycle month, date, kind, build, KB, effect on the hotpatch chain); the
``Calendar`` indexes them and gives the month view (``Release``), KB and build lookups, the newest month known
per product and the hotpatch chain of a month. ``load_calendar`` reads the bundled data, the user calendar
directory and user files (the calendar layout or the legacy one).
"""

from __future__ import annotations

from pkginspect.calendar.aliases import calendar_product
from pkginspect.calendar.load import (
    BUNDLED_NAME,
    CALENDAR_DIR_VARIABLE,
    bundled_calendar,
    load_calendar,
    newest_months,
    read_entries,
    refresh_command,
    staleness,
    user_calendar_dir,
    user_calendar_files,
)
from pkginspect.calendar.lookup import Calendar
from pkginspect.calendar.model import (
    CHAIN_EFFECTS,
    KINDS,
    KNOWN_PRODUCTS,
    PRODUCT_BUILDS,
    RELEASE_TYPES,
    ROLES,
    CalendarMatch,
    ChainEffect,
    Confidence,
    Entry,
    HotpatchChain,
    Kind,
    Month,
    OutOfBand,
    Release,
    ReleaseType,
    Role,
    is_baseline_month,
    planned_baseline_months,
)
from pkginspect.calendar.rows import COLUMNS, LEGACY_COLUMNS, MAX_CALENDAR_BYTES, REQUIRED_COLUMNS
from pkginspect.calendar.write import entries_csv, entries_json

__all__ = [
    "BUNDLED_NAME",
    "CALENDAR_DIR_VARIABLE",
    "CHAIN_EFFECTS",
    "COLUMNS",
    "KINDS",
    "KNOWN_PRODUCTS",
    "LEGACY_COLUMNS",
    "MAX_CALENDAR_BYTES",
    "PRODUCT_BUILDS",
    "RELEASE_TYPES",
    "REQUIRED_COLUMNS",
    "ROLES",
    "Calendar",
    "CalendarMatch",
    "ChainEffect",
    "Confidence",
    "Entry",
    "HotpatchChain",
    "Kind",
    "Month",
    "OutOfBand",
    "Release",
    "ReleaseType",
    "Role",
    "bundled_calendar",
    "calendar_product",
    "entries_csv",
    "entries_json",
    "is_baseline_month",
    "load_calendar",
    "newest_months",
    "planned_baseline_months",
    "read_entries",
    "refresh_command",
    "staleness",
    "user_calendar_dir",
    "user_calendar_files",
]
