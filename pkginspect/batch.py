"""``audit`` and ``check``: inspect every package under some paths, classify them together, decide for every machine.

Packages are inspected in parallel (``jobs`` worker processes); a package that cannot be read becomes an
entry in ``errors`` and the run goes on. The result is plain data, sorted, with one stated generation time
(``generated``), so every report rendered from it is deterministic.

The decisions are not held one by one: a :class:`DecisionMatrix` keeps, per machine, the index of its row
of outcomes (one per package), and each distinct row once. Machines with the same facts share a row, and the
rules' outcomes are shared objects, so memory grows with the distinct machine profiles, not with
machines × packages; ``Decision`` records are made as a report iterates over them.
"""

from __future__ import annotations

import datetime as dt
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pkginspect.calendar import Calendar, bundled_calendar
from pkginspect.classification import Classification, classify_batch, stale_warnings
from pkginspect.containers import Limits
from pkginspect.errors import wrong_type
from pkginspect.machines.facts import require_machine
from pkginspect.package import UpdatePackage, require_update_package
from pkginspect.package.many import PackageFailure, Progress, inspect_paths, metadata_problems
from pkginspect.rules.decide import Decision, Evaluator, machine_profile, reads_name
from pkginspect.rules.engine import Outcome, Ruleset
from pkginspect.types import VERDICT_ORDER


class DecisionMatrix(Sequence[Decision]):
    """Every machine × package decision, machine by machine, each machine's packages in order.

    Built from the distinct outcome rows: ``rows[machine_rows[m]][p]`` is the outcome for machine ``m`` and
    package ``p``. Indexing, slicing and iteration make ``Decision`` records on the fly.
    """

    def __init__(self, machines: Sequence[str], packages: Sequence[tuple[str, int | None, str]],
                 rows: Sequence[tuple[Outcome, ...]], machine_rows: Sequence[int]) -> None:
        self.machines = tuple(machines)
        """Machine names, in audit order."""
        self.packages = tuple(packages)
        """``(path, kb, kind)`` of each package, in audit order."""
        self.rows = tuple(rows)
        """The distinct outcome rows."""
        self.machine_rows = array("I", machine_rows)
        """Each machine's row index."""

    def __len__(self) -> int:
        return len(self.machines) * len(self.packages)

    def at(self, machine: int, package: int) -> Decision:
        """The decision for machine number ``machine`` and package number ``package``."""
        path, kb, kind = self.packages[package]
        outcome = self.rows[self.machine_rows[machine]][package]
        return Decision(self.machines[machine], path, kb, kind, outcome.verdict, outcome.reasons, outcome.missing)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("decision index out of range")
        return self.at(*divmod(index, len(self.packages)))

    def __iter__(self) -> Iterator[Decision]:
        for machine in range(len(self.machines)):
            for package in range(len(self.packages)):
                yield self.at(machine, package)

    def verdict_counts(self, by_package: bool = False) -> Counter[Any]:
        """Decisions per verdict (per ``(package path, verdict)`` with ``by_package``), counted per distinct row."""
        uses = Counter(self.machine_rows)
        counts: Counter[Any] = Counter()
        for number, row in enumerate(self.rows):
            for (path, _, _), outcome in zip(self.packages, row, strict=True):
                counts[(path, outcome.verdict) if by_package else outcome.verdict] += uses[number]
        return counts

    def groups(self) -> list[tuple[int, list[int]]]:
        """``(row, machine indexes)`` for each distinct row, in the order of its first machine."""
        grouped: dict[int, list[int]] = {}
        for machine, row in enumerate(self.machine_rows):
            grouped.setdefault(row, []).append(machine)
        return list(grouped.items())


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit found: packages, their kinds, machines, every decision, and failures."""

    generated: str
    """ISO 8601 UTC time the audit ran (tests fix it)."""
    packages: tuple[UpdatePackage, ...]
    classifications: tuple[Classification, ...]
    machines: tuple[Any, ...]
    decisions: Sequence[Decision]
    """Machine by machine, each machine's packages in order (``audit`` gives a :class:`DecisionMatrix`)."""
    errors: tuple[PackageFailure, ...]
    calendar: Calendar = field(repr=False)
    sources: tuple[str, ...] = ()
    """The paths given to the audit."""

    def totals(self) -> dict[str, int]:
        """Decisions per verdict, every verdict present (zero when none)."""
        decisions = self.decisions
        counts = decisions.verdict_counts() if isinstance(decisions, DecisionMatrix) else Counter(
            d.verdict for d in decisions)
        return {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER}

    def restarts_by_machine(self) -> dict[str, dict[str, int]]:
        """For each machine, the number of required restarts per release month of the packages covered."""
        months = {c.package: c.month or "unknown" for c in self.classifications}
        table: dict[str, dict[str, int]] = {}
        for decision in self.decisions:
            row = table.setdefault(decision.machine, {})
            month = months.get(decision.package, "unknown")
            row.setdefault(month, 0)
            if decision.verdict == "reboot-required":
                row[month] += 1
        return table

    def head_dict(self, machines: bool = True) -> dict[str, Any]:
        """The parts of :meth:`to_dict` before the decisions (no decision in them).

        ``machines=False`` leaves out the last of them, the machines: a large fleet's are written piece by piece
        (:meth:`machine_dicts`).
        """
        by_path = {c.package: c for c in self.classifications}
        return {
            "generated": self.generated,
            "sources": list(self.sources),
            "totals": self.totals(),
            "packages": [
                {**p.to_dict(members=False), "classified": by_path[p.path].to_dict()} for p in self.packages
            ],
            **({"machines": list(self.machine_dicts())} if machines else {}),
        }

    def machine_dicts(self) -> Iterator[dict[str, Any]]:
        """Each machine's facts as plain data, in audit order."""
        return map(machine_dict, self.machines)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (validates against ``schemas/audit.schema.json``)."""
        outcomes = OutcomeTable()
        decisions = [outcomes.decision_dict(d) for d in self.decisions]
        return {
            **self.head_dict(),
            "decisions": decisions,
            "outcomes": outcomes.outcomes,
            "errors": self.error_dicts(),
        }

    def error_dicts(self) -> list[dict[str, str]]:
        """The failures as ``{"path", "error"}``."""
        return [e.to_dict() for e in self.errors]


class OutcomeTable:
    """Numbers distinct outcomes (verdict, reasons, missing facts) in first-seen order, for decisions to refer to.

    A fleet has far fewer distinct outcomes than decisions (the evaluator shares equal ones), so the reasons
    are written once each instead of once per machine and package.
    """

    def __init__(self, encode: Callable[[dict[str, Any]], str] | None = None, *, deferred: bool = False) -> None:
        self.index: dict[tuple[int, str, tuple[str, ...]], int] = {}
        self.outcomes: list[Any] = []
        """Each outcome as a dict, as the text ``encode`` made of it, or (``deferred``) as its
        ``(verdict, reasons, missing)`` until :meth:`texts` encodes it: the objects are the evaluator's,
        so keeping them costs nothing, where their text is the largest part of a big report's memory."""
        self._encode = encode
        self._deferred = deferred and encode is not None
        self._keep: list[Any] = []  # the reasons tuples whose ids are keys

    def number(self, verdict: str, reasons: tuple[Any, ...], missing: tuple[str, ...]) -> int:
        """The number of the outcome (verdict, reasons, missing), numbering it when new."""
        key = (id(reasons), verdict, missing)
        number = self.index.get(key)
        if number is None:
            number = self.index[key] = len(self.outcomes)
            if self._deferred:
                self.outcomes.append((verdict, reasons, missing))
                return number
            self._keep.append(reasons)
            outcome = _outcome_dict(verdict, reasons, missing)
            self.outcomes.append(self._encode(outcome) if self._encode else outcome)
        return number

    def texts(self) -> Iterator[str]:
        """Each outcome's text (``encode``), in number order."""
        assert self._encode is not None
        for outcome in self.outcomes:
            yield self._encode(_outcome_dict(*outcome)) if self._deferred else outcome

    def decision_dict(self, decision: Decision) -> dict[str, Any]:
        """The decision as JSON-able data naming its outcome's number."""
        number = self.number(decision.verdict, decision.reasons, decision.missing)
        return {"machine": decision.machine, "package": decision.package, "kb": decision.kb,
                "kind": decision.kind, "verdict": decision.verdict, "outcome": number}


