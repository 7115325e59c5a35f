"""The forecast's records: one machine's months, its what-if fixes, and the fleet's summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pkginspect.forecasting.releases import OutOfBandRelease
from pkginspect.forecasting.whatif import Fix
from pkginspect.rules.engine import Reason
from pkginspect.types import Verdict


@dataclass(frozen=True)
class MonthForecast:
    """One machine's expected update in one month and the rules' verdict for it.

    ``kb``/``build`` are the release evaluated (the hotpatch or baseline; None when not known yet);
    ``installs_kb``/``installs_build`` what the machine ends up installing (the regular cumulative update when
    it cannot take the hotpatch). ``source`` is ``calendar``, ``planned cadence`` or ``monthly cumulative
    update``. ``avoidable`` marks a restart that an eligible machine on the hotpatch chain would not have;
    ``cause`` says why it restarts (or why the verdict is unknown).
    """

    month: str
    product: str | None
    kind: str
    kb: int | None
    build: str | None
    installs_kb: int | None
    installs_build: str | None
    source: str
    confidence: str
    verdict: Verdict
    restart: bool
    avoidable: bool
    cause: str
    rules: tuple[str, ...]
    reasons: tuple[Reason, ...] = field(repr=False)
    missing: tuple[str, ...] = ()
    on_chain: bool | None = None
    """Whether the machine is on the hotpatch chain after this month (None: cannot tell)."""
    out_of_band: tuple[OutOfBandRelease, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "month": self.month, "product": self.product, "kind": self.kind, "kb": self.kb, "build": self.build,
            "installs_kb": self.installs_kb, "installs_build": self.installs_build, "source": self.source,
            "confidence": self.confidence, "verdict": self.verdict, "restart": self.restart,
            "avoidable": self.avoidable, "cause": self.cause, "rules": list(self.rules),
            "reasons": [reason.to_dict() for reason in self.reasons], "missing": list(self.missing),
            "on_chain_after": self.on_chain, "out_of_band": [oob.to_dict() for oob in self.out_of_band],
        }


@dataclass(frozen=True)
class Schedule:
    """A machine's months, with the counts every report shows."""

    months: tuple[MonthForecast, ...]
    floor: int
    """Restarts a machine at the program's floor would have over these months (its baselines)."""
    reads_name: bool = False
    """Whether a rule read the machine's name (then machines with equal facts may differ)."""

    @property
    def restarts(self) -> int:
        """Months with a required restart."""
        return sum(1 for month in self.months if month.restart)

    @property
    def avoidable(self) -> int:
        """Restarts an eligible machine on the chain would not have."""
        return sum(1 for month in self.months if month.avoidable)

    @property
    def unknown(self) -> int:
        """Months whose verdict is unknown."""
        return sum(1 for month in self.months if month.verdict == Verdict.UNKNOWN)

    @property
    def possible(self) -> int:
        """Months whose update may restart the machine."""
        return sum(1 for month in self.months if month.verdict == Verdict.REBOOT_POSSIBLE)

    @property
    def at_floor(self) -> bool:
        """No avoidable restart, no unknown month, and a hotpatch calendar product: the program's promise."""
        return self.avoidable == 0 and self.unknown == 0 and all(
            month.source != "monthly cumulative update" and month.product for month in self.months)

    @property
    def restart_months(self) -> tuple[str, ...]:
        """The months with a required restart."""
        return tuple(month.month for month in self.months if month.restart)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {"restarts": self.restarts, "avoidable": self.avoidable, "unknown": self.unknown,
                "possible": self.possible, "floor": self.floor, "at_floor": self.at_floor,
                "months": [month.to_dict() for month in self.months]}

    @property
    def signature(self) -> tuple[Verdict, ...]:
        """The verdict of every month: machines with the same signature share a schedule."""
        return tuple(month.verdict for month in self.months)


@dataclass(frozen=True)
class WhatIf:
    """A fix and what it saves on one machine over the forecast."""

    fix: Fix
    rules: tuple[str, ...]
    """The failing prerequisites (rule ids) the fix removes."""
    restarts: int
    """Restarts over the forecast with the fix made."""
    saved: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {**self.fix.to_dict(), "rules": list(self.rules), "restarts": self.restarts, "saved": self.saved}


@dataclass(frozen=True)
class MachineForecast:
    """One machine's forecast: its facts, its schedule, and the fixes of its failing prerequisites."""

    machine: Any
    schedule: Schedule
    whatifs: tuple[WhatIf, ...] = ()
    all_fixes: WhatIf | None = None
    """Every fix at once (only when there are several)."""

    @property
    def best_saving(self) -> int:
        """Restarts saved with every fix made (0 without fixes)."""
        if self.all_fixes is not None:
            return self.all_fixes.saved
        return max((item.saved for item in self.whatifs), default=0)

    @property
    def name(self) -> str:
        """The machine's name."""
        return str(getattr(self.machine, "name", "") or "machine")

    def causes(self) -> dict[str, int]:
        """Avoidable restarts per cause, most first."""
        counts = Counter(month.cause for month in self.schedule.months if month.avoidable)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def to_dict(self, schedule: int | None = None) -> dict[str, Any]:
        """Plain JSON-able data; with ``schedule``, the months are left out and referred to by that index."""
        data: dict[str, Any] = {
            "name": self.name,
            "product": next((m.product for m in self.schedule.months if m.product), None),
            "restarts": self.schedule.restarts, "avoidable": self.schedule.avoidable,
            "unknown": self.schedule.unknown, "at_floor": self.schedule.at_floor,
            "restart_months": list(self.schedule.restart_months), "causes": self.causes(),
            "whatif": [item.to_dict() for item in self.whatifs],
            "all_fixes": self.all_fixes.to_dict() if self.all_fixes else None,
        }
        if schedule is None:
            data["schedule"] = self.schedule.to_dict()
        else:
            data["schedule"] = schedule
        return data


