"""Months as ``"YYYY-MM"`` strings: parsing, stepping and the hotpatch program's quarterly cadence."""

from __future__ import annotations

import datetime as dt
import re

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
PLANNED_BASELINE_MONTHS = (1, 4, 7, 10)
"""The program's cadence: a planned baseline in January, April, July and October, hotpatches in between."""


def parse_month(text: str) -> str:
    """``text`` checked as ``YYYY-MM`` (month 01–12); ValueError otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ValueError(f"not a month like 2027-01: {text!r}")
    return f"{int(match[1]):04d}-{int(match[2]):02d}"


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


def next_month(today: dt.date) -> str:
    """The month after the one ``today`` falls in (the default start of a forecast)."""
    return add_months(f"{today.year:04d}-{today.month:02d}", 1)
