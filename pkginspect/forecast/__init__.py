"""Restart forecast: each machine's expected updates and restarts over the coming months, and what would remove them."""

from __future__ import annotations

from pkginspect.forecast.assessment import Assessment, Comparison, load_assessment
from pkginspect.forecast.model import (
    FleetFix,
    ForecastResult,
    MachineForecast,
    MonthForecast,
    Schedule,
    ScheduleGroup,
    WhatIf,
)
from pkginspect.forecast.releases import CADENCE, CALENDAR, MONTHLY, ExpectedRelease, Releases
from pkginspect.forecast.run import MAX_MONTHS, forecast
from pkginspect.forecast.whatif import Fix

__all__ = [
    "CADENCE",
    "CALENDAR",
    "MAX_MONTHS",
    "MONTHLY",
    "Assessment",
    "Comparison",
    "ExpectedRelease",
    "Fix",
    "FleetFix",
    "ForecastResult",
    "MachineForecast",
    "MonthForecast",
    "Releases",
    "Schedule",
    "ScheduleGroup",
    "WhatIf",
    "forecast",
    "load_assessment",
]
