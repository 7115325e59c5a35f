"""One machine month by month: the expected update, the rules' verdict on it, and the state it leaves.

The state is what the rules read that changes over time: the build (exact while the calendar names every release
the machine took, else a floor: UBRs only grow), whether the machine is on the hotpatch chain, and whether a
restart is pending. Each month the expected update becomes the engine's package facts and the same rules as
``check`` decide; the verdict then says what the machine installs:

- a baseline (planned or unplanned) restarts it and puts it on the new chain;
- a hotpatch it can take installs without a restart and keeps it on the chain;
- a hotpatch it cannot take means the month's regular cumulative update instead: a restart, and off the chain
  until the next baseline (the program's exact-build rule);
- an update already superseded by its build changes nothing.

In months the calendar holds and while the build is exact, the chain comes from the calendar exactly as for a
real package; otherwise the simulated chain state is given to the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from pkginspect.forecasting.model import MonthForecast, Schedule
from pkginspect.forecasting.months import add_months, is_planned_baseline, planned_baseline
from pkginspect.forecasting.releases import CADENCE, CALENDAR, MONTHLY, ExpectedRelease, Releases
from pkginspect.forecasting.whatif import cause
from pkginspect.machines.facts import FACT_NAMES
from pkginspect.rules.engine import Outcome, Reason, Ruleset
from pkginspect.rules.projected import Projection, UpdateEvaluator, UpdateFacts
from pkginspect.rules.symbols import machine_values
from pkginspect.types import Build, Verdict

PROFILE_FACTS = FACT_NAMES[1:]
"""The facts that decide a schedule (all but the name, unless a rule reads the name)."""
_FIXED_FACTS = tuple(name for name in PROFILE_FACTS if name not in ("build", "reboot_pending"))


@dataclass(frozen=True)
class State:
    """What the rules read that changes month by month."""

    build: str | None
    exact: bool
    """Whether ``build`` is the machine's exact build (else a floor)."""
    chain: bool | None
    """On the hotpatch chain (None: cannot tell); used when the calendar cannot compute it."""
    pending: bool | None


def _number(build: object) -> int | None:
    return found.number if (found := Build.of(build)) else None


def _higher(one: str | None, other: str | None) -> str | None:
    """Of two builds of one product, the one with the higher UBR (``one`` when ``other`` is unknown)."""
    theirs, ours = Build.of(other), Build.of(one)
    return other if theirs is not None and (ours is None or theirs.ubr > ours.ubr) else one


