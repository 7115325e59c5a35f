"""``evaluate``: will installing this package restart this machine? One Decision per machine × package."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pkginspect.calendar import Calendar, bundled_calendar
from pkginspect.classification import Classification, classify, classify_batch
from pkginspect.machines.facts import require_machine
from pkginspect.package import UpdatePackage, require_update_package
from pkginspect.rules.engine import Outcome, Reason, Ruleset, load_ruleset
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


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """The values with ``Kind`` and ``Verdict`` members as plain strings: rule-engine's ``==`` compares types."""
    return {name: value.value if isinstance(value, Enum) else value for name, value in values.items()}


def default_ruleset() -> Ruleset:
    """The bundled rules, loaded once."""
    global _default_ruleset
    if _default_ruleset is None:
        _default_ruleset = load_ruleset()
    return _default_ruleset


class Evaluator:
    """Evaluates many machines against classified packages, memoising outcomes exactly.

    Rule evaluation is a function of the (symbol, value) pairs it reads, in order. Each package keeps a trie
    of those sequences: a node is the next symbol read, an edge one of its values, a leaf the outcome. A
    machine whose values follow a known path gets that outcome after reading only the symbols on it.
    """

    def __init__(self, calendar: Calendar | None = None, ruleset: Ruleset | None = None) -> None:
        self.calendar = calendar or bundled_calendar()
        self.ruleset = ruleset or default_ruleset()
        self._packages: dict[int, tuple[dict[str, Any], dict[Any, Any], dict[Any, Any]]] = {}
        self._machines: dict[int, tuple[Any, dict[str, Any]]] = {}

    def _package(self, package: UpdatePackage, classification: Classification) -> tuple[
        dict[str, Any], dict[Any, Any], dict[Any, Any]
    ]:
        key = id(classification)
        if key not in self._packages:
            self._packages[key] = (_plain(package_values(package, classification)), {}, {})
        return self._packages[key]

    def _machine(self, machine: Any) -> dict[str, Any]:
        # Keyed by identity; the machine is kept referenced so its id cannot be reused while cached.
        cached = self._machines.get(id(machine))
        if cached is None or cached[0] is not machine:
            cached = self._machines[id(machine)] = (machine, machine_values(machine))
        return cached[1]

    def outcome(self, package: UpdatePackage, classification: Classification, machine: Any) -> Outcome:
        """The rules' outcome for one machine × package."""
        values, chains, trie = self._package(package, classification)
        context = Context(self._machine(machine), values, self.calendar, chains)
        node: dict[Any, Any] = trie
        while "outcome" not in node:
            symbol = node.get("symbol")
            if symbol is None:
                break
            following = node["edges"].get(context.get(symbol), _MISS)
            if following is _MISS:
                break
            node = following
        else:
            return node["outcome"]
        trace: list[tuple[str, Any]] = []
        outcome = self.ruleset.evaluate(context, trace)
        _insert(trie, trace, outcome)
        return outcome

    def decide(self, package: UpdatePackage, classification: Classification, machine: Any) -> Decision:
        """The decision for one machine × package."""
        outcome = self.outcome(package, classification, machine)
        kb = package.kb.value if package.kb else None
        name = getattr(machine, "name", None) or "machine"
        return Decision(name, package.path, kb, classification.kind, Verdict(outcome.verdict), outcome.reasons,
                        outcome.missing)


_MISS = object()


def _insert(trie: dict[Any, Any], trace: list[tuple[str, Any]], outcome: Outcome) -> None:
    node = trie
    for symbol, value in trace:
        if "outcome" in node:
            return
        if node.setdefault("symbol", symbol) != symbol:
            return  # cannot happen for deterministic rules; never cache an inconsistent path
        node = node.setdefault("edges", {}).setdefault(value, {})
    if "symbol" not in node:
        node["outcome"] = outcome


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


def evaluate_all(
    packages: Sequence[UpdatePackage],
    machines: Sequence[Any],
    calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
) -> list[Decision]:
    """Every machine × package decision; the packages are classified together first."""
    for package in packages:
        require_update_package(package, "evaluate_all", "packages[]")
    for machine in machines:
        require_machine(machine, "evaluate_all", "machines[]")
    evaluator = Evaluator(calendar, ruleset)
    classifications = classify_batch(packages, evaluator.calendar)
    return [
        evaluator.decide(package, classification, machine)
        for machine in machines
        for package, classification in zip(packages, classifications, strict=True)
    ]
