#!/usr/bin/env python3
"""Run pkginspect over the cab corpus, mutated real samples and the hostile fixtures; print a summary.

Every input is handled in a worker process doing what a user would (``tests/fuzz/exercise.py``: list,
read every member, read some again by nested path, extract, inspect, classify, decide). Per input it records
the outcome: ok, a clean ``PkgInspectError``, or BAD — any other exception (with its traceback), more than
``--time-limit`` seconds, a peak RSS (``VmHWM``) over ``--memory-limit`` MB, or a worker that died or hung.

Mutations are deterministic from ``--seed``: mutation ``i`` is a pure function of the seed, ``i`` and the seed
files, so every BAD input can be regenerated; each is also written to a folder printed at the end, with a
JSON record beside it, ready to become a regression test. Exit status: 0 when nothing was BAD, 1 otherwise.

    python scripts/fuzz_summary.py [--mutations 10000] [--seed N] [--jobs 2]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pkginspect import metadata as md  # noqa: E402
from pkginspect.containers import open_package  # noqa: E402
from pkginspect.containers.base import SNIFF_BYTES, sniff  # noqa: E402
from tests.fuzz.exercise import exercise_file, exercise_metadata, load_machines  # noqa: E402
from tests.fuzz.mutate import mutate, rng_for  # noqa: E402
from tests.fuzz.structured import STRATEGIES, Scenario, build_scenario, run_scenario  # noqa: E402
from tests.shared import shared_dir  # noqa: E402

MiB = 1024 * 1024
#: How mutations are shared between the seed pools (see ``build_seeds``).
POOL_WEIGHTS = {"real": 4, "nested": 8, "fixture": 28, "metadata": 22, "structured": 38}
MAX_SEED_BYTES = 1 * MiB
"""Larger real samples and nested containers run once as they are (``real samples``) but are not mutated:
each exercise of a 4 MB cumulative update decodes it several times, which would dominate the run."""
MAX_METADATA_SEED_BYTES = 1 * MiB
METADATA_SEEDS_PER_KIND = 6
BAD_STATUSES = ("uncaught", "memory", "timeout", "crashed")
OUT_OF_MEMORY = re.compile(r"out of memory|cannot allocate memory|memoryerror", re.IGNORECASE)


@dataclass(frozen=True)
class Seed:
    """One file mutations start from."""

    pool: str
    """``real`` (a whole real sample), ``nested`` (a container inside one), ``fixture`` or ``metadata``."""
    name: str
    path: str
    kind: str | None = None
    """The metadata parser kind, for the ``metadata`` pool."""
    cabinet: bool = False
    """Whether the file is a cabinet (the ``structured`` pool edits and re-wraps those)."""


@dataclass(frozen=True)
class Task:
    """One input: a file as it is (``path``) or mutation number ``mutation`` of the run."""

    index: int
    group: str
    label: str
    path: str | None = None
    mutation: int | None = None


@dataclass
class Result:
    """How one input went."""

    index: int
    group: str
    label: str
    status: str
    """``ok``, ``error`` (a clean PkgInspectError), or one of ``BAD_STATUSES``."""
    message: str | None = None
    traceback: str | None = None
    seconds: float = 0.0
    step: str = ""
    """The slowest user operation of the input (``read``, ``extract``, ``inspect``, ``check`` …) ..."""
    step_seconds: float = 0.0
    """... and its seconds: the time limit applies to one operation, as a user runs each separately."""
    rss_kb: int = 0
    operations: tuple[str, ...] = ()
    pool: str = ""
    """For mutations: the seed pool (``real``, ``nested``, ``fixture``, ``metadata``) and ..."""
    seed_name: str = ""
    """... the seed mutated."""
    bad_reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """What the workers need to know."""

    workdir: str
    seeds: tuple[Seed, ...]
    seed: int
    soft_timeout: float
    address_space: int


# -- seeds -------------------------------------------------------------------------------------------------


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[-120:]


def _nested_seeds(package_path: Path, pool: str, out: Path) -> Iterator[Seed]:
    """Containers nested in a package, and a few of its metadata files, written to ``out``."""
    per_kind: Counter[str] = Counter()
    with open_package(package_path) as package:
        for entry in list(package.walk()):
            member = entry.member
            if member.is_dir:
                continue
            kind = md.kind_of(entry.path)
            wanted_container = entry.container is not None and member.size <= MAX_SEED_BYTES
            wanted_metadata = (
                kind is not None and member.size <= MAX_METADATA_SEED_BYTES and per_kind[kind] < METADATA_SEEDS_PER_KIND
            )
            if not (wanted_container or wanted_metadata):
                continue
            name = f"{package_path.name}!{entry.path}"
            target = out / f"{len(list(out.iterdir())):04d}-{_safe(name)}"
            target.write_bytes(package.read(entry.path))
            if wanted_container:
                yield Seed(pool, name, str(target), cabinet=entry.container == "cab")
            else:
                per_kind[kind or ""] += 1
                yield Seed("metadata", name, str(target), kind)


def build_seeds(real: Path | None, out: Path) -> tuple[Seed, ...]:
    """Real samples whole, the containers and metadata files inside them, and the generated fixture packages."""
    out.mkdir(parents=True, exist_ok=True)
    seeds: list[Seed] = []
    real_files = sorted(p for p in real.iterdir() if _is_container(p)) if real else []
    for path in real_files:
        if path.stat().st_size <= MAX_SEED_BYTES:
            seeds.append(Seed("real", path.name, str(path), cabinet=_is_cabinet(path)))
        seeds.extend(_nested_seeds(path, "nested", out))
    for path in sorted((REPO / "fixtures" / "packages").glob("*.msu")):
        seeds.append(Seed("fixture", path.name, str(path), cabinet=_is_cabinet(path)))
        seeds.extend(_nested_seeds(path, "fixture", out))
    return tuple(seeds)


def _is_cabinet(path: Path) -> bool:
    with open(path, "rb") as stream:
        return sniff(stream.read(SNIFF_BYTES)) == "cab"


def _is_container(path: Path) -> bool:
    with open(path, "rb") as stream:
        return sniff(stream.read(SNIFF_BYTES)) is not None


def mutation_input(settings: Settings, index: int) -> tuple[Seed, bytes, tuple[str, ...]]:
    """Mutation ``index`` of the run: which seed, the mutated bytes, and the operations applied."""
    seed, _scenario, data, operations = mutation_scenario(settings, index)
    return seed, data, operations


def _pick_pool(settings: Settings, rng: random.Random) -> str:
    pools = [pool for pool in POOL_WEIGHTS if pool == "structured" or any(s.pool == pool for s in settings.seeds)]
    return rng.choices(pools, [POOL_WEIGHTS[p] for p in pools])[0]


def mutation_pool(settings: Settings, index: int) -> str:
    """The seed pool mutation ``index`` draws from (cheap: nothing is built)."""
    return _pick_pool(settings, rng_for(settings.seed, index))


def mutation_scenario(settings: Settings, index: int) -> tuple[Seed, Scenario | None, bytes, tuple[str, ...]]:
    """Mutation ``index``: its seed, the structured scenario (``structured`` pool) or None, its bytes and operations."""
    rng = rng_for(settings.seed, index)
    pool = _pick_pool(settings, rng)
    if pool == "structured":
        strategy = rng.choices(list(STRATEGIES), list(STRATEGIES.values()))[0]
        cabinets = [s for s in settings.seeds if s.pool in ("fixture", "nested", "real") and s.cabinet]
        base = rng.choice(cabinets)
        scratch = Path(settings.workdir) / f"scratch-{os.getpid()}"
        scratch.mkdir(exist_ok=True)
        scenario = build_scenario(strategy, Path(base.path).read_bytes(), rng, scratch)
        seed = Seed("structured", f"{strategy} of {base.name}", base.path)
        return seed, scenario, scenario.data, scenario.operations
    members = [s for s in settings.seeds if s.pool == pool]
    seed = rng.choice(members)
    partners = [s for s in members if s.kind == seed.kind] or members
    other = rng.choice(partners)
    mutated = mutate(Path(seed.path).read_bytes(), Path(other.path).read_bytes(), rng)
    return seed, None, mutated.data, mutated.operations


# -- worker ------------------------------------------------------------------------------------------------


class _SoftTimeout(BaseException):
    """Raised in the worker when one input runs past the soft timeout (a BaseException: nothing swallows it)."""


def _on_alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _SoftTimeout()


def _peak_rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)


def _worker(conn: Connection, settings: Settings) -> None:
    """Serve tasks from ``conn`` until it sends None: exercise each input, answer with a ``Result``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized write fails with EFBIG instead of killing us
    if settings.address_space:
        resource.setrlimit(resource.RLIMIT_AS, (settings.address_space, settings.address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 30, 1 << 30))
    machines = load_machines()
    home = Path(settings.workdir) / f"worker-{os.getpid()}"
    home.mkdir()
    try:
        while True:
            task: Task | None = conn.recv()
            if task is None:
                return
            conn.send(_run(task, settings, home, machines))
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _run(task: Task, settings: Settings, home: Path, machines: Sequence[Any]) -> Result:
    result = Result(task.index, task.group, task.label, "ok")
    sandbox = home / "sandbox"
    sandbox.mkdir()
    _reset_peak_rss()
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, settings.soft_timeout)
    try:
        if task.mutation is not None:
            seed, scenario, data, result.operations = mutation_scenario(settings, task.mutation)
            result.pool, result.seed_name = seed.pool, seed.name
            if scenario is not None:
                del data
                outcome = run_scenario(scenario, home, sandbox, machines)
            elif seed.kind is not None:
                outcome = exercise_metadata(data, seed.kind, task.label)
            else:
                path = home / f"input-{_safe(seed.name)}"
                path.write_bytes(data)
                del data
                outcome = exercise_file(path, sandbox, machines=machines)
        else:
            assert task.path is not None
            outcome = exercise_file(task.path, sandbox, machines=machines)
        if not outcome.ok:
            result.status, result.message = "error", outcome.first_message()
        if outcome.timings:
            result.step, result.step_seconds = max(outcome.timings.items(), key=lambda item: item[1])
    except _SoftTimeout:
        result.status, result.traceback = "timeout", traceback.format_exc()
    except MemoryError:
        result.status, result.traceback = "memory", traceback.format_exc()
    except Exception as error:
        result.status, result.message = "uncaught", f"{type(error).__name__}: {error}"
        result.traceback = traceback.format_exc()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        result.seconds = time.monotonic() - start
        result.rss_kb = _peak_rss_kb()
        shutil.rmtree(sandbox, ignore_errors=True)
        for leftover in home.glob("input-*"):
            leftover.unlink()
    return result


