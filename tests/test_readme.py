"""The README works as written: every shell command and Python block runs, JSON/TOML samples load, Layout is true.

Shell blocks (```sh) are split into commands (lines, then ``&&``). Each runs with ``bash`` from the root of a
fresh copy of the repository (commands write files such as ``out/``), with ``pkginspect`` and ``python`` on
``PATH`` standing for this checkout and this interpreter. Three kinds are checked for form instead of run, each
for a stated reason:

- installing: ``bash scripts/install-system-deps.sh …`` runs with ``--dry-run`` (it must print apt-get without
  sudo as root and through sudo otherwise, with packages apt knows when apt is here); ``python3 -m venv`` /
  ``. .venv/bin/activate`` / ``pip install …`` would replace this environment's install, so the extras named must
  exist in setup.cfg and the venv module must be importable;
- the test suite itself (``python -m pytest``) is not run from inside itself: pytest must be importable;
- long runs (benchmarks on 1 GiB, fuzzing campaigns) run with their arguments followed by ``--help`` (argparse
  checks each argument before printing help), or ``bash -n`` for a script.

Python blocks run in order in one namespace (later blocks use earlier names), in one copy of the repository.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pkginspect.machines.files import parse_toml
from pkginspect.rules import Machine, load_ruleset

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_IGNORE = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".hypothesis",
                                 ".benchmarks", ".pytest_cache", "out")


def _blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README) if lang == language]


def _commands() -> list[str]:
    commands: list[str] = []
    for block in _blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            commands.extend(part.strip() for part in line.split(" && ") if part.strip())
    return commands


def _words(command: str) -> list[str]:
    return shlex.split(command, comments=True)


def _kind(command: str) -> str:
    words = [word for word in _words(command) if not re.fullmatch(r"[A-Z_]+=.*", word)]
    if words[:2] == ["bash", "scripts/install-system-deps.sh"]:
        return "system-install"
    if words[:3] == ["python3", "-m", "venv"] or words[:1] in (["."], ["source"]) or words[:2] == ["pip", "install"]:
        return "environment"
    if words[:3] == ["python", "-m", "pytest"]:
        return "test-suite"
    if words[:3] == ["python", "-m", "tests.benchmarks"] or words[:2] in (["python", "scripts/fuzz_summary.py"],
                                                                          ["bash", "scripts/run_fuzz.sh"]):
        return "long"
    return "run"


COMMANDS = _commands()


@pytest.fixture(scope="module")
def shims(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bin folder: ``pkginspect`` is this checkout's CLI, ``python`` / ``python3`` this interpreter."""
    folder = tmp_path_factory.mktemp("bin")
    for name, target in (("pkginspect", f'"{sys.executable}" -m pkginspect'), ("python", f'"{sys.executable}"'),
                         ("python3", f'"{sys.executable}"')):
        shim = folder / name
        shim.write_text(f'#!/bin/sh\nexec {target} "$@"\n')
        shim.chmod(0o755)
    return folder


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy, ignore=_IGNORE, symlinks=True)
    return copy


def _env(shims: Path, root: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(root)}


def test_the_readme_has_commands_of_every_kind() -> None:
    kinds = {_kind(command) for command in COMMANDS}
    assert kinds == {"system-install", "environment", "test-suite", "long", "run"}, kinds
    assert not any("sudo" in _words(command) for command in COMMANDS), "a bare sudo fails where there is none"