def _outcome_dict(verdict: str, reasons: tuple[Any, ...], missing: tuple[str, ...]) -> dict[str, Any]:
    return {"verdict": verdict, "reasons": [r.to_dict() for r in reasons], "missing": list(missing)}


def machine_dict(machine: Any) -> dict[str, Any]:
    """A machine record's facts as plain data (``to_dict()``, else its attributes)."""
    return dict(machine.to_dict()) if hasattr(machine, "to_dict") else dict(getattr(machine, "__dict__", {}))


def decision_matrix(
    evaluator: Evaluator, packages: Sequence[UpdatePackage], classifications: Sequence[Classification],
    machines: Sequence[Any],
) -> DecisionMatrix:
    """Decide every machine × package, keeping one row of outcomes per distinct machine profile.

    When no rule reads or shows the machine's name, machines with the same facts get the same outcomes, so
    each distinct set of facts is evaluated once.
    """
    pairs = list(zip(packages, classifications, strict=True))
    rows: list[tuple[Outcome, ...]] = []
    known: dict[tuple[int, ...], int] = {}
    profiles: dict[Any, int] = {}
    by_facts = not reads_name(evaluator.ruleset)
    machine_rows: list[int] = []
    for machine in machines:
        profile = machine_profile(machine) if by_facts else None
        number = profiles.get(profile) if profile is not None else None
        if number is None:
            row = tuple(evaluator.outcome(package, classification, machine) for package, classification in pairs)
            key = tuple(map(id, row))  # outcomes are shared objects, kept alive by ``rows``
            number = known.get(key)
            if number is None:
                number = known[key] = len(rows)
                rows.append(row)
            if profile is not None:
                profiles[profile] = number
        machine_rows.append(number)
    names = [getattr(m, "name", None) or "machine" for m in machines]
    described = [(p.path, p.kb.value if p.kb else None, c.kind) for p, c in pairs]
    return DecisionMatrix(names, described, rows, machine_rows)


