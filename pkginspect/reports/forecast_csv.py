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


def _line(values: list[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="", quoting=csv.QUOTE_MINIMAL).writerow(values)
    return out.getvalue()


def forecast_csv(result: ForecastResult) -> str:
    """A header row (``COLUMNS``) then one row per machine and month, machines in the result's order.

    Lines end with CRLF (RFC 4180); fields are quoted only when needed; a field a spreadsheet would run as a
    formula gets a leading ``'``. Machines that share a schedule share its encoded rows (a fleet of 100,000
    machines has a few hundred schedules).
    """
    lines = [_line(list(COLUMNS))]
    tails: dict[int, list[str]] = {}
    for machine in result.machines:
        tail = tails.get(id(machine.schedule))
        if tail is None:
            tail = tails[id(machine.schedule)] = [_line([_cell(value) for value in (
                month.month, month.product, month.kind, _kb(month.kb), month.build, _kb(month.installs_kb),
                month.installs_build, month.source, month.confidence, month.verdict,
                "yes" if month.restart else "no", "yes" if month.avoidable else "no", month.cause,
                " | ".join(month.rules),
            )]) for month in machine.schedule.months]
        name = _line([_cell(machine.name)])
        lines += [f"{name},{row}" for row in tail]
    return "\r\n".join(lines) + "\r\n"
