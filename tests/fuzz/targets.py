"""The fuzz targets' bodies, shared by the atheris entry points, the fallback mutator and the pytest smoke test.

Each ``*_one_input`` takes arbitrary bytes and must either succeed or raise ``PkgInspectError`` whose message is
one line starting with the source it names; anything else escapes as a finding. ``run`` drives a target with
atheris when it is installed, and otherwise with the deterministic mutator of ``mutate.py`` over the corpus.
"""

from __future__ import annotations

import atexit
import io
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pkginspect import metadata as md
from pkginspect.containers import Limits
from pkginspect.containers.base import Container
from pkginspect.containers.cab import CabinetReader
from pkginspect.containers.limits import Budget
from pkginspect.errors import PkgInspectError
from tests.fuzz.exercise import Outcome, check_message, read_everything
from tests.fuzz.mutate import mutate

MiB = 1024 * 1024
#: Tighter than the defaults so that one input stays fast; the limits themselves are tested elsewhere.
LIMITS = Limits(max_member_size=64 * MiB, max_total_size=256 * MiB, ratio_grace=8 * MiB, max_depth=4,
                max_members=20_000)
READ_CHUNK = 256 * 1024
MAX_OPENED = 64
"""Members opened one by one per container (every member is also read once in table order)."""
_workdir: str | None = None


def workdir() -> Path:
    """A private temporary folder for inputs that must be files (removed at exit)."""
    global _workdir
    if _workdir is None:
        _workdir = tempfile.mkdtemp(prefix="pkginspect-fuzz-target-")
        atexit.register(shutil.rmtree, _workdir, True)
    return Path(_workdir)


def _drain(container: Container) -> None:
    members = [m for m in container.members if not m.is_dir]
    for _member, stream in container.iter_open(members):
        while stream.read(READ_CHUNK):
            pass
    for member in members[:MAX_OPENED]:
        with container.open(member) as stream:
            stream.read(READ_CHUNK)


def _expect_clean(action: Callable[[], object], source: str) -> None:
    try:
        action()
    except PkgInspectError as error:
        check_message(str(error), source)


def _walk_file(path: Path) -> None:
    read_everything(str(path), LIMITS, Outcome())


def cab_one_input(data: bytes) -> None:
    """The cabinet reader from memory, then the same bytes as a package file: walk nested containers, read all."""

    def from_memory() -> None:
        _drain(CabinetReader(io.BytesIO(data), "fuzz.cab", budget=Budget(LIMITS)))

    _expect_clean(from_memory, "fuzz.cab")
    path = workdir() / "fuzz.cab"
    path.write_bytes(data)
    _expect_clean(lambda: _walk_file(path), str(path))


def wim_one_input(data: bytes) -> None:
    """The bytes as a WIM file: list every image, read members (wimlib needs a path, so a temporary file)."""
    from pkginspect.containers.wim import WimReader

    path = workdir() / "fuzz.wim"
    path.write_bytes(data)

    def read() -> None:
        with WimReader(str(path), str(path), budget=Budget(LIMITS)) as reader:
            _drain(reader)

    _expect_clean(read, str(path))
    _expect_clean(lambda: _walk_file(path), str(path))


def metadata_one_input(data: bytes) -> None:
    """The first byte picks a parser (``metadata.KINDS``), the rest is the document."""
    if not data:
        return
    kind = md.KINDS[data[0] % len(md.KINDS)]
    _expect_clean(lambda: md.PARSERS[kind](data[1:], f"fuzz.{kind}").to_dict(), f"fuzz.{kind}")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "cab": cab_one_input,
    "wim": wim_one_input,
    "metadata": metadata_one_input,
}


def corpus_files(folders: Sequence[Path]) -> list[bytes]:
    """Every file of the corpus folders, sorted by name."""
    files = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())
    return [p.read_bytes() for p in files]


def fallback_fuzz(target: Callable[[bytes], None], folders: Sequence[Path], seconds: float, seed: int = 0) -> int:
    """Mutate the corpus with ``mutate.py`` until ``seconds`` pass (used where atheris is not installed).

    A finding is written to ``crash-fallback-<n>`` in the current folder and re-raised.
    """
    seeds = corpus_files(folders) or [b""]
    rng = random.Random(f"fallback:{seed}")
    deadline = time.monotonic() + seconds
    runs = 0

    def attempt(data: bytes, how: str) -> None:
        try:
            target(data)
        except BaseException:
            crash = Path.cwd() / f"crash-fallback-{runs}"
            crash.write_bytes(data)
            print(f"finding written to {crash} ({how})", file=sys.stderr)
            raise

    for data in seeds:
        attempt(data, "a corpus file")
        runs += 1
    while time.monotonic() < deadline:
        mutated = mutate(rng.choice(seeds), rng.choice(seeds), rng)
        attempt(mutated.data, f"operations {', '.join(mutated.operations)}")
        runs += 1
    print(f"fallback fuzzer: {runs} inputs in {seconds:g} s, no finding", file=sys.stderr)
    return 0


def run(name: str, argv: Sequence[str]) -> int:
    """Fuzz target ``name``: with atheris (libFuzzer options in ``argv``), else with the fallback mutator.

    The fallback reads corpus folders from ``argv`` (arguments not starting with ``-``) and the run time from
    ``-max_total_time=N`` (default 40 s), so both take the same command line.
    """
    target = TARGETS[name]
    try:
        import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        folders = [Path(a) for a in argv[1:] if not a.startswith("-")]
        seconds = next((float(a.split("=", 1)[1]) for a in argv if a.startswith("-max_total_time=")), 40.0)
        print("atheris is not installed: using the fallback mutator (pip install atheris)", file=sys.stderr)
        return fallback_fuzz(target, folders, seconds)
    atheris.Setup(list(argv), target)
    atheris.Fuzz()
    return 0