# -- pool --------------------------------------------------------------------------------------------------

WATCHDOG_PERIOD = 0.25
"""Seconds between two looks at the workers' resident memory."""


def _rss_kb(pid: int | None) -> int:
    """Resident memory of process ``pid`` (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0



@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection
    task: Task | None = None
    started: float = 0.0
    served: int = 0


class WorkerPool:
    """Worker processes that each serve a bounded number of tasks; a hung or dead worker is replaced."""

    def __init__(
        self, settings: Settings, jobs: int, tasks_per_worker: int, hard_timeout: float, kill_rss_mb: int = 0
    ) -> None:
        self._settings = settings
        self._context = multiprocessing.get_context("fork")
        self._tasks_per_worker = tasks_per_worker
        self._hard_timeout = hard_timeout
        self._kill_rss_kb = kill_rss_mb * 1024
        self._slots = [self._start() for _ in range(jobs)]

    def _start(self) -> _Slot:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, self._settings), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _replace(self, slot: _Slot, kill: bool) -> None:
        if kill:
            slot.process.kill()
        else:
            with contextlib.suppress(OSError, BrokenPipeError):
                slot.conn.send(None)
        slot.process.join(10)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.conn.close()
        self._slots[self._slots.index(slot)] = self._start()

    def run(self, tasks: Sequence[Task]) -> Iterator[Result]:
        """Yield a ``Result`` for every task, in completion order."""
        pending = deque(tasks)
        while pending or any(s.task for s in self._slots):
            for slot in self._slots:
                if slot.task is None and pending:
                    slot.task, slot.started = pending.popleft(), time.monotonic()
                    slot.conn.send(slot.task)
            busy = [s for s in self._slots if s.task is not None]
            deadline = min(s.started + self._hard_timeout for s in busy)
            if self._kill_rss_kb:
                deadline = min(deadline, time.monotonic() + WATCHDOG_PERIOD)
            wait([s.conn for s in busy] + [s.process.sentinel for s in busy], max(0.0, deadline - time.monotonic()))
            for slot in busy:
                yield from self._collect(slot)

    def _collect(self, slot: _Slot) -> Iterator[Result]:
        task = slot.task
        assert task is not None
        elapsed = time.monotonic() - slot.started
        if slot.conn.poll():
            try:
                result: Result = slot.conn.recv()
            except (EOFError, OSError):
                result = self._died(slot, task, elapsed)
            else:
                slot.task = None
                slot.served += 1
                if slot.served >= self._tasks_per_worker:
                    self._replace(slot, kill=False)
            yield result
        elif not slot.process.is_alive():
            yield self._died(slot, task, elapsed)
        elif elapsed > self._hard_timeout:
            self._replace(slot, kill=True)
            yield Result(task.index, task.group, task.label, "timeout", seconds=elapsed,
                         message=f"killed after {elapsed:.0f} s (hung in native code?)")
        elif self._kill_rss_kb and (rss := _rss_kb(slot.process.pid)) > self._kill_rss_kb:
            self._replace(slot, kill=True)
            yield Result(task.index, task.group, task.label, "memory", seconds=elapsed, rss_kb=rss,
                         message=f"killed by the watchdog at {rss // 1024} MB resident")

    def _died(self, slot: _Slot, task: Task, elapsed: float) -> Result:
        slot.process.join(5)
        code = slot.process.exitcode
        self._replace(slot, kill=True)
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return Result(task.index, task.group, task.label, "crashed", seconds=elapsed,
                      message=f"worker died ({how})")

    def close(self) -> None:
        """Stop every worker."""
        for slot in list(self._slots):
            if slot.task is not None:
                slot.process.kill()
            else:
                with contextlib.suppress(OSError, BrokenPipeError):
                    slot.conn.send(None)
            slot.process.join(10)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()


# -- report ------------------------------------------------------------------------------------------------


def normalise(message: str) -> str:
    """Group similar messages: numbers become N, quoted names '…', hex byte runs are dropped."""
    text = re.sub(r"'[^']*'", "'…'", " ".join(message.split()))
    text = re.sub(r"(?:\b[0-9a-f]{2} ){3,}[0-9a-f]{2}\b", "<bytes>", text)
    text = re.sub(r"0x[0-9a-fA-F]+|\d+", "N", text)
    return text[:110]


def judge(result: Result, time_limit: float, memory_limit_mb: int) -> None:
    """Fill ``result.bad_reasons``."""
    if result.status in BAD_STATUSES:
        result.bad_reasons.append(result.status)
    if result.status == "error" and OUT_OF_MEMORY.search(result.message or ""):
        # A native library whose allocation failed under RLIMIT_AS reports it as an error: still a blow-up.
        result.bad_reasons.append("over memory (an allocation failed under the address-space limit)")
    # One user operation (ls, read all, extract, inspect and decide, a CLI run) must finish within the limit;
    # an input goes through several. A timeout or a kill still catches any input hanging as a whole.
    if result.step and result.step_seconds > time_limit:
        result.bad_reasons.append(f"slow ({result.step} {result.step_seconds:.1f} s of {result.seconds:.1f} s)")
    elif not result.step and result.seconds > time_limit:
        result.bad_reasons.append(f"slow ({result.seconds:.1f} s)")
    if result.rss_kb > memory_limit_mb * 1024:
        result.bad_reasons.append(f"over memory ({result.rss_kb // 1024} MB)")


def save_bad(result: Result, task: Task, settings: Settings, folder: Path) -> None:
    """Write a BAD input (regenerated for mutations) and its record to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{result.index:05d}-{result.group}"
    if task.mutation is not None:
        try:
            seed, data, _ = mutation_input(settings, task.mutation)
        except Exception as error:  # regenerating failed (the same bug, met in this process): keep the record
            name = f"{stem}-mutation-{task.mutation}"
            result.traceback = f"{result.traceback or ''}\nregenerating the input failed: {error!r}"
        else:
            name = f"{stem}-{_safe(seed.name)}"
            (folder / name).write_bytes(data)
    else:
        assert task.path is not None
        name = f"{stem}-{_safe(Path(task.path).name)}"
        shutil.copyfile(task.path, folder / name)
    record = {**asdict(result), "file": name, "seed": settings.seed, "mutation": task.mutation}
    (folder / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def describe(result: Result) -> str:
    """The input's label, with the seed it was mutated from."""
    return f"{result.label} of {result.seed_name}" if result.seed_name else result.label


def summary(results: Sequence[Result], elapsed: float, args: argparse.Namespace, groups: Counter[str]) -> str:
    """The summary table and the error-message histogram."""
    statuses = Counter(r.status for r in results)
    slow = [r for r in results if any(reason.startswith("slow") for reason in r.bad_reasons)]
    heavy = [r for r in results if r.status == "memory" or any(x.startswith("over memory") for x in r.bad_reasons)]
    slowest = max(results, key=lambda r: r.seconds)
    slowest_step = max(results, key=lambda r: r.step_seconds if r.step else r.seconds)
    largest = max(results, key=lambda r: r.rss_kb)
    width = 30
    pools = Counter(r.pool for r in results if r.pool)
    pools_ok = Counter(r.pool for r in results if r.pool and r.status == "ok")
    rows = [
        ("inputs", str(len(results))),
        *((f"  {group}", str(count)) for group, count in groups.items()),
        *((f"    from {pool} seeds", f"{count}  ({pools_ok[pool]} read without error)")
          for pool, count in sorted(pools.items())),
        ("ok", str(statuses["ok"])),
        ("clean errors (PkgInspectError)", str(statuses["error"])),
        ("uncaught exceptions (BAD)", str(statuses["uncaught"])),
        ("worker crashed (BAD)", str(statuses["crashed"])),
        (f"operation slower than {args.time_limit:g} s (BAD)", str(len(slow))),
        (f"over {args.memory_limit} MB RSS (BAD)", str(len(heavy))),
        ("max time of one operation", f"{max(slowest_step.step_seconds, 0.0):.2f} s  ({slowest_step.step} of "
                                      f"{describe(slowest_step)})"),
        ("max time of one input", f"{slowest.seconds:.2f} s  ({describe(slowest)})"),
        ("max RSS (VmHWM)", f"{largest.rss_kb / 1024:.0f} MB  ({describe(largest)})"),
        ("mean time", f"{sum(r.seconds for r in results) / len(results):.3f} s"),
        ("wall time", f"{elapsed:.0f} s with {args.jobs} jobs"),
    ]
    lines = [f"pkginspect fuzz summary: seed {args.seed}, {args.mutations} mutations", ""]
    lines += [f"{name:<{width}} {value}" for name, value in rows]
    messages = Counter(normalise(r.message) for r in results if r.status == "error" and r.message)
    lines += ["", f"top {args.top} error messages (of {len(messages)} distinct):"]
    lines += [f"{count:>7}  {message}" for message, count in messages.most_common(args.top)]
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--mutations", type=int, default=10_000, help="mutated inputs in total [10000]")
    parser.add_argument("--seed", type=int, default=1, help="seed of the mutations [1]")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="worker processes [CPU count]")
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per input before it is BAD [5]")
    parser.add_argument("--memory-limit", type=int, default=256, help="peak RSS (MB) per input before BAD [256]")
    parser.add_argument("--soft-timeout", type=float, default=20.0, help="interrupt an input after this [20 s]")
    parser.add_argument("--hard-timeout", type=float, default=40.0, help="kill a worker after this [40 s]")
    parser.add_argument("--address-space", type=int, default=2048, help="worker RLIMIT_AS in MB, 0 = none [2048]")
    parser.add_argument("--kill-rss", type=int, default=1024, help="watchdog: kill a worker over this RSS (MB) [1024]")
    parser.add_argument("--tasks-per-worker", type=int, default=200, help="inputs before a worker is renewed [200]")
    parser.add_argument("--bad-dir", type=Path, help="where BAD inputs go [a new folder in the temp dir]")
    parser.add_argument("--shared", type=Path, help="the shared folder [PKGINSPECT_SHARED or ../shared]")
    parser.add_argument("--no-corpus", action="store_true", help="skip the cab corpus and the hostile fixtures")
    parser.add_argument("--top", type=int, default=15, help="error messages shown [15]")
    parser.add_argument("--json", type=Path, help="also write every result to this JSON file")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def _tasks(args: argparse.Namespace, shared: Path | None) -> list[Task]:
    files: list[tuple[str, Path]] = []
    if not args.no_corpus:
        corpus = shared / "samples" / "cab-corpus" if shared else None
        if corpus and corpus.is_dir():
            files += [("cab corpus", p) for p in sorted(corpus.rglob("*.cab"))]
        broken = REPO / "fixtures" / "packages" / "broken"
        files += [("hostile fixtures", p) for p in sorted(broken.iterdir()) if p.name != "index.json"]
        real = shared / "samples" / "real" if shared else None
        if real and real.is_dir():
            files += [("real samples", p) for p in sorted(real.iterdir()) if _is_container(p)]
    tasks = [Task(i, group, str(path.relative_to(path.parents[1])), str(path)) for i, (group, path) in enumerate(files)]
    start = len(tasks)
    tasks += [Task(start + i, "mutations", f"mutation {i}", mutation=i) for i in range(args.mutations)]
    return tasks


