"""The forecast as one self-contained HTML page (no script, no external asset) with an SVG chart of restarts."""

from __future__ import annotations

from pkginspect.forecasting import ForecastResult
from pkginspect.reports.forecast_common import calendar_note, fix_sentence, horizon, mark, share
from pkginspect.reports.templates import render_chunks
from pkginspect.types import MARKS_LEGEND, VERDICT_MARKS

MAX_MACHINE_ROWS = 5000
"""Machines shown one row each; a larger fleet's page lists the first ones and points to the CSV or JSON report."""
MAX_GROUP_NAMES = 100
"""Machine names listed per schedule group."""


def forecast_html(result: ForecastResult) -> str:
    """The whole forecast as a page: totals, the chart, ranked fixes, schedule groups, every machine's months."""
    cadence = {m.month for machine in result.machines for m in machine.schedule.months if m.source != "calendar"}
    return "".join(render_chunks(
        "forecast.html.j2", result=result, cadence=cadence, max_machine_rows=MAX_MACHINE_ROWS,
        max_group_names=MAX_GROUP_NAMES, marks=VERDICT_MARKS, marks_legend=MARKS_LEGEND, calendar_note=calendar_note,
        fix_sentence=fix_sentence, horizon=horizon, mark=mark, share=share))
