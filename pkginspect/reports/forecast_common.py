"""What every forecast report shows the same way: the month marks, the schedule line, the fix sentences."""

from __future__ import annotations

from pkginspect.forecasting import ForecastResult, MachineForecast, MonthForecast
from pkginspect.types import VERDICT_MARKS


def mark(month: MonthForecast) -> str:
    """The month's character (a cadence month's restart is still ``R``)."""
    return VERDICT_MARKS.get(month.verdict, "?")


def schedule_line(machine: MachineForecast) -> str:
    """The months' marks in a row (``R..R..R..R..``)."""
    return "".join(mark(month) for month in machine.schedule.months)


def fix_sentence(label: str, machines: int, saved: int, months: int) -> str:
    """``enable VBS on 12 machines: −96 restarts/year`` (over the forecast's months when they are not 12)."""
    period = "/year" if months == 12 else f" over {months} months"
    noun = "machine" if machines == 1 else "machines"
    return f"{label} on {machines} {noun}: \u2212{saved} restarts{period}"


def horizon(result: ForecastResult) -> str:
    """``2027-01 to 2027-12 (12 months)``."""
    return f"{result.months[0]} to {result.months[-1]} ({len(result.months)} months)"


def calendar_note(result: ForecastResult) -> str:
    """Which months come from the calendar and which from the planned cadence."""
    if not result.calendar_ends:
        return "No calendar data: every month follows the planned cadence"
    ends = ", ".join(f"{product} through {month}" for product, month in result.calendar_ends)
    return (f"Calendar: {ends}; later months follow the planned cadence (lower confidence; "
            f"'{REFRESH}' brings newer releases)")


REFRESH = "pkginspect calendar import"
"""The command that brings the calendar up to date (named wherever months fall back to the cadence)."""


def share(part: int, whole: int) -> str:
    """``38.9%``."""
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"