class Simulator:
    """Forecasts machines month by month; schedules of equal machine facts are computed once."""

    def __init__(self, releases: Releases, ruleset: Ruleset) -> None:
        self.releases = releases
        self.evaluator = UpdateEvaluator(releases.calendar, ruleset)
        self._schedules: dict[tuple[Any, ...], Schedule] = {}
        self._tails: dict[tuple[Any, ...], tuple[tuple[MonthForecast, ...], bool]] = {}

    def schedule(self, facts: Mapping[str, Any], months: Sequence[str], *, by_name: bool = False) -> Schedule:
        """The schedule of a machine with ``facts`` (fact name → value) over ``months``.

        Memoised by the facts that decide it; ``by_name`` adds the name to them (for rules that read it).
        """
        key = (tuple(facts.get(name) for name in PROFILE_FACTS), tuple(months),
               facts.get("name") if by_name else None)
        found = self._schedules.get(key)
        if found is None:
            found = self._schedules[key] = self._simulate(facts, tuple(months), by_name)
        return found

    def _product(self, facts: Mapping[str, Any]) -> str | None:
        return self.releases.product_for(facts.get("product"), _number(facts.get("build")))

    def _simulate(self, facts: Mapping[str, Any], months: tuple[str, ...], by_name: bool) -> Schedule:
        product = self._product(facts)
        build = facts.get("build")
        state = State(build, build is not None, None, facts.get("reboot_pending"))
        # What the rest of a schedule depends on: the facts that do not change, and the state. Machines that
        # differ only in their starting build meet in the same state after a month or two and share the rest.
        fixed = (tuple(facts.get(name) for name in _FIXED_FACTS), _number(build),
                 facts.get("name") if by_name else None, months)
        results: list[MonthForecast] = []
        visited: list[tuple[Any, ...]] = []
        reads_name = False
        for index, month in enumerate(months):
            tail = self._tails.get((fixed, index, state))
            if tail is not None:
                results += tail[0]
                reads_name = reads_name or tail[1]
                break
            visited.append((fixed, index, state))
            release = self._release(facts, product, month)
            if release is None:
                results.append(_unknown_product(month, "product" if facts.get("product") is None else "build"))
                continue
            if index == 0 and product is not None and release.source != CALENDAR and state.exact:
                state = replace(state, chain=self._initial_chain(product, month, state.build))
            found = self._decide(facts, release, state)
            reads_name = reads_name or "name" in found.symbols
            outcome = effective = found.outcome
            if outcome.reasons and outcome.reasons[0].rule == "reboot-pending" and not release.is_baseline:
                # The pending restart comes first; what the machine then installs is decided without it.
                again = self._decide(facts, release, replace(state, pending=False))
                reads_name = reads_name or "name" in again.symbols
                effective = again.outcome
            state, installs = self._next(product, release, state, effective)
            if outcome is not effective:
                state = replace(state, pending=False)
            results.append(_month(release, outcome, installs, state))
        for key in visited:
            self._tails[key] = (tuple(results[key[1]:]), reads_name)
        floor = sum(1 for month in results if month.kind in ("baseline-planned", "baseline-unplanned")
                    or (month.source == MONTHLY and is_planned_baseline(month.month)))
        return Schedule(tuple(results), floor, reads_name)

    def _release(self, facts: Mapping[str, Any], product: str | None, month: str) -> ExpectedRelease | None:
        if product is not None:
            return self.releases.expected(product, month)
        family = facts.get("product")
        build = facts.get("build")
        if family is None or (build is None and self.releases.needs_build(family)):
            return None
        return self.releases.monthly(family, _number(build), month)

    def _initial_chain(self, product: str, month: str, build: str | None) -> bool | None:
        """Whether a machine at ``build`` is on the chain in ``month``, a month past the calendar's data."""
        last = self.releases.last_month(product)
        if last is None or build is None:
            return None
        known = self.releases.chain_state(product, last, build)
        crossed = planned_baseline(add_months(month, -1)) > last  # a planned baseline strictly between them
        if crossed and known is not None:
            return False  # a baseline came after the calendar's data and this build predates it
        return known

    def _decide(self, facts: Mapping[str, Any], release: ExpectedRelease, state: State) -> Projection:
        values = machine_values(SimpleNamespace(**{**facts, "build": state.build, "reboot_pending": state.pending}))
        update = UpdateFacts(
            kind=release.kind, kb=release.kb or 0, build=release.build or "", build_number=release.build_number,
            products=(release.family,), architecture=facts.get("architecture") or "", month=release.month,
            baseline=release.baseline or f"{release.baseline_month} ({CADENCE})",
            calendar_product=release.product if release.source != MONTHLY else "",
            confidence=release.engine_confidence,
        )
        if release.source == MONTHLY or (release.source == CALENDAR and state.exact):
            return self.evaluator.verdict(update, values)
        why = (f"the machine's hotpatch chain state in {release.month} (its build is not known exactly: "
               f"{'the calendar has no data for the month' if release.source != CALENDAR else 'an earlier month'})")
        chain_text = (f"builds of the {release.baseline_month} baseline and its hotpatches",)
        given = {"on_hotpatch_chain": state.chain, "hotpatch_chain": chain_text}
        return self.evaluator.verdict(update, values, given, why)

    def _next(self, product: str | None, release: ExpectedRelease, state: State,
              outcome: Outcome) -> tuple[State, tuple[int | None, str | None]]:
        """The state after the month, and the (KB, build) installed."""
        verdict = outcome.verdict
        restarted = verdict == Verdict.REBOOT_REQUIRED
        pending = False if restarted else state.pending
        known = release.source == CALENDAR
        floor = self.releases.newest_build(product) if product and not known else None
        if verdict == Verdict.NOT_APPLICABLE:
            chain = state.chain
            if known and state.exact and product and state.build:
                chain = self.releases.chain_state(product, release.month, state.build)
            return replace(state, chain=chain), (None, None)
        if release.source == MONTHLY:
            return replace(state, pending=pending), (None, None)
        if release.is_baseline:
            return self._installed(release.build, known, state, floor, True, pending), (release.kb, release.build)
        if verdict == Verdict.UNKNOWN:
            return State(_higher(state.build, release.build or floor), False, None, state.pending), (None, None)
        if restarted:  # the hotpatch could not be taken: the month's regular cumulative update instead
            exact = known and release.lcu_build is not None
            new = release.lcu_build if exact else _higher(release.build, floor)
            return self._installed(new, exact, state, floor, False, pending), (release.lcu_kb, release.lcu_build)
        return self._installed(release.build, known, state, floor, True, pending), (release.kb, release.build)

    @staticmethod
    def _installed(build: str | None, exact: bool, state: State, floor: str | None, chain: bool,
                   pending: bool | None) -> State:
        if exact and build is not None:
            return State(build, True, chain, pending)
        return State(_higher(_higher(state.build, build), floor), False, chain, pending)


