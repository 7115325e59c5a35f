"""Inspecting many packages: every package under some paths, in parallel, each within a time budget.

A package that cannot be read becomes a :class:`PackageFailure` (partial failure is data) and the run goes on.
This needs no rules: ``inspect`` and ``classify`` use it without loading the rule engine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from pkginspect.containers import Limits
from pkginspect.errors import LimitExceededError, PkgInspectError
from pkginspect.package import UpdatePackage, find_packages, inspect

Progress = Callable[[int, int, str], None]
"""Called after each package with (how many done, how many in all, its path)."""


@dataclass(frozen=True)
class PackageFailure:
    """A package that could not be inspected, and why."""

    path: str
    error: str

    def to_dict(self) -> dict[str, str]:
        """``{"path", "error"}``."""
        return {"path": self.path, "error": self.error}


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
    path: str, limits: Limits | None, package_timeout: float | None = None, options: dict[str, bool] | None = None
) -> UpdatePackage | PackageFailure:
    try:
        with _time_budget(package_timeout):
            return inspect(path, limits=limits, **(options or {}))
    except _OutOfTime:
        assert package_timeout is not None
        return PackageFailure(path, str(_timeout_error(path, package_timeout)))
    except PkgInspectError as error:
        return PackageFailure(path, str(error))


def metadata_problems(packages: Iterable[UpdatePackage]) -> list[PackageFailure]:
    """Each metadata problem of readable packages as a failure, its message naming the package path once."""
    return [
        PackageFailure(p.path, problem if problem.startswith((f"{p.path}!", f"{p.path}:")) else f"{p.path}!{problem}")
        for p in packages for problem in p.problems
    ]


def inspect_paths(
    paths: Iterable[str | os.PathLike[str]], *, jobs: int | None = None, limits: Limits | None = None,
    progress: Progress | None = None, package_timeout: float | None = None, components: bool = False,
    sha256: bool = True, deep: bool = False, problems: bool = True,
) -> tuple[list[UpdatePackage], list[PackageFailure]]:
    """Inspect every package under ``paths`` (``jobs`` processes; 1 = in this process), in path order.

    ``package_timeout`` is a time budget per package in seconds: a package still being inspected then becomes
    a ``PackageFailure`` naming the limit (enforced on POSIX, in worker processes or the main thread).
    ``components``, ``sha256`` and ``deep`` are passed to :func:`pkginspect.package.inspect`; with
    ``problems`` each metadata problem of a readable package is a failure too.
    """
    options = {"components": components, "sha256": sha256, "deep": deep}
    files = find_packages(paths)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(files) or 1))
    results: list[UpdatePackage | PackageFailure] = []
    if workers == 1:
        for index, path in enumerate(files, 1):
            results.append(_inspect_one(path, limits, package_timeout, options))
            if progress:
                progress(index, len(files), path)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            mapped = pool.map(_inspect_one, files, [limits] * len(files), [package_timeout] * len(files),
                              [options] * len(files), chunksize=1)
            for index, result in enumerate(mapped, 1):
                results.append(result)
                if progress:
                    progress(index, len(files), files[index - 1])
    packages = [r for r in results if isinstance(r, UpdatePackage)]
    failures = [r for r in results if isinstance(r, PackageFailure)]
    if problems:
        failures += metadata_problems(packages)
    return packages, failures


__all__ = ["PackageFailure", "Progress", "inspect_paths", "metadata_problems"]
