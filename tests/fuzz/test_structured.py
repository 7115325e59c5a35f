"""The structure-aware fuzzing strategies build what they say and run clean (issue 17, item 7)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.fuzz.exercise import load_machines
from tests.fuzz.structured import (
    CANARY,
    OUTPUT_TARGETS,
    PACKAGE,
    HostContentError,
    Scenario,
    _cab_fields,
    _no_canary,
    build_scenario,
    edit_cab_field,
    rewrap,
    run_scenario,
)

SEED = PACKAGE.read_bytes()


def test_cab_fields_are_located() -> None:
    names = {name for name, _, _ in _cab_fields(SEED)}
    assert {"cbCabinet", "cFiles", "folder0.typeCompress", "file0.cbFile", "file0.uoffFolderStart"} <= names
    edited, operation = edit_cab_field(SEED, random.Random(3))
    assert edited != SEED or "was" in operation
    assert len(edited) == len(SEED)


def test_rewrap_keeps_a_valid_outer_cabinet(tmp_path: Path) -> None:
    from pkginspect.containers import open_package

    data, operations = rewrap(SEED, random.Random(5))
    assert operations[0].startswith("rewrapped ")
    path = tmp_path / "rewrapped.msu"
    path.write_bytes(data)
    with open_package(path) as package:
        assert len(package.members) >= 2  # the outer layer reads; the damage is inside


@pytest.mark.parametrize("strategy", ["cab-field", "rewrap", "wim-special", "user-file", "output-target"])
def test_every_strategy_runs_clean(strategy: str, tmp_path: Path) -> None:
    if strategy == "wim-special" and shutil.which("wimlib-imagex") is None:
        pytest.skip("wimtools not installed")
    machines = load_machines()[:1]
    for index in range(3):
        scenario = build_scenario(strategy, SEED, random.Random(f"{strategy}{index}"), tmp_path)
        sandbox = tmp_path / "sandbox"
        sandbox.mkdir()
        run_scenario(scenario, tmp_path, sandbox, machines)  # raises on a broken promise
        shutil.rmtree(sandbox)


@pytest.mark.parametrize("target", OUTPUT_TARGETS)
def test_every_output_target(target: str, tmp_path: Path) -> None:
    run_scenario(Scenario("output-target", b"", (target,), target), tmp_path, tmp_path / "sandbox", [])


def test_the_canary_check_fails_when_host_content_leaks(tmp_path: Path) -> None:
    (tmp_path / "extracted.mum").write_text(f"x {CANARY} y")
    with pytest.raises(HostContentError):
        _no_canary(tmp_path)
    with pytest.raises(HostContentError):
        _no_canary(tmp_path / "empty", f"error: {CANARY}")
