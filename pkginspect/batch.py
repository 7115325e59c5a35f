"""``audit``: inspect every package under some paths, classify them together, decide for every machine.

Packages are inspected in parallel (``jobs`` worker processes); a package that cannot be read becomes an
entry in ``errors`` and the run goes on. The result is plain data, sorted, with one stated generation time
(``generated``), so every report rendered from it is deterministic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pkginspect.calendar import Calendar, bundled_calendar
from pkginspect.classification import Classification, classify_batch
from pkginspect.containers import Limits
from pkginspect.errors import LimitExceededError, PkgInspectError, wrong_type
from pkginspect.machines.facts import require_machine
from pkginspect.package import UpdatePackage, find_packages, inspect
from pkginspect.rules.decide import Decision, Evaluator
from pkginspect.rules.engine import Ruleset

VERDICT_ORDER = ("reboot-required", "reboot-possible", "unknown", "no-reboot", "not-applicable")
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PackageFailure:
    """A package that could not be inspected, and why."""

    path: str
    error: str


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit found: packages, their kinds, machines, every decision, and failures."""

    generated: str
    """ISO 8601 UTC time the audit ran (tests fix it)."""
    packages: tuple[UpdatePackage, ...]
    classifications: tuple[Classification, ...]
    machines: tuple[Any, ...]
    decisions: tuple[Decision, ...]
    errors: tuple[PackageFailure, ...]
    calendar: Calendar = field(repr=False)
    sources: tuple[str, ...] = ()
    """The paths given to the audit."""

    def totals(self) -> dict[str, int]:
        """Decisions per verdict, every verdict present (zero when none)."""
        counts = Counter(d.verdict for d in self.decisions)
        return {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER}

    def decision(self, machine: str, package: str) -> Decision | None:
        """The decision for a machine name and package path."""
        return next((d for d in self.decisions if d.machine == machine and d.package == package), None)

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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (validates against ``schemas/audit.schema.json``)."""
        by_path = {c.package: c for c in self.classifications}
        return {
            "generated": self.generated,
            "sources": list(self.sources),
            "totals": self.totals(),
            "packages": [
                {**p.to_dict(members=False), "classified": by_path[p.path].to_dict()} for p in self.packages
            ],
            "machines": [_machine_dict(m) for m in self.machines],
            **self._decisions_and_outcomes(),
            "errors": [{"path": e.path, "error": e.error} for e in self.errors],
        }


    def _decisions_and_outcomes(self) -> dict[str, list[dict[str, Any]]]:
        """Decisions that refer by index to a table of distinct outcomes (verdict, reasons, missing facts).

        A fleet has far fewer distinct outcomes than decisions (the evaluator shares equal ones), so the
        reasons are written once each instead of once per machine and package.
        """
        index: dict[tuple[int, str, tuple[str, ...]], int] = {}
        outcomes: list[dict[str, Any]] = []
        decisions: list[dict[str, Any]] = []
        for decision in self.decisions:
            key = (id(decision.reasons), decision.verdict, decision.missing)
            number = index.get(key)
            if number is None:
                number = index[key] = len(outcomes)
                outcomes.append({"verdict": decision.verdict, "reasons": [r.to_dict() for r in decision.reasons],
                                 "missing": list(decision.missing)})
            decisions.append({"machine": decision.machine, "package": decision.package, "kb": decision.kb,
                              "kind": decision.kind, "verdict": decision.verdict, "outcome": number})
        return {"decisions": decisions, "outcomes": outcomes}


def _machine_dict(machine: Any) -> dict[str, Any]:
    if hasattr(machine, "to_dict"):
        return dict(machine.to_dict())
    return dict(vars(machine))


class _OutOfTime(BaseException):
    """Raised by the time budget's alarm; not a PkgInspectError, so nothing on the way records it as a problem."""


def _timeout_error(path: str, seconds: float) -> LimitExceededError:
    return LimitExceededError(
        path, f"inspecting took more than {seconds:g} s, which exceeds the package_timeout limit; "
        "raise it with --package-timeout or package_timeout=… (seconds)", "package_timeout",
    )


