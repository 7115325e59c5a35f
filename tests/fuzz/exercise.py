"""What a user does with one input, as functions every fuzzer shares.

``exercise_file`` lists a package (walking nested containers), reads every member to its end in bounded
chunks, reads a few members again by nested path, extracts it recursively into a sandbox and checks that
nothing landed outside, then inspects it, classifies it and decides for a few machines. A file that is not a
container but has a metadata name goes to its parser. ``exercise_metadata`` runs one metadata parser.

A ``PkgInspectError`` is the expected way to fail and is recorded in the returned ``Outcome``; any other
exception propagates to the caller, which treats it as a bug.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pkginspect
from pkginspect import metadata as md
from pkginspect.containers import Entry, Limits, extract, open_package
from pkginspect.containers.base import SNIFF_BYTES, sniff
from pkginspect.errors import PkgInspectError
from pkginspect.package import inspect

READ_CHUNK = 1024 * 1024
RANDOM_READS = 4
EXTRACT_ALL_UP_TO = 300
"""Packages with at most this many files (all levels) are extracted whole; larger ones ..."""
EXTRACT_SPREAD = 40
"""... get this many files, spread over the package, extracted by nested path (file creation is slow)."""
REPO = Path(__file__).resolve().parent.parent.parent
MACHINES = ("azure-edition-core.json", "ws2025-arc-datacenter.json", "win11-enterprise-arm64-chpe-on.json")


class EscapeError(AssertionError):
    """Extraction wrote something outside its target directory (a security bug, never a clean error)."""


class MessageError(AssertionError):
    """A clean error broke its contract: one line that starts with the file it is about."""


def check_message(text: str, source: str) -> None:
    """Fail with ``MessageError`` unless ``text`` is one line starting with ``source`` (what the CLI prints)."""
    if "\n" in text or "\r" in text:
        raise MessageError(f"error message spans lines: {text!r}")
    if not text.startswith(source):
        raise MessageError(f"error message does not start with {source!r}: {text!r}")


@dataclass
class Outcome:
    """How one input went: the ``PkgInspectError``s met on the way (none means everything read)."""

    errors: list[tuple[str, PkgInspectError]] = field(default_factory=list)
    """(step, error) for every clean failure, in order."""
    problems: list[str] = field(default_factory=list)
    """Metadata problems ``inspect`` reported instead of raising."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds each step (one user operation: ls, read, extract, inspect, a CLI run…) took."""

    @property
    def ok(self) -> bool:
        """Whether every step succeeded without a problem."""
        return not self.errors and not self.problems

    def first_message(self) -> str | None:
        """The first error's message without its source (or the first problem), for histograms."""
        if self.errors:
            _step, error = self.errors[0]
            return f"{type(error).__name__}: {error.message}"
        return f"problem: {self.problems[0]}" if self.problems else None


def _record(outcome: Outcome, step: str, error: PkgInspectError, source: str) -> None:
    check_message(str(error), source)
    outcome.errors.append((step, error))


def _attempt(outcome: Outcome, step: str, action: Callable[[], None], source: str) -> None:
    started = time.monotonic()
    try:
        action()
    except PkgInspectError as error:
        _record(outcome, step, error, source)
    finally:
        outcome.timings[step] = outcome.timings.get(step, 0.0) + time.monotonic() - started


def load_machines() -> list[Any]:
    """A few fixture machines of different products to decide against."""
    machines: list[Any] = []
    for name in MACHINES:
        machines.extend(pkginspect.load_machines(REPO / "fixtures" / "machines" / name))
    return machines


def exercise_metadata(data: bytes, kind: str, source: str) -> Outcome:
    """Parse ``data`` with the parser for ``kind`` and turn the record into plain data."""
    outcome = Outcome()

    def parse() -> None:
        md.PARSERS[kind](data, source).to_dict()

    _attempt(outcome, f"parse-{kind}", parse, source)
    return outcome


