"""FIFOs, devices and subdirectories: never opened, never waited on (issue 17, item 5)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.package import find_packages

REPO = Path(__file__).resolve().parents[1]
PACKAGES = REPO / "fixtures" / "packages"
PACKAGE = PACKAGES / "Windows10.0-KB5036899-x64.msu"
FLEET = str(REPO / "fixtures" / "machines" / "fleet.json")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "facts.json"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(("option", "what"), [
    ("--machine", "a machine facts file"), ("--rules", "a rules file"), ("--calendar", "a calendar file"),
])
def test_user_files_that_are_fifos_are_refused_at_once(fifo: Path, option: str, what: str) -> None:
    machine = [] if option == "--machine" else ["--machine", FLEET]
    result = CliRunner().invoke(main, ["check", str(PACKAGE), *machine, option, str(fifo)])
    assert result.exit_code == 3, result.output
    assert result.stderr == f"pkginspect: error: {fifo}: is a FIFO, not {what}\n"


def test_a_user_file_that_is_a_device(tmp_path: Path) -> None:
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    result = CliRunner().invoke(main, ["check", str(PACKAGE), "--machine", FLEET, "--rules", str(link)])
    assert result.exit_code == 3
    assert result.stderr == f"pkginspect: error: {link}: is a device, not a rules file\n"


def test_a_package_that_is_a_device(tmp_path: Path) -> None:
    link = tmp_path / "zero.msu"
    link.symlink_to("/dev/zero")
    result = CliRunner().invoke(main, ["ls", str(link)])
    assert result.exit_code == 3
    assert result.stderr == f"pkginspect: error: {link}: is a device, not a regular file\n"


def test_directory_walk_takes_only_regular_package_files_directly_inside(tmp_path: Path, fifo: Path) -> None:
    shutil.copy(PACKAGE, tmp_path / "a.msu")
    (tmp_path / "notes.txt").write_text("not a package")
    (tmp_path / "zero.cab").symlink_to("/dev/zero")
    (tmp_path / "sub").mkdir()
    shutil.copy(PACKAGE, tmp_path / "sub" / "b.msu")
    assert find_packages([tmp_path]) == [str(tmp_path / "a.msu")]
    assert find_packages([tmp_path / "sub", fifo]) == [str(tmp_path / "sub" / "b.msu"), str(fifo)]


def test_inspecting_the_fixture_folder_does_not_descend_into_broken() -> None:
    found = find_packages([PACKAGES])
    assert found and all(Path(p).parent == PACKAGES for p in found)
    result = CliRunner().invoke(main, ["inspect", str(PACKAGES), "--no-hash"])
    assert result.exit_code == 0, result.stderr