def _require_inputs(function: str, paths: object, fleet: object, argument: str, calendar: object) -> None:
    """ArgumentTypeError unless ``paths`` is a list of paths, ``fleet`` of Machine records and ``calendar`` one."""
    if isinstance(paths, (str, bytes, os.PathLike)) or not isinstance(paths, Iterable):
        hint = (f"a single path; pass a list: {function}([path], {argument})" if isinstance(paths, (str, os.PathLike))
                else "")
        raise wrong_type(function, "paths", "a list of file or folder paths", paths, hint)
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise wrong_type(function, "paths[]", "a file or folder path (str or os.PathLike)", path,
                             f"{function} reads the files itself: pass paths, not opened packages"
                             if type(path).__name__ in ("Package", "UpdatePackage") else "")
    if isinstance(fleet, (str, os.PathLike)) or not isinstance(fleet, Iterable):
        hint = "a path; read it first with pkginspect.load_machines(path)" if isinstance(fleet, (str, os.PathLike)) \
            else ""
        raise wrong_type(function, argument, "a list of Machine records", fleet, hint)
    for machine in fleet:
        require_machine(machine, function, f"{argument}[]")
    if calendar is not None and not isinstance(calendar, Calendar):
        raise wrong_type(function, "calendar", "a Calendar", calendar,
                         "from pkginspect.load_calendar(paths) or pkginspect.bundled_calendar()")


def audit(
    paths: Sequence[str | os.PathLike[str]],
    fleet: Sequence[Any],
    *,
    calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
    jobs: int | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    package_timeout: float | None = None,
) -> AuditResult:
    """Audit the packages under ``paths`` against every machine of ``fleet`` (``Machine`` records).

    ``package_timeout``: seconds one package may take to inspect (see ``inspect_paths``). ``paths`` is a list
    of files or folders (a single path is refused, not read letter by letter); a wrong type raises
    ArgumentTypeError.
    """
    _require_inputs("audit", paths, fleet, "fleet", calendar)
    calendar = calendar or bundled_calendar()
    packages, failures = inspect_paths(
        paths, jobs=jobs, limits=limits, progress=progress, package_timeout=package_timeout
    )
    packages.sort(key=lambda p: (p.kb.value if p.kb else 0, p.path))
    classifications = classify_batch(packages, calendar)
    evaluator = Evaluator(calendar, ruleset)
    machines = sorted(fleet, key=lambda m: str(getattr(m, "name", "")))
    decisions = decision_matrix(evaluator, packages, classifications, machines)
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    return AuditResult(
        generated=moment.isoformat().replace("+00:00", "Z"),
        packages=tuple(packages),
        classifications=tuple(classifications),
        machines=tuple(machines),
        decisions=decisions,
        errors=tuple(sorted(failures, key=lambda f: f.path)),
        calendar=calendar,
        sources=tuple(os.fspath(p) for p in paths),
    )


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: every machine × package decision, and what could not be read."""

    packages: tuple[UpdatePackage, ...]
    decisions: DecisionMatrix
    """Machine by machine in the order given, each machine's packages in path order."""
    errors: tuple[PackageFailure, ...]
    """The packages that could not be read."""
    problems: tuple[PackageFailure, ...]
    """The metadata problems of the packages that could be read."""
    warnings: tuple[str, ...]
    """A calendar older than a package (``classification.stale_warnings``)."""


def evaluate_all(
    packages: Sequence[UpdatePackage], machines: Sequence[Any], calendar: Calendar | None = None,
    ruleset: Ruleset | None = None,
) -> list[Decision]:
    """Every machine × package decision, machine by machine; the packages are classified together first."""
    for package in packages:
        require_update_package(package, "evaluate_all", "packages[]")
    for machine in machines:
        require_machine(machine, "evaluate_all", "machines[]")
    evaluator = Evaluator(calendar, ruleset)
    return list(decision_matrix(evaluator, packages, classify_batch(packages, evaluator.calendar), machines))


def check(
    paths: Iterable[str | os.PathLike[str]], machines: Sequence[Any], *, calendar: Calendar | None = None,
    ruleset: Ruleset | None = None, limits: Limits | None = None,
) -> CheckResult:
    """Decide every machine × package for the packages under ``paths``, in this process, in the given order.

    ``calendar`` defaults to the bundled one; a wrong argument type raises ArgumentTypeError, as in ``audit``.
    """
    _require_inputs("check", paths, machines, "machines", calendar)
    calendar = calendar or bundled_calendar()
    packages, failures = inspect_paths(paths, jobs=1, limits=limits, sha256=False, problems=False)
    classifications = classify_batch(packages, calendar)
    return CheckResult(
        packages=tuple(packages),
        decisions=decision_matrix(Evaluator(calendar, ruleset), packages, classifications, machines),
        errors=tuple(failures),
        problems=tuple(metadata_problems(packages)),
        warnings=tuple(stale_warnings(classifications)),
    )
