"""Restart forecast: each machine's expected updates and restarts over the coming months, and what would remove them."""

from __future__ import annotations

from pkginspect.forecasting.assessment import Assessment, Comparison, load_assessment
from pkginspect.forecasting.model import (
    FleetFix,
    ForecastResult,
    MachineForecast,
    MonthForecast,
    Schedule,
    ScheduleGroup,
    WhatIf,
)
from pkginspect.forecasting.releases import CADENCE, CALENDAR, MONTHLY, ExpectedRelease, Releases
from pkginspect.forecasting.run import MAX_MONTHS, forecast
from pkginspect.forecasting.whatif import Fix

__all__ = ["CADENCE", "CALENDAR", "MAX_MONTHS", "MONTHLY", "Assessment", "Comparison", "ExpectedRelease", "Fix",
           "FleetFix", "ForecastResult", "MachineForecast", "MonthForecast", "Releases", "Schedule", "ScheduleGroup",
           "WhatIf", "forecast", "load_assessment"]
