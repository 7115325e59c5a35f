"""The forecast as CSV: one row per machine × month, for spreadsheets (CRLF line ends, formula-safe cells)."""

from __future__ import annotations

import csv
import io

from pkginspect.forecasting import ForecastResult

COLUMNS = ("machine", "month", "product", "kind", "kb", "build", "installs_kb", "installs_build", "source",
           "confidence", "verdict", "restart", "avoidable", "cause", "rules")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _kb(kb: int | None) -> str:
    return f"KB{kb}" if kb else ""


def forecast_csv(result: ForecastResult) -> str:
    """A header row (``COLUMNS``) then one row per machine and month, machines in the result's order."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for machine in result.machines:
        for month in machine.schedule.months:
            writer.writerow([_cell(value) for value in (
                machine.name, month.month, month.product, month.kind, _kb(month.kb), month.build,
                _kb(month.installs_kb), month.installs_build, month.source, month.confidence, month.verdict,
                "yes" if month.restart else "no", "yes" if month.avoidable else "no", month.cause,
                " | ".join(month.rules),
            )])
    return out.getvalue()
