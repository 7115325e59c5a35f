"""``evaluate``: will installing this package restart this machine? One Decision per machine × package."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pkginspect.calendar import Calendar, bundled_calendar
from pkginspect.classify import Classification, classify, classify_batch
from pkginspect.package import UpdatePackage
from pkginspect.rules.engine import Outcome, Reason, Ruleset, load_ruleset
from pkginspect.rules.symbols import derived_values, machine_values, package_values


@dataclass(frozen=True)
class Decision:
    """The verdict for one machine and one package, with the ordered reasons (rules that took part)."""

    machine: str
    package: str
    kb: int | None
    kind: str
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
    """Evaluates many machines against classified packages, reusing outcomes for identical fact sets."""

    def __init__(self, calendar: Calendar | None = None, ruleset: Ruleset | None = None) -> None:
        self.calendar = calendar or bundled_calendar()
        self.ruleset = ruleset or default_ruleset()
        self._cache: dict[tuple[int, tuple[tuple[str, Any], ...]], Outcome] = {}

    def decide(self, package: UpdatePackage, classification: Classification, machine: Any) -> Decision:
        """The decision for one machine × package."""
        machine_facts = machine_values(machine)
        name = machine_facts.pop("name", None) or "machine"
        key = (id(classification), tuple(sorted(machine_facts.items())))
        outcome = self._cache.get(key)
        if outcome is None:
            values = {**machine_facts, "name": name, **package_values(package, classification)}
            derived, explain = derived_values(values, self.calendar)
            values.update(derived)
            outcome = self.ruleset.evaluate(values, explain)
            self._cache[key] = outcome
        kb = package.kb.value if package.kb else None
        return Decision(name, package.path, kb, classification.kind, outcome.verdict, outcome.reasons, outcome.missing)


def evaluate(
    package: UpdatePackage,
    machine: Any,
    calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
    classification: Classification | None = None,
) -> Decision:
    """Decide whether installing ``package`` restarts ``machine`` (a ``Machine``), and why."""
    evaluator = Evaluator(calendar, ruleset)
    return evaluator.decide(package, classification or classify(package, evaluator.calendar), machine)


def evaluate_all(
    packages: Sequence[UpdatePackage],
    machines: Sequence[Any],
    calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
) -> list[Decision]:
    """Every machine × package decision; the packages are classified together first."""
    evaluator = Evaluator(calendar, ruleset)
    classifications = classify_batch(packages, evaluator.calendar)
    return [
        evaluator.decide(package, classification, machine)
        for machine in machines
        for package, classification in zip(packages, classifications, strict=True)
    ]
