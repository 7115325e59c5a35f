"""The forecast as CSV: one row per machine × month, for spreadsheets (CRLF line ends, formula-safe cells)."""

from __future__ import annotations

from pkginspect.forecasting import ForecastResult
from pkginspect.reports._common import csv_line, kb_label

COLUMNS = ("machine", "month", "product", "kind", "kb", "build", "installs_kb", "installs_build", "source",
           "confidence", "verdict", "restart", "avoidable", "cause", "rules")


def forecast_csv(result: ForecastResult) -> str:
    """A header row (``COLUMNS``) then one row per machine and month, machines in the result's order.

    Lines end with CRLF (RFC 4180); fields are quoted only when needed; a field a spreadsheet would run as a
    formula gets a leading ``'``. Machines that share a schedule share its encoded rows (a fleet of 100,000
    machines has a few hundred schedules).
    """
    lines = [csv_line(COLUMNS)]
    tails: dict[int, list[str]] = {}
    for machine in result.machines:
        tail = tails.get(id(machine.schedule))
        if tail is None:
            tail = tails[id(machine.schedule)] = [csv_line((
                month.month, month.product, month.kind, kb_label(month.kb, ""), month.build,
                kb_label(month.installs_kb, ""), month.installs_build, month.source, month.confidence, month.verdict,
                "yes" if month.restart else "no", "yes" if month.avoidable else "no", month.cause,
                " | ".join(month.rules),
            )) for month in machine.schedule.months]
        name = csv_line([machine.name])
        lines += [f"{name},{row}" for row in tail]
    return "\r\n".join(lines) + "\r\n"
