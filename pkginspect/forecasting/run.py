"""``forecast``: every machine's restarts over the coming months, and which fixes would remove how many.

Machines with the same facts share one simulation (a fleet of thousands has a few dozen distinct profiles); a
rule that reads the machine's name makes its machines simulated one by one. For every failing prerequisite a
machine shows, the forecast runs again with that fact fixed, and the difference is what the fix saves.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any

from pkginspect.calendar import Calendar
from pkginspect.errors import wrong_type
from pkginspect.forecasting.assessment import Assessment, compare_all
from pkginspect.forecasting.model import FleetFix, ForecastResult, MachineForecast, Schedule, WhatIf
from pkginspect.forecasting.months import month_range, next_month, parse_month
from pkginspect.forecasting.releases import Releases
from pkginspect.forecasting.simulate import PROFILE_FACTS, Simulator
from pkginspect.forecasting.whatif import Fix, fix_for
from pkginspect.machines.facts import FACT_NAMES, require_machine
from pkginspect.rules.decide import default_ruleset
from pkginspect.rules.engine import Ruleset

MAX_MONTHS = 120


def _facts(machine: Any) -> dict[str, Any]:
    return {name: getattr(machine, name, None) for name in FACT_NAMES}


def _fixes(schedule: Schedule, facts: dict[str, Any]) -> dict[str, tuple[Fix, list[str]]]:
    found: dict[str, tuple[Fix, list[str]]] = {}
    for month in schedule.months:
        if not month.restart:
            continue
        for rule in month.rules:
            fix = fix_for(rule, facts)
            if fix is None:
                continue
            entry = found.setdefault(fix.id, (fix, []))
            if rule not in entry[1]:
                entry[1].append(rule)
    return found


class _Forecaster:
    def __init__(self, releases: Releases, ruleset: Ruleset, months: tuple[str, ...], whatif: bool) -> None:
        self.simulator = Simulator(releases, ruleset)
        self.months = months
        self.whatif = whatif
        self._whatifs: dict[tuple[Any, ...], tuple[tuple[WhatIf, ...], WhatIf | None]] = {}

    def machine(self, machine: Any, by_name: bool) -> MachineForecast:
        facts = _facts(machine)
        schedule = self.simulator.schedule(facts, self.months, by_name=by_name)
        if not self.whatif:
            return MachineForecast(machine, schedule)
        key = (tuple(facts[name] for name in PROFILE_FACTS), facts["name"] if by_name else None)
        if key not in self._whatifs:
            self._whatifs[key] = self._what_if(facts, schedule, by_name)
        whatifs, together = self._whatifs[key]
        return MachineForecast(machine, schedule, whatifs, together)

    def _what_if(self, facts: dict[str, Any], schedule: Schedule,
                 by_name: bool) -> tuple[tuple[WhatIf, ...], WhatIf | None]:
        fixes = _fixes(schedule, facts)
        if not fixes:
            return (), None
        found = []
        for fix, rules in fixes.values():
            fixed = self.simulator.schedule(fix.apply(facts), self.months, by_name=by_name)
            found.append(WhatIf(fix, tuple(rules), fixed.restarts, schedule.restarts - fixed.restarts))
        found.sort(key=lambda item: (-item.saved, item.fix.id))
        together = None
        if len(fixes) > 1:
            merged = dict(facts)
            for fix, _ in fixes.values():
                merged = fix.apply(merged)
            label = " + ".join(fix.label for fix, _ in fixes.values())
            combined = Fix("all", label, tuple((k, merged[k]) for k in PROFILE_FACTS if merged[k] != facts[k]))
            fixed = self.simulator.schedule(merged, self.months, by_name=by_name)
            every = tuple(rule for _, rules in fixes.values() for rule in rules)
            together = WhatIf(combined, every, fixed.restarts, schedule.restarts - fixed.restarts)
        return tuple(found), together


def _rank(machines: Sequence[MachineForecast]) -> tuple[FleetFix, ...]:
    found: dict[str, tuple[Fix, list[str], list[int]]] = {}
    for machine in machines:
        for item in (*machine.whatifs, *((machine.all_fixes,) if machine.all_fixes else ())):
            key = item.fix.id if item.fix.id != "all" else f"all:{item.fix.label}"
            entry = found.setdefault(key, (item.fix, [], []))
            entry[1].append(machine.name)
            entry[2].append(item.saved)
    ranked = [FleetFix(fix, tuple(names), sum(saved)) for fix, names, saved in found.values()]
    return tuple(sorted(ranked, key=lambda f: (-f.saved, -len(f.machines), f.fix.id)))


def forecast(
    machines: Iterable[Any],
    *,
    months: int = 12,
    start: str | None = None,
    calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
    now: dt.datetime | None = None,
    whatif: bool = True,
    assessments: Sequence[Assessment] = (),
) -> ForecastResult:
    """Forecast every machine's updates and restarts over ``months`` months from ``start`` (``"YYYY-MM"``).

    ``start`` defaults to the month after ``now`` (default: the current UTC time). Each month's verdict comes
    from the same rules as ``check`` (``ruleset``, default: the bundled rules) over the calendar's release for
    the machine's product, or the program's planned cadence past the calendar's data. With ``whatif``, every
    failing prerequisite is fixed in turn and the restarts it saves are reported. ValueError for a bad
    ``start`` or ``months``, ArgumentTypeError for a wrong type. ``assessments`` (Azure patch assessments, see
    ``forecasting.assessment``) are compared with their machine's first month.
    """
    if isinstance(machines, (str, bytes, os.PathLike)) or not isinstance(machines, Iterable):
        hint = "a path; read it first with pkginspect.load_machines(path)" if isinstance(
            machines, (str, os.PathLike)) else ""
        raise wrong_type("forecast", "machines", "a list of Machine records", machines, hint)
    fleet = [require_machine(machine, "forecast", "machines[]") for machine in machines]
    if isinstance(months, bool) or not isinstance(months, int):
        raise wrong_type("forecast", "months", "an int", months)
    if start is not None and not isinstance(start, str):
        raise wrong_type("forecast", "start", 'a "YYYY-MM" string', start)
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}, not {months}")
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    first = parse_month(start) if start is not None else next_month(moment.date())
    ruleset = ruleset or default_ruleset()
    releases = Releases(calendar)
    horizon = month_range(first, months)
    engine = _Forecaster(releases, ruleset, horizon, whatif)
    fleet.sort(key=lambda m: str(getattr(m, "name", "")))
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for machine in fleet:
        groups.setdefault(tuple(getattr(machine, name, None) for name in PROFILE_FACTS), []).append(machine)
    results: dict[int, MachineForecast] = {}
    for members in groups.values():
        first_forecast = engine.machine(members[0], by_name=False)
        if first_forecast.schedule.reads_name:
            for member in members:
                results[id(member)] = engine.machine(member, by_name=True)
            continue
        for member in members:
            results[id(member)] = MachineForecast(member, first_forecast.schedule, first_forecast.whatifs,
                                                  first_forecast.all_fixes)
    forecasts = tuple(results[id(machine)] for machine in fleet)
    return ForecastResult(
        generated=moment.isoformat().replace("+00:00", "Z"),
        start=first,
        months=horizon,
        machines=forecasts,
        fixes=_rank(forecasts),
        calendar_sources=releases.sources,
        rules_sources=ruleset.sources,
        calendar_ends=releases.ends(),
        comparisons=compare_all(list(assessments), forecasts),
    )


__all__ = ["MAX_MONTHS", "forecast"]