def _month(release: ExpectedRelease, outcome: Outcome, installs: tuple[int | None, str | None],
           state: State) -> MonthForecast:
    verdict = Verdict(outcome.verdict)
    restart = verdict == Verdict.REBOOT_REQUIRED
    baseline_month = release.is_baseline or (release.source == MONTHLY and is_planned_baseline(release.month))
    avoidable = restart and not baseline_month
    rules = tuple(reason.rule for reason in outcome.reasons)
    return MonthForecast(
        month=release.month, product=release.product, kind=release.kind, kb=release.kb, build=release.build,
        installs_kb=installs[0], installs_build=installs[1], source=release.source, confidence=release.confidence,
        verdict=verdict, restart=restart, avoidable=avoidable, cause=_cause(release, outcome, restart),
        rules=rules, reasons=outcome.reasons, missing=outcome.missing, on_chain=state.chain,
        out_of_band=release.out_of_band,
    )


def _cause(release: ExpectedRelease, outcome: Outcome, restart: bool) -> str:
    if outcome.verdict == Verdict.UNKNOWN:
        return "unknown: " + ", ".join(outcome.missing or ("no rule decided",))
    if outcome.verdict == Verdict.NOT_APPLICABLE:
        return "nothing to install: " + (outcome.reasons[0].message if outcome.reasons else "not applicable")
    if not restart:
        return "hotpatch: no restart" if outcome.verdict == Verdict.NO_REBOOT else outcome.verdict
    if release.source == MONTHLY:
        return f"{release.family} is in no hotpatch calendar: monthly cumulative update"
    if release.is_baseline:
        first = outcome.reasons[0].rule if outcome.reasons else ""
        extra = " (a restart was pending)" if first == "reboot-pending" else ""
        return ("unplanned baseline" if release.kind == "baseline-unplanned" else "planned baseline") + extra
    causes = [cause(reason.rule) for reason in outcome.reasons]
    return " + ".join(dict.fromkeys(causes)) or "restart"


def _unknown_product(month: str, fact: str) -> MonthForecast:
    """A month whose update cannot be told: the product is unknown, or its version (told by the build) is."""
    what = "product" if fact == "product" else "product version (its build)"
    reason = Reason(f"forecast.{fact}", Verdict.UNKNOWN, f"The machine's {what} is unknown, so its updates are too.",
                    ((fact, None),))
    return MonthForecast(month, None, "unknown", None, None, None, None, "none", "low", Verdict.UNKNOWN, False, False,
                         f"unknown: {fact}", (reason.rule,), (reason,), (fact,))


__all__ = ["PROFILE_FACTS", "Simulator", "State"]
