"""The fuzzing tools themselves: targets on the committed corpus, deterministic mutations, and the campaign script
catching what it must catch (an uncaught exception, a hang, a dead worker, memory, an escape)."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.fuzz import make_corpus
from tests.fuzz.mutate import mutate, rng_for
from tests.fuzz.targets import TARGETS, corpus_files, fallback_fuzz

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def load_script() -> ModuleType:
    """``scripts/fuzz_summary.py`` as a module (``scripts/`` is not a package)."""
    spec = importlib.util.spec_from_file_location("fuzz_summary", REPO / "scripts" / "fuzz_summary.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_summary"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return load_script()


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_targets_accept_their_corpus(target: str) -> None:
    files = corpus_files([HERE / "corpus" / target])
    assert files, f"tests/fuzz/corpus/{target} is empty"
    for data in files:
        TARGETS[target](data)


def test_committed_corpus_is_current() -> None:
    assert make_corpus.main(["--check"]) == 0
    sizes = [p.stat().st_size for p in (HERE / "corpus").rglob("*") if p.is_file()]
    assert max(sizes) < 200 * 1024 and sum(sizes) < 2 * 1024 * 1024


def test_fallback_mutator_runs(tmp_path: Path) -> None:
    assert fallback_fuzz(TARGETS["metadata"], [HERE / "corpus" / "metadata"], 0.5) == 0


def test_fallback_mutator_reports_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def fragile(data: bytes) -> None:
        if len(data) % 7 == 3:
            raise ValueError("found")

    with pytest.raises(ValueError, match="found"):
        fallback_fuzz(fragile, [HERE / "corpus" / "metadata"], 5)
    assert list(tmp_path.glob("crash-fallback-*"))


def test_mutations_are_deterministic() -> None:
    data = bytes(range(256)) * 40
    first = [mutate(data, data[::-1], rng_for(7, i)) for i in range(200)]
    again = [mutate(data, data[::-1], rng_for(7, i)) for i in range(200)]
    assert first == again
    assert len({m.data for m in first}) > 150
    kinds = {re.split(r"[^a-z]", op, maxsplit=1)[0] for m in first for op in m.operations}
    assert kinds == {"flip", "overwrite", "int", "truncate", "splice", "insert", "delete", "token"}
    cabinet = b"MSCF" + bytes(4) + len(data).to_bytes(4, "little") + data
    fixed = [m for i in range(200) if "fix-cbCabinet" in (m := mutate(cabinet, cabinet, rng_for(7, i))).operations]
    assert fixed and all(int.from_bytes(m.data[8:12], "little") == len(m.data) for m in fixed)


# -- the campaign script --------------------------------------------------------------------------------------


def _settings(script: ModuleType, tmp_path: Path) -> Any:
    return script.Settings(str(tmp_path), (), 1, 5.0, 0)


def _pool_results(script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Any, **options: Any) -> Any:
    monkeypatch.setattr(script, "_run", run)  # the forked workers see the stand-in
    pool = script.WorkerPool(_settings(script, tmp_path), options.get("jobs", 1), 5, options.get("hard", 30.0))
    try:
        tasks = [script.Task(i, "test", f"task {i}", path="unused") for i in range(options.get("tasks", 3))]
        return sorted(pool.run(tasks), key=lambda r: r.index)
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the campaign forks its workers")
def test_pool_survives_a_hang(script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(task: Any, *_: Any) -> Any:
        if task.index == 1:
            os.kill(os.getpid(), 19)  # SIGSTOP: a hang no signal handler can interrupt
        return script.Result(task.index, task.group, task.label, "ok")

    start = time.monotonic()
    results = _pool_results(script, tmp_path, monkeypatch, run, hard=3.0)  # loaded CI machines fork slowly
    assert time.monotonic() - start < 30
    assert [r.status for r in results] == ["ok", "timeout", "ok"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the campaign forks its workers")
def test_pool_survives_a_dying_worker(script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(task: Any, *_: Any) -> Any:
        if task.index == 1:
            os._exit(7)
        return script.Result(task.index, task.group, task.label, "ok")

    results = _pool_results(script, tmp_path, monkeypatch, run, jobs=2)
    assert [r.status for r in results] == ["ok", "crashed", "ok"]
    assert results[1].message == "worker died (exit code 7)"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the watchdog reads /proc")
def test_pool_watchdog_kills_a_memory_blow_up(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run(task: Any, *_: Any) -> Any:
        if task.index == 1:
            hog = bytearray(400 * 1024 * 1024)
            hog[::4096] = b"x" * len(hog[::4096])
            time.sleep(30)
        return script.Result(task.index, task.group, task.label, "ok")

    monkeypatch.setattr(script, "_run", run)
    pool = script.WorkerPool(_settings(script, tmp_path), 1, 5, 60.0, kill_rss_mb=200)
    try:
        tasks = [script.Task(i, "t", f"task {i}", path="x") for i in range(3)]
        results = sorted(pool.run(tasks), key=lambda r: r.index)
    finally:
        pool.close()
    assert [r.status for r in results] == ["ok", "memory", "ok"]
    assert "killed by the watchdog" in (results[1].message or "")


def test_judge_flags_time_and_memory(script: ModuleType) -> None:
    fine = script.Result(0, "g", "fine", "error", seconds=0.1, rss_kb=90_000)
    slow = script.Result(1, "g", "slow", "ok", seconds=6.0, rss_kb=90_000)
    heavy = script.Result(2, "g", "heavy", "ok", seconds=0.1, rss_kb=300 * 1024)
    for result in (fine, slow, heavy):
        script.judge(result, 5.0, 256)
    assert fine.bad_reasons == [] and slow.bad_reasons == ["slow (6.0 s)"] and heavy.bad_reasons == [
        "over memory (300 MB)"
    ]
    steps = script.Result(4, "g", "steps", "ok", seconds=9.0, step="read", step_seconds=4.0)
    slow_step = script.Result(5, "g", "slow step", "ok", seconds=9.0, step="inspect", step_seconds=5.5)
    for result in (steps, slow_step):
        script.judge(result, 5.0, 256)
    assert steps.bad_reasons == [] and slow_step.bad_reasons == ["slow (inspect 5.5 s of 9.0 s)"]
    starved = script.Result(3, "g", "oom", "error", message="CorruptContainerError: cannot open WIM: Ran out of memory")
    script.judge(starved, 5.0, 256)
    assert starved.bad_reasons == ["over memory (an allocation failed under the address-space limit)"]


def test_worker_measures_peak_memory(script: ModuleType) -> None:
    script._reset_peak_rss()
    before = script._peak_rss_kb()
    block = bytearray(64 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    assert script._peak_rss_kb() - before > 50 * 1024
    del block


def test_worker_reports_uncaught_exceptions_and_escapes(
    script: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fuzz.exercise import EscapeError

    home = tmp_path / "home"
    home.mkdir()
    settings = _settings(script, tmp_path)
    for error, status in ((KeyError("boom"), "uncaught"), (EscapeError("out"), "uncaught"), (MemoryError(), "memory")):
        def explode(*_args: Any, error: BaseException = error, **_kwargs: Any) -> Any:
            raise error

        monkeypatch.setattr(script, "exercise_file", explode)
        result = script._run(script.Task(0, "g", "x", path="x"), settings, home, [])
        assert result.status == status and result.traceback and "Traceback" in result.traceback


def test_small_campaign_end_to_end(script: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A short real run over the fixtures alone: the summary prints, nothing is BAD."""
    code = script.main(["--mutations", "40", "--jobs", "2", "--no-corpus", "--quiet", "--shared", str(tmp_path),
                        "--bad-dir", str(tmp_path / "bad"), "--json", str(tmp_path / "results.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "pkginspect fuzz summary: seed 1, 40 mutations" in out and "uncaught exceptions (BAD)      0" in out
    assert not (tmp_path / "bad").exists()
    assert (tmp_path / "results.json").stat().st_size > 0


def test_bad_inputs_are_saved_for_regression_tests(script: ModuleType, tmp_path: Path) -> None:
    seeds = script.build_seeds(None, tmp_path / "seeds")
    settings = script.Settings(str(tmp_path), seeds, 3, 5.0, 0)
    task = script.Task(5, "mutations", "mutation 0", mutation=0)
    result = script.Result(5, "mutations", "mutation 0", "uncaught", message="KeyError: 'x'", bad_reasons=["uncaught"])
    script.save_bad(result, task, settings, tmp_path / "bad")
    saved = sorted(p.name for p in (tmp_path / "bad").iterdir())
    assert len(saved) == 2 and saved[1] == saved[0] + ".json"
    assert (tmp_path / "bad" / saved[0]).read_bytes() == script.mutation_input(settings, 0)[1]
