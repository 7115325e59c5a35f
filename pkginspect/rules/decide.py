"""``evaluate``: will installing this package restart this machine? One Decision per machine × package."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

from pkginspect.calendar import Calendar, bundled_calendar
from pkginspect.classification import Classification, classify
from pkginspect.machines.facts import require_machine
from pkginspect.package import UpdatePackage, require_update_package
from pkginspect.rules.engine import Outcome, Reason, Ruleset, load_ruleset
from pkginspect.rules.memo import ConditionMemo, add_path, find
from pkginspect.rules.symbols import Context, machine_values, package_values
from pkginspect.types import Verdict


@dataclass(frozen=True)
class Decision:
    """The verdict for one machine and one package, with the ordered reasons (rules that took part)."""

    machine: str
    package: str
    kb: int | None
    kind: str
    """A ``Kind``; with ``verdict`` (a ``Verdict``) annotated ``str`` until batch's matrix builds members too."""
    verdict: str
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...] = ()
    """Facts whose absence made the verdict ``unknown``."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "machine": self.machine,
            "package": self.package,
            "kb": self.kb,
            "kind": self.kind,
            "verdict": self.verdict,
            "reasons": [r.to_dict() for r in self.reasons],
            "missing": list(self.missing),
        }


_default_ruleset: Ruleset | None = None


def default_ruleset() -> Ruleset:
    """The bundled rules, loaded once."""
    global _default_ruleset
    if _default_ruleset is None:
        _default_ruleset = load_ruleset()
    return _default_ruleset


class Evaluator:
    """Evaluates many machines against classified packages, memoising outcomes exactly.

    Each package keeps a trie of outcomes (``memo``): a machine whose values follow a known path gets that
    outcome after reading only the symbols on it. Outcomes share equal reasons (one object each), and each
    rule's condition is memoised the same way (:class:`ConditionMemo`), so a new path runs no rule-engine
    expression twice for the same values.
    """

    def __init__(self, calendar: Calendar | None = None, ruleset: Ruleset | None = None) -> None:
        self.calendar = calendar or bundled_calendar()
        self.ruleset = ruleset or default_ruleset()
        self._packages: dict[int, tuple[dict[str, Any], dict[Any, Any], list[Any]]] = {}
        self._last_machine: tuple[Any, dict[str, Any]] = (None, {})
        self._missing: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._reasons: dict[Reason, Reason] = {}
        self._conditions = ConditionMemo()

    def _package(self, package: UpdatePackage, classification: Classification) -> tuple[
        dict[str, Any], dict[Any, Any], list[Any]
    ]:
        key = id(classification)
        if key not in self._packages:
            self._packages[key] = (package_values(package, classification), {}, [None])
        return self._packages[key]

    def _machine(self, machine: Any) -> dict[str, Any]:
        # Only the last machine's values are kept: callers go machine by machine, and a fleet's worth of
        # value dicts would be most of an audit's memory.
        if self._last_machine[0] is not machine:
            values = machine_values(machine)
            # Facts derived from the machine alone are computed once for all packages, not once per context.
            derive = Context(values, {}, self.calendar, {})
            values.update({name: derive.get(name) for name in MACHINE_DERIVED})
            self._last_machine = (machine, values)
        return self._last_machine[1]

    def outcome(self, package: UpdatePackage, classification: Classification, machine: Any) -> Outcome:
        """The rules' outcome for one machine × package."""
        values, chains, root = self._package(package, classification)
        machine_facts = self._machine(machine)
        context = Context(machine_facts, values, self.calendar, chains)
        node = find(root, context.get)
        if node is not None:
            return cast(Outcome, node)
        trace: list[tuple[str, Any]] = []
        outcome = self._intern(self.ruleset.evaluate(context, trace, self._conditions.matches))
        add_path(root, trace, outcome, values)
        return outcome

    def _intern(self, outcome: Outcome) -> Outcome:
        # Equal reasons become one object. The outcome itself stays one per memo path: reports number outcomes
        # by identity, and merging equal ones would renumber them.
        try:
            reasons = tuple(self._reasons.setdefault(reason, reason) for reason in outcome.reasons)
        except TypeError:  # a fact value that cannot be hashed: keep the outcome as it is
            return outcome
        return Outcome(outcome.verdict, reasons, self._missing.setdefault(outcome.missing, outcome.missing))

    def decide(self, package: UpdatePackage, classification: Classification, machine: Any) -> Decision:
        """The decision for one machine × package."""
        outcome = self.outcome(package, classification, machine)
        kb = package.kb.value if package.kb else None
        name = getattr(machine, "name", None) or "machine"
        return Decision(name, package.path, kb, classification.kind, Verdict(outcome.verdict), outcome.reasons,
                        outcome.missing)


MACHINE_DERIVED = ("hotpatch_program", "hotpatch_ineligibility", "product_name")
"""Derived symbols computed from machine facts only (``symbols.DERIVED_NEEDS``)."""


def evaluate(
    package: UpdatePackage,
    machine: Any,
    calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
    classification: Classification | None = None,
) -> Decision:
    """Decide whether installing ``package`` restarts ``machine`` (a ``Machine``), and why.

    ``package`` is an ``UpdatePackage`` (``pkginspect.inspect(path)``); another type raises ArgumentTypeError.
    """
    require_update_package(package, "evaluate")
    require_machine(machine, "evaluate")
    evaluator = Evaluator(calendar, ruleset)
    return evaluator.decide(package, classification or classify(package, evaluator.calendar), machine)


_NAME = re.compile(r"\bname\b")


def reads_name(ruleset: Ruleset) -> bool:
    """Whether a rule's condition or message may read the machine's name (else equal facts, equal outcomes)."""
    return any(_NAME.search(rule.when) or _NAME.search(rule.message) for rule in ruleset.rules)


def machine_profile(machine: Any) -> Any:
    """The machine's facts but its name, hashable; None when a value cannot be hashed (no sharing then)."""
    values = machine_values(machine)
    values.pop("name", None)
    key = tuple(sorted(values.items()))
    try:
        hash(key)
    except TypeError:
        return None
    return (type(machine), key)