@pytest.mark.parametrize("command", [c for c in COMMANDS if _kind(c) == "run"])
def test_command_runs(command: str, shims: Path, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    result = subprocess.run(["bash", "-c", command], cwd=root, env=_env(shims, root), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"


def _fake_id(folder: Path, uid: int) -> None:
    (folder / "id").write_text(f'#!/bin/sh\n[ "$1" = -u ] && echo {uid} && exit 0\nexec /usr/bin/id "$@"\n')
    (folder / "id").chmod(0o755)


@pytest.mark.parametrize("command", [c for c in COMMANDS if _kind(c) == "system-install"])
@pytest.mark.parametrize("uid", [0, 1000])
def test_system_install_runs_as_root_and_as_a_user(command: str, uid: int, tmp_path: Path) -> None:
    _fake_id(tmp_path, uid)
    env = {**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    dry_run = f"{shlex.join(_words(command))} --dry-run"
    result = subprocess.run(["bash", "-c", dry_run], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(" apt-get " in f" {line} " for line in lines), lines
    assert all(line.startswith("sudo ") == (uid != 0) for line in lines), lines
    packages = lines[1].split("--no-install-recommends ")[1].split()
    assert packages and len(packages) == len(set(packages))
    if shutil.which("apt-cache"):
        shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *packages], capture_output=True, text=True)
        names = set(re.findall(r"^Package: (\S+)$", shown.stdout, re.MULTILINE))
        if names:  # apt lists present: every package must be one apt knows
            assert set(packages) <= names, set(packages) - names


def test_ci_installs_through_the_same_script() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/install-system-deps.sh" in ci
    assert "apt-get" not in ci, "the package list lives in scripts/install-system-deps.sh only"


@pytest.mark.parametrize("command", [c for c in COMMANDS if _kind(c) == "environment"])
def test_environment_command_is_well_formed(command: str) -> None:
    words = _words(command)
    if words[:2] == ["pip", "install"]:
        extras_declared = configparser.ConfigParser()
        extras_declared.read(REPO / "setup.cfg")
        for target in words[2:]:
            if target == "-e":
                continue
            match = re.fullmatch(r"\.(?:\[([\w,-]+)\])?", target)
            assert match, f"pip installs something other than this checkout: {target}"
            for extra in (match[1] or "").split(","):
                assert not extra or extra in extras_declared["options.extras_require"], extra
    elif words[:3] == ["python3", "-m", "venv"]:
        import venv  # noqa: F401  # the module the command runs

        assert words[3:] == [".venv"]
    else:
        assert words == [".", ".venv/bin/activate"]


def test_the_test_suite_command_names_pytest() -> None:
    assert [c for c in COMMANDS if _kind(c) == "test-suite"] == ["python -m pytest"]
    import pytest as module

    assert module.__version__


@pytest.mark.parametrize("command", [c for c in COMMANDS if _kind(c) == "long"])
def test_long_command_arguments_are_valid(command: str, shims: Path) -> None:
    words = _words(command)
    env = _env(shims, REPO)
    env.update(word.partition("=")[::2] for word in words if re.fullmatch(r"[A-Z_]+=.*", word))
    words = [word for word in words if not re.fullmatch(r"[A-Z_]+=.*", word)]
    check = ["bash", "-n", *words[1:]] if words[0] == "bash" else [*words, "--help"]
    result = subprocess.run(check, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{check}\n{result.stderr[-2000:]}"


def test_python_blocks_run(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    namespace: dict[str, Any] = {"__name__": "readme"}  # whatever the README's code defines
    previous = Path.cwd()
    os.chdir(root)
    try:
        for block in _blocks("python"):
            exec(compile(block, "README.md", "exec"), namespace)  # the README's own examples
    finally:
        os.chdir(previous)
    assert (root / "out" / "Windows10.0-KB5037848-Hotpatch-x64.cab.d" / "update.mum").is_file()
    assert namespace["decision"].verdict
    assert str(namespace["html"]).startswith("<!DOCTYPE html>")


def test_json_and_toml_samples_load(tmp_path: Path) -> None:
    for block in _blocks("json"):
        Machine.from_dict(json.loads(block), source="README.md")
    for number, block in enumerate(_blocks("toml")):
        parse_toml(block, "README.md")
        path = tmp_path / f"rules{number}.toml"
        path.write_text(block, encoding="utf-8")
        load_ruleset([path])


def _layout() -> list[str]:
    section = README[README.index("## Layout"):]
    block = _BLOCK.search(section)
    assert block is not None
    paths, parent = [], ""
    for line in block[2].splitlines():
        name = line.split()[0]
        if line.startswith("  "):
            paths.append(parent + name)
        else:
            parent = name if name.endswith("/") else ""
            paths.append(name)
    return paths


def test_layout_names_what_exists_and_every_module() -> None:
    named = _layout()
    assert [path for path in named if not (REPO / path).exists()] == []
    package = REPO / "pkginspect"
    modules = {f"pkginspect/{p.name}" + ("/" if p.is_dir() else "") for p in package.iterdir()
               if (p.suffix == ".py" and p.name != "__init__.py") or (p.is_dir() and p.name != "__pycache__")}
    assert modules - set(named) == set(), "add these to the README's Layout section"
