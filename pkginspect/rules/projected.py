"""Decisions for an update known only by its calendar facts (kind, KB, build, product), on a machine's simulated state.

A forecast has no package file for next month's update, yet its verdict must be the one ``check`` would give for
that update. So the update becomes the engine's package facts (the same symbols ``package_values`` fills from a
real package), and the same rules run over them through the same ``Context``. Where the machine's simulated
state says more than its build can (its chain state after months the calendar does not hold yet), the caller
gives the derived facts ``on_hotpatch_chain`` / ``hotpatch_chain`` instead of letting the calendar compute them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from pkginspect.calendar import Calendar
from pkginspect.rules.engine import Outcome, Ruleset
from pkginspect.rules.memo import ConditionMemo, add_path, find
from pkginspect.rules.programs import product_name
from pkginspect.rules.symbols import DERIVED_SYMBOLS, KIND_NAMES, PACKAGE_SYMBOLS, Context
from pkginspect.types import Build

GIVEN_SYMBOLS = ("on_hotpatch_chain", "hotpatch_chain")
"""The derived facts a caller may give instead of having them computed from the calendar."""


@dataclass(frozen=True)
class UpdateFacts:
    """The facts of an update as the calendar (or the program's cadence) states them, without a package file.

    ``kind`` is a classification kind (``baseline-planned``, ``baseline-unplanned``, ``hotpatch``, ``lcu`` …);
    ``build`` is ``""`` and ``kb`` 0 when not known yet; ``confidence`` is a classification confidence
    (``high``, ``medium``, ``low``).
    """

    kind: str
    kb: int
    build: str
    build_number: int
    products: tuple[str, ...]
    architecture: str
    month: str
    baseline: str
    calendar_product: str
    confidence: str

    def values(self) -> dict[str, Any]:
        """The package symbols the rules read, filled as ``package_values`` fills them from a real package."""
        ubr = build.ubr if (build := Build.of(self.build)) else 0
        cumulative = self.kind in ("baseline-planned", "baseline-unplanned", "lcu", "checkpoint")
        values = {
            "package_kb": self.kb,
            "package_kind": self.kind,
            "package_confidence": self.confidence,
            "package_products": self.products,
            "package_architecture": self.architecture,
            "package_build": self.build,
            "package_build_number": self.build_number,
            "package_ubr": ubr,
            "package_restart": "required" if cumulative else "none",
            "package_reboot_behavior": "unknown",
            "package_release_type": "unknown",
            "package_month": self.month,
            "package_baseline": self.baseline,
            "package_calendar_product": self.calendar_product,
            "package_build_numbers": (self.build_number,) if self.build_number else (),
            "package_kind_name": KIND_NAMES.get(self.kind, self.kind),
            "package_product_names": " or ".join(product_name(p) for p in self.products),
        }
        assert values.keys() == PACKAGE_SYMBOLS.keys()
        return values


class GivenContext(Context):
    """A ``Context`` where some derived facts are given (None: given as unknown, with ``why`` to name instead)."""

    __slots__ = ("_given", "_why")

    def __init__(self, machine: Mapping[str, Any], package: Mapping[str, Any], calendar: Calendar,
                 chains: dict[tuple[str, str, str], frozenset[str] | None], given: Mapping[str, Any],
                 why: str = "") -> None:
        super().__init__(machine, package, calendar, chains)
        unknown = [name for name in given if name not in GIVEN_SYMBOLS]
        if unknown:
            raise ValueError(f"only {', '.join(GIVEN_SYMBOLS)} can be given, not {unknown[0]!r}")
        self._given = given
        self._why = why
        self._derived.update(given)

    def explain(self, name: str) -> tuple[str, ...]:
        """What to name when a given fact is unknown: ``why``; otherwise as ``Context.explain``."""
        if name in self._given and name in DERIVED_SYMBOLS:
            return (self._why or name,)
        return super().explain(name)


@dataclass(frozen=True)
class Projection:
    """An outcome and the symbols its evaluation read (``name`` among them means it depends on the machine's name)."""

    outcome: Outcome
    symbols: frozenset[str]


class UpdateEvaluator:
    """Runs the rules over calendar updates and machine states, memoising outcomes exactly.

    As ``Evaluator`` does for packages, each update keeps a trie of outcomes (``memo``): a state whose values
    follow a known path gets its outcome without evaluating again.
    """

    def __init__(self, calendar: Calendar, ruleset: Ruleset) -> None:
        self.calendar = calendar
        self.ruleset = ruleset
        self._updates: dict[Hashable, tuple[dict[str, Any], dict[Any, Any], list[Any]]] = {}
        self._conditions = ConditionMemo()
        self.evaluations = 0
        """How many times the rules actually ran (the rest came from the memo)."""

    def verdict(self, update: UpdateFacts, machine: Mapping[str, Any], given: Mapping[str, Any] | None = None,
                why: str = "") -> Projection:
        """The rules' outcome for ``update`` on a machine whose symbol values are ``machine``."""
        given = given or {}
        key = (update, tuple(sorted(given.items())), why)
        if key not in self._updates:
            self._updates[key] = (update.values(), {}, [None])
        values, chains, root = self._updates[key]
        context: Context = GivenContext(machine, values, self.calendar, chains, given, why) if given else Context(
            machine, values, self.calendar, chains)
        found: Projection | None = find(root, context.get)
        if found is not None:
            return found
        trace: list[tuple[str, Any]] = []
        outcome = self.ruleset.evaluate(context, trace, self._conditions.matches)
        self.evaluations += 1
        found = Projection(outcome, frozenset(symbol for symbol, _ in trace))
        add_path(root, trace, found, values)
        return found


__all__ = ["GIVEN_SYMBOLS", "GivenContext", "Projection", "UpdateEvaluator", "UpdateFacts"]