@dataclass(frozen=True)
class FleetFix:
    """One fix across the fleet: the machines it applies to and the restarts it saves in total."""

    fix: Fix
    machines: tuple[str, ...]
    saved: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {**self.fix.to_dict(), "machines": list(self.machines), "machine_count": len(self.machines),
                "saved": self.saved}


@dataclass(frozen=True)
class ScheduleGroup:
    """Machines whose months have the same verdicts."""

    signature: tuple[Verdict, ...]
    restarts: int
    machines: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {"verdicts": list(self.signature), "restarts": self.restarts, "machines": list(self.machines),
                "machine_count": len(self.machines)}


@dataclass(frozen=True)
class ForecastResult:
    """A fleet's forecast: every machine's months, the ranked fixes, and what the calendar and rules were."""

    generated: str
    """ISO 8601 UTC time of the run (tests fix it)."""
    start: str
    months: tuple[str, ...]
    machines: tuple[MachineForecast, ...]
    fixes: tuple[FleetFix, ...]
    """Every fix, ranked by the restarts it saves across the fleet."""
    calendar_sources: tuple[str, ...] = ()
    rules_sources: tuple[str, ...] = ()
    calendar_ends: tuple[tuple[str, str], ...] = ()
    """(calendar product, newest month it holds): later months follow the planned cadence."""
    comparisons: tuple[Any, ...] = ()
    """Azure assessments compared with the first month (``assessment.Comparison``), when given."""

    def _machines_and_schedules(self) -> dict[str, list[dict[str, Any]]]:
        """Machines that refer by index to a table of distinct schedules (machines with equal facts share one)."""
        index: dict[int, int] = {}
        schedules: list[dict[str, Any]] = []
        machines: list[dict[str, Any]] = []
        for machine in self.machines:
            number = index.get(id(machine.schedule))
            if number is None:
                number = index[id(machine.schedule)] = len(schedules)
                schedules.append(machine.schedule.to_dict())
            machines.append(machine.to_dict(number))
        return {"schedules": schedules, "machines": machines}

    def restarts_per_month(self) -> dict[str, int]:
        """Machines that restart in each month."""
        counts = dict.fromkeys(self.months, 0)
        for machine in self.machines:
            for month in machine.schedule.months:
                if month.restart:
                    counts[month.month] += 1
        return counts

    def avoidable_per_month(self) -> dict[str, int]:
        """Avoidable restarts in each month."""
        counts = dict.fromkeys(self.months, 0)
        for machine in self.machines:
            for month in machine.schedule.months:
                if month.avoidable:
                    counts[month.month] += 1
        return counts

    def groups(self) -> tuple[ScheduleGroup, ...]:
        """Machines grouped by identical schedules, largest group first."""
        found: dict[tuple[Verdict, ...], list[MachineForecast]] = {}
        for machine in self.machines:
            found.setdefault(machine.schedule.signature, []).append(machine)
        groups = [ScheduleGroup(signature, members[0].schedule.restarts, tuple(m.name for m in members))
                  for signature, members in found.items()]
        return tuple(sorted(groups, key=lambda g: (-len(g.machines), -g.restarts, g.signature)))

    def totals(self) -> dict[str, Any]:
        """Fleet totals: machines, restarts, avoidable restarts, unknown months, machines at the floor."""
        machines = len(self.machines)
        at_floor = sum(1 for m in self.machines if m.schedule.at_floor)
        return {
            "machines": machines,
            "months": len(self.months),
            "restarts": sum(m.schedule.restarts for m in self.machines),
            "avoidable": sum(m.schedule.avoidable for m in self.machines),
            "unknown": sum(m.schedule.unknown for m in self.machines),
            "at_floor": at_floor,
            "at_floor_share": round(at_floor / machines, 4) if machines else 0.0,
            "saved_by_all_fixes": sum(m.best_saving for m in self.machines),
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "generated": self.generated,
            "start": self.start,
            "months": list(self.months),
            "calendar": {"sources": list(self.calendar_sources),
                         "ends": {product: month for product, month in self.calendar_ends}},
            "rules": list(self.rules_sources),
            "totals": self.totals(),
            "restarts_per_month": self.restarts_per_month(),
            "avoidable_per_month": self.avoidable_per_month(),
            "fixes": [fix.to_dict() for fix in self.fixes],
            "groups": [group.to_dict() for group in self.groups()],
            **self._machines_and_schedules(),
            "assessment": [comparison.to_dict() for comparison in self.comparisons],
        }