def read_everything(path: str, limits: Limits | None, outcome: Outcome) -> None:
    """Walk the package, read every file container by container (each folder decoded once), then a few again
    by nested path; clean failures are recorded in ``outcome`` and reading goes on with the next container."""
    with open_package(path, limits) as package:
        found: list[Entry] = []
        try:
            found.extend(package.walk())
        except PkgInspectError as error:
            _record(outcome, "walk", error, path)
        groups: dict[str, list[Entry]] = {}
        for entry in found:
            if not entry.member.is_dir:
                groups.setdefault(entry.path.rpartition("!")[0], []).append(entry)
        for parent, entries in groups.items():
            try:
                container = package.container(parent)
                for _member, stream in container.iter_open([e.member for e in entries]):
                    while stream.read(READ_CHUNK):
                        pass
            except PkgInspectError as error:
                _record(outcome, "read", error, path)
        # Random access by nested path, as a library user reaching single members does.
        files = [e for e in found if not e.member.is_dir]
        for entry in files[:: max(1, len(files) // RANDOM_READS)][:RANDOM_READS]:
            try:
                with package.open(entry.path) as stream:
                    stream.read(64 * 1024)
                package.is_container(entry.path)
            except PkgInspectError as error:
                _record(outcome, "open", error, path)


def check_inside(sandbox: Path, target: Path) -> None:
    """Fail with ``EscapeError`` unless everything in ``sandbox`` lies in ``target`` (or leads to it), link-free."""
    real_target = os.path.realpath(target)
    ancestors = {os.path.realpath(p) for p in (target, *target.parents)}
    for root, dirs, names in os.walk(sandbox):
        for name in dirs + names:
            full = os.path.join(root, name)
            if os.path.islink(full):
                raise EscapeError(f"extraction created a symbolic link: {full}")
            real = os.path.realpath(full)
            if not real.startswith(real_target + os.sep) and not (name in dirs and real in ancestors):
                raise EscapeError(f"extraction wrote outside its target: {full}")


def _extract_into(path: str, sandbox: Path, limits: Limits | None) -> None:
    """Extract recursively; a package of thousands of files gets a spread of them, by nested path, instead.

    The target sits a few levels down the sandbox so that ``../../`` escapes land where they are seen.
    """
    target = sandbox / "a" / "b" / "c" / "out"
    try:
        with open_package(path, limits) as package:
            files = [e.path for e in package.walk() if not e.member.is_dir]
            if len(files) <= EXTRACT_ALL_UP_TO:
                extract(package, target, recursive=True)
            else:
                step = len(files) / EXTRACT_SPREAD
                extract(package, target, sorted({files[int(i * step)] for i in range(EXTRACT_SPREAD)}))
    finally:
        check_inside(sandbox, target)
        shutil.rmtree(sandbox / "a", ignore_errors=True)


def exercise_file(
    path: str | os.PathLike[str],
    sandbox: Path,
    *,
    limits: Limits | None = None,
    machines: Sequence[Any] = (),
    extract_files: bool = True,
) -> Outcome:
    """Do with the file at ``path`` what a user would (module docstring); ``sandbox`` must be an empty folder."""
    source = os.fspath(path)
    outcome = Outcome()
    try:
        with open(source, "rb") as stream:
            head = stream.read(SNIFF_BYTES)
    except OSError:
        head = b""
    kind = md.kind_of(os.path.basename(source))
    if sniff(head) is None and kind is not None:
        with open(source, "rb") as stream:
            return exercise_metadata(stream.read(), kind, source)

    def listing() -> None:
        with open_package(source, limits) as package:
            for _ in package.walk():
                pass

    _attempt(outcome, "ls", listing, source)
    _attempt(outcome, "read", lambda: read_everything(source, limits, outcome), source)
    if extract_files:
        _attempt(outcome, "extract", lambda: _extract_into(source, sandbox, limits), source)

    def inspect_and_decide() -> None:
        package = inspect(source, limits=limits, components=True)
        package.to_dict()
        for problem in package.problems:
            check_message(f"{source}!{problem}", source)
        outcome.problems.extend(package.problems)
        pkginspect.classify(package).to_dict()
        for machine in machines:
            pkginspect.evaluate(package, machine).to_dict()

    _attempt(outcome, "inspect", inspect_and_decide, source)
    return outcome