def main(argv: Sequence[str] | None = None) -> int:
    """Run the campaign; 0 when nothing was BAD."""
    args = _arguments(argv)
    shared = args.shared or shared_dir()
    real = shared / "samples" / "real" if shared else None
    if real is None or not real.is_dir():
        print("warning: shared/samples/real not found: mutating the fixture packages only", file=sys.stderr)
        real = None
    workdir = Path(tempfile.mkdtemp(prefix="pkginspect-fuzz-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK)
                                    else None))
    started = time.monotonic()
    results: list[Result] = []
    bad_dir = args.bad_dir or Path(tempfile.gettempdir()) / f"pkginspect-fuzz-bad-seed{args.seed}"
    try:
        seeds = build_seeds(real, workdir / "seeds")
        settings = Settings(str(workdir), seeds, args.seed, args.soft_timeout, args.address_space * MiB)
        tasks = _tasks(args, shared)
        by_index = {t.index: t for t in tasks}
        groups = Counter(t.group for t in tasks)
        if args.mutations:
            pools = Counter(mutation_pool(settings, i) for i in range(min(args.mutations, 2000)))
            share = ", ".join(f"{p} {100 * n // sum(pools.values())}%" for p, n in sorted(pools.items()))
            print(f"{len(seeds)} seeds ({Counter(s.pool for s in seeds)}); mutations drawn from: {share}",
                  file=sys.stderr)
        pool = WorkerPool(settings, args.jobs, args.tasks_per_worker, args.hard_timeout, args.kill_rss)
        try:
            for result in pool.run(tasks):
                judge(result, args.time_limit, args.memory_limit)
                results.append(result)
                if result.bad_reasons:
                    save_bad(result, by_index[result.index], settings, bad_dir)
                    print(f"BAD {describe(result)}: {', '.join(result.bad_reasons)}: {result.message}", file=sys.stderr)
                if not args.quiet and len(results) % 250 == 0:
                    rate = len(results) / (time.monotonic() - started)
                    statuses = Counter(r.status for r in results)
                    worst = max(r.step_seconds if r.step else r.seconds for r in results)
                    heaviest = max(r.rss_kb for r in results) // 1024
                    bad_so_far = sum(1 for r in results if r.bad_reasons)
                    print(f"[{len(results)}/{len(tasks)}] {rate:.1f} inputs/s; ok {statuses['ok']}, clean errors "
                          f"{statuses['error']}, BAD {bad_so_far}; max operation {worst:.2f} s, max RSS "
                          f"{heaviest} MB", file=sys.stderr)
        finally:
            pool.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.sort(key=lambda r: r.index)
    bad = [r for r in results if r.bad_reasons]
    print(summary(results, time.monotonic() - started, args, groups))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1) + "\n", encoding="utf-8")
    if bad:
        print(f"\n{len(bad)} BAD inputs written to {bad_dir} (each with a .json record and traceback)")
        for result in bad[:20]:
            print(f"  {describe(result)}: {', '.join(result.bad_reasons)}: {result.message}")
        return 1
    print("\nno BAD input: every failure was a PkgInspectError, within time and memory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
