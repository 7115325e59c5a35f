"""Every command's --help ends with one example, and the example runs from the repository root as written."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import EXAMPLES, main

REPO = Path(__file__).resolve().parents[1]


def test_every_command_has_an_example() -> None:
    assert set(EXAMPLES) == set(main.commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_help_shows_the_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert result.output.endswith(f"Example:\n    {EXAMPLES[name]}\n"), result.output[-300:]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_example_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("fixtures/packages", "fixtures/machines"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    words = shlex.split(EXAMPLES[name])
    assert words[0] == "pkginspect"
    result = CliRunner().invoke(main, words[1:])
    assert result.exit_code == 0, result.output


def test_debug_after_the_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.msu"
    bad.write_bytes(b"MSCF" + b"\0" * 10)
    for args in (["--debug", "ls", str(bad)], ["ls", str(bad), "--debug"], ["ls", "--debug", str(bad)]):
        result = subprocess.run([sys.executable, "-m", "pkginspect", *args], capture_output=True, text=True)
        assert result.returncode != 0 and "Traceback" in result.stderr, args
    plain = subprocess.run([sys.executable, "-m", "pkginspect", "ls", str(bad)], capture_output=True, text=True)
    assert "Traceback" not in plain.stderr and plain.returncode == 3
