"""``/`` standing for ``!`` extracts to the same ``<container>.d/`` folder, never beside the container file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.containers import extract, open_package

PACKAGE = Path(__file__).resolve().parents[2] / "fixtures" / "packages" / "Windows10.0-KB5037848-x64.msu"
CAB = "Windows10.0-KB5037848-Hotpatch-x64.cab"


@pytest.mark.parametrize("member", [f"{CAB}/update.mum", f"{CAB}!update.mum", f"{CAB.upper()}/UPDATE.MUM",
                                    f"{CAB}\\update.mum"])
def test_slash_and_bang_write_the_same_file(member: str, tmp_path: Path) -> None:
    with open_package(PACKAGE) as package:
        results = extract(package, tmp_path, [member])
        expected = package.read(f"{CAB}!update.mum")
    assert [(r.member, r.target) for r in results] == [(f"{CAB}!update.mum", f"{CAB}.d/update.mum")]
    assert (tmp_path / f"{CAB}.d" / "update.mum").read_bytes() == expected


def test_the_container_and_its_member_do_not_collide(tmp_path: Path) -> None:
    with open_package(PACKAGE) as package:
        extract(package, tmp_path, [f"{CAB}/update.mum"])
        extract(package, tmp_path, [CAB])
        extract(package, tmp_path, ["WSUSSCAN.cab/package.cab/package.xml"])
    assert (tmp_path / CAB).is_file()
    assert (tmp_path / f"{CAB}.d" / "update.mum").is_file()
    assert (tmp_path / "WSUSSCAN.cab.d" / "package.cab.d" / "package.xml").is_file()


def test_the_count_line_is_plural_correct(tmp_path: Path) -> None:
    one = CliRunner().invoke(main, ["extract", str(PACKAGE), f"{CAB}/update.mum", "-d", str(tmp_path / "a")])
    assert one.exit_code == 0, one.output
    assert one.output.endswith(f"1 file written to {tmp_path / 'a'}\n")
    two = CliRunner().invoke(main, ["extract", str(PACKAGE), f"{CAB}/update.mum", f"{CAB}/update.cat",
                                    "-d", str(tmp_path / "b")])
    assert two.output.endswith(f"2 files written to {tmp_path / 'b'}\n")