@contextlib.contextmanager
def _time_budget(seconds: float | None) -> Iterator[None]:
    """Raise _OutOfTime after ``seconds``, with SIGALRM (POSIX, main thread only; else not enforced).

    The handler raises only while armed, and the first thing leaving the block does is disarm it, so a late
    alarm cannot escape into the caller's code; callers still catch _OutOfTime, for an alarm that lands as the
    block ends.
    """
    if seconds is None or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]

    def alarm(_signum: int, _frame: object) -> None:
        if armed[0]:
            raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _inspect_one(
    path: str, limits: Limits | None, package_timeout: float | None = None
) -> UpdatePackage | PackageFailure:
    try:
        with _time_budget(package_timeout):
            return inspect(path, limits=limits, sha256=True)
    except _OutOfTime:
        assert package_timeout is not None
        return PackageFailure(path, str(_timeout_error(path, package_timeout)))
    except PkgInspectError as error:
        return PackageFailure(path, str(error))


def inspect_paths(
    paths: Iterable[str | os.PathLike[str]], *, jobs: int | None = None, limits: Limits | None = None,
    progress: Progress | None = None, package_timeout: float | None = None,
) -> tuple[list[UpdatePackage], list[PackageFailure]]:
    """Inspect every package under ``paths`` (``jobs`` processes; 1 = in this process), in path order.

    ``package_timeout`` is a time budget per package in seconds: a package still being inspected then becomes
    a ``PackageFailure`` naming the limit (enforced on POSIX, in worker processes or the main thread).
    """
    files = find_packages(paths)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    results: list[UpdatePackage | PackageFailure] = []
    if workers == 1:
        for index, path in enumerate(files, 1):
            results.append(_inspect_one(path, limits, package_timeout))
            if progress:
                progress(index, len(files), path)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            mapped = pool.map(_inspect_one, files, [limits] * len(files), [package_timeout] * len(files), chunksize=1)
            for index, result in enumerate(mapped, 1):
                results.append(result)
                if progress:
                    progress(index, len(files), files[index - 1])
    packages = [r for r in results if isinstance(r, UpdatePackage)]
    failures = [r for r in results if isinstance(r, PackageFailure)]
    failures += [PackageFailure(p.path, f"{p.path}!{problem}") for p in packages for problem in p.problems]
    return packages, failures


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
    if isinstance(paths, (str, bytes, os.PathLike)) or not isinstance(paths, Iterable):
        hint = "a single path; pass a list: audit([path], fleet)" if isinstance(paths, (str, os.PathLike)) else ""
        raise wrong_type("audit", "paths", "a list of file or folder paths", paths, hint)
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise wrong_type("audit", "paths[]", "a file or folder path (str or os.PathLike)", path,
                             "audit reads the files itself: pass paths, not opened packages"
                             if type(path).__name__ in ("Package", "UpdatePackage") else "")
    if isinstance(fleet, (str, os.PathLike)) or not isinstance(fleet, Iterable):
        hint = "a path; read it first with pkginspect.load_machines(path)" if isinstance(fleet, (str, os.PathLike)) \
            else ""
        raise wrong_type("audit", "fleet", "a list of Machine records", fleet, hint)
    for machine in fleet:
        require_machine(machine, "audit", "fleet[]")
    calendar = calendar or bundled_calendar()
    packages, failures = inspect_paths(
        paths, jobs=jobs, limits=limits, progress=progress, package_timeout=package_timeout
    )
    packages.sort(key=lambda p: (p.kb.value if p.kb else 0, p.path))
    classifications = classify_batch(packages, calendar)
    evaluator = Evaluator(calendar, ruleset)
    machines = sorted(fleet, key=lambda m: str(getattr(m, "name", "")))
    decisions = [
        evaluator.decide(package, classification, machine)
        for machine in machines
        for package, classification in zip(packages, classifications, strict=True)
    ]
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    return AuditResult(
        generated=moment.isoformat().replace("+00:00", "Z"),
        packages=tuple(packages),
        classifications=tuple(classifications),
        machines=tuple(machines),
        decisions=tuple(decisions),
        errors=tuple(sorted(failures, key=lambda f: f.path)),
        calendar=calendar,
        sources=tuple(os.fspath(p) for p in paths),
    )
