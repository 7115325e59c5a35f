"""The forecast as text for a terminal: fleet totals, restarts per month, ranked fixes, one line per machine."""

from __future__ import annotations

from pkginspect.forecasting import ForecastResult
from pkginspect.reports._common import kb_label
from pkginspect.reports.forecast_common import (
    calendar_note,
    fix_sentence,
    horizon,
    schedule_line,
    share,
)
from pkginspect.types import MARKS_LEGEND


def forecast_text(result: ForecastResult, *, details: bool = False) -> str:
    """A summary a person reads in a terminal; ``details`` adds every machine's months with their causes."""
    totals = result.totals()
    machines = totals["machines"]
    lines = [
        f"Restart forecast {horizon(result)}, {machines} machines",
        calendar_note(result),
        f"{totals['restarts']} restarts, {totals['avoidable']} avoidable, {totals['unknown']} unknown months; "
        f"{totals['at_floor']} of {machines} machines ({share(totals['at_floor'], machines)}) at the "
        "program's floor (baselines only)",
        "",
        "restarts per month",
    ]
    per_month = result.restarts_per_month()
    widest = max(per_month.values(), default=0)
    for month, count in per_month.items():
        bar = "#" * (round(40 * count / widest) if widest else 0)
        lines.append(f"  {month}  {count:>6}  {bar}")
    lines += ["", "fixes, ranked by restarts saved"]
    useful = [fix for fix in result.fixes if fix.saved > 0]
    lines += [f"  {fix_sentence(f.fix.label, len(f.machines), f.saved, len(result.months))}" for f in useful]
    if not useful:
        lines.append("  none: no single fix saves a restart")
    lines += ["", f"machines ({MARKS_LEGEND})"]
    width = max((len(m.name) for m in result.machines), default=7)
    for machine in result.machines:
        schedule = machine.schedule
        causes = "; ".join(f"{cause} ({count})" for cause, count in machine.causes().items())
        lines.append(f"  {machine.name:<{width}}  {schedule_line(machine)}  {schedule.restarts:>2} restarts"
                     + (f", {schedule.avoidable} avoidable: {causes}" if schedule.avoidable else ""))
        for item in machine.whatifs:
            lines.append(f"  {'':<{width}}    what if: {item.fix.label}: \u2212{item.saved}")
        if machine.all_fixes is not None:
            lines.append(f"  {'':<{width}}    what if all: \u2212{machine.all_fixes.saved}")
        if details:
            for entry in schedule.months:
                kb = kb_label(entry.installs_kb or entry.kb)
                lines.append(f"  {'':<{width}}    {entry.month} {entry.kind:<18} {kb:<10} {entry.verdict:<15} "
                             f"{entry.source}: {entry.cause}")
    for comparison in result.comparisons:
        lines += ["", f"Azure assessment of {comparison.machine} ({comparison.source})"]
        lines += [f"  {item}" for item in comparison.disagreements] or ["  agrees with the forecast"]
    return "\n".join(lines) + "\n"
