"""Months as ``"YYYY-MM"`` strings: parsing, stepping and the hotpatch program's quarterly cadence."""

from __future__ import annotations

import datetime as dt

from pkginspect.calendar.model import PLANNED_BASELINE_MONTHS, Month


def parse_month(text: str) -> str:
    """``text`` checked as ``YYYY-MM`` (month 01–12); ValueError otherwise."""
    try:
        return str(Month.parse(text.strip()))
    except ValueError as exc:
        raise ValueError(f"not a month like 2027-01: {text!r}") from exc


def add_months(month: str, count: int) -> str:
    """The month ``count`` months after ``month`` (before it when negative)."""
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(start: str, count: int) -> tuple[str, ...]:
    """``count`` consecutive months from ``start``."""
    return tuple(add_months(start, step) for step in range(count))


def is_planned_baseline(month: str) -> bool:
    """Whether ``month`` holds a planned baseline (January, April, July, October)."""
    return int(month[5:7]) in PLANNED_BASELINE_MONTHS


def planned_baseline(month: str) -> str:
    """The planned baseline month at or before ``month``."""
    return add_months(month, -((int(month[5:7]) - 1) % 3))


def next_month(today: dt.date) -> str:
    """The month after the one ``today`` falls in (the default start of a forecast)."""
    return add_months(f"{today.year:04d}-{today.month:02d}", 1)
