"""The forecast as Markdown: the summary a person pastes into a change ticket or a capacity plan."""

from __future__ import annotations

from pkginspect.forecasting import ForecastResult
from pkginspect.reports._common import code, text
from pkginspect.reports.forecast_common import (
    calendar_note,
    fix_sentence,
    horizon,
    mark,
    share,
)
from pkginspect.types import MARKS_LEGEND, VERDICT_MARKS


def forecast_markdown(result: ForecastResult) -> str:
    """Totals, restarts per month, ranked fixes, schedule groups, and a table of every machine."""
    totals = result.totals()
    machines = totals["machines"]
    months = len(result.months)
    lines = [
        f"# Restart forecast {text(horizon(result))}",
        "",
        f"Generated {text(result.generated)} by pkginspect for {machines} machines. {text(calendar_note(result))}.",
        "",
        f"- **{totals['restarts']} restarts**, {totals['avoidable']} of them avoidable; "
        f"{totals['unknown']} months unknown (missing facts)",
        f"- **{totals['at_floor']} of {machines} machines ({share(totals['at_floor'], machines)})** at the "
        "program's floor (baselines only)",
        f"- every fix made: \u2212{totals['saved_by_all_fixes']} restarts",
        "",
        "## Restarts per month",
        "",
        "| " + " | ".join(result.months) + " |",
        "|" + "---:|" * months,
        "| " + " | ".join(str(count) for count in result.restarts_per_month().values()) + " |",
        "",
        "## Fixes, ranked",
        "",
    ]
    useful = [fix for fix in result.fixes if fix.saved > 0]
    lines += [f"{n}. {text(fix_sentence(f.fix.label, len(f.machines), f.saved, months))}"
              for n, f in enumerate(useful, 1)] or ["No single fix saves a restart."]
    lines += ["", "## Machines with the same schedule", "", f"Marks: {text(MARKS_LEGEND)}.", "",
              "| schedule | restarts | machines |", "|---|---:|---|"]
    for group in result.groups():
        marks = "".join(VERDICT_MARKS.get(v, "?") for v in group.signature)
        shown = ", ".join(group.machines[:8]) + (f" and {len(group.machines) - 8} more" if len(group.machines) > 8
                                                 else "")
        lines.append(f"| {code(marks)} | {group.restarts} | {len(group.machines)}: {text(shown)} |")
    lines += ["", "## Machines", "", "| machine | schedule | restarts | avoidable | causes | what if |",
              "|---|---|---:|---:|---|---|"]
    for machine in result.machines:
        schedule = machine.schedule
        marks = "".join(mark(month) for month in schedule.months)
        causes = "; ".join(f"{cause} ({count})" for cause, count in machine.causes().items())
        whatifs = [f"{item.fix.label}: \u2212{item.saved}" for item in machine.whatifs]
        if machine.all_fixes is not None:
            whatifs.append(f"all: \u2212{machine.all_fixes.saved}")
        lines.append(f"| {text(machine.name)} | {code(marks)} | {schedule.restarts} | {schedule.avoidable} | "
                     f"{text(causes) or ' '} | {text('; '.join(whatifs)) or ' '} |")
    for comparison in result.comparisons:
        lines += ["", f"## Azure assessment of {text(comparison.machine)}", ""]
        lines += [f"- {text(item)}" for item in comparison.disagreements] or ["Agrees with the forecast."]
    return "\n".join(lines) + "\n"
