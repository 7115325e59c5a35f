"""WIM links and special files are listed as such and never followed, opened or extracted (issue 17, item 1)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.containers import extract, open_package
from pkginspect.errors import UnsupportedContainerError
from tests.containers.conftest import folder

pytestmark = pytest.mark.skipif(shutil.which("wimlib-imagex") is None, reason="wimtools not installed")
SECRET = b"host secret 7f3a\n"


def hostile_wim(tmp_path: Path, unix_data: bool = True) -> Path:
    """A WIM captured from a folder holding links to a host file, /dev/zero, nowhere and a FIFO."""
    host = tmp_path / "host-secret.txt"
    host.write_bytes(SECRET)
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "update.mum").write_bytes(b"<assembly/>")
    os.symlink(host, source / "secret.mum")
    os.symlink("/dev/zero", source / "zero.cab")
    os.symlink("nowhere", source / "dangling")
    os.symlink("../update.mum", source / "sub" / "relative")
    os.mkfifo(source / "fifo")
    target = tmp_path / "links.wim"
    options = ["--unix-data"] if unix_data else []
    subprocess.run(["wimlib-imagex", "capture", str(source), str(target), *options], check=True, capture_output=True)
    return target


def test_links_are_listed_as_links(tmp_path: Path) -> None:
    with open_package(hostile_wim(tmp_path)) as package:
        special = {m.name: m.special for m in package.members}
    assert special["secret.mum"] == special["zero.cab"] == special["dangling"] == "symbolic link"
    assert special["sub/relative"] == "symbolic link"
    assert special["fifo"] == "FIFO"
    assert special["update.mum"] is None


def test_opening_a_link_is_refused(tmp_path: Path) -> None:
    with open_package(hostile_wim(tmp_path)) as package:
        with pytest.raises(UnsupportedContainerError, match=r"links\.wim: secret\.mum: is a symbolic link; links "
                                                            r"and special files are never read"):
            package.read("secret.mum")
        with pytest.raises(UnsupportedContainerError, match="fifo: is a FIFO"):
            package.read("fifo")
        assert package.read("update.mum") == b"<assembly/>"


def test_walk_does_not_sniff_a_link_named_like_a_cabinet(tmp_path: Path) -> None:
    with open_package(hostile_wim(tmp_path)) as package:
        entries = {e.path: e for e in package.walk()}
    assert entries["zero.cab"].container is None


def test_extract_skips_links_and_never_copies_host_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_package(hostile_wim(tmp_path)) as package:
        results = extract(package, out)
    written = {r.member: r for r in results}
    assert written["update.mum"].target == "update.mum"
    assert written["secret.mum"].target == "" and "skipped: a symbolic link" in (written["secret.mum"].note or "")
    files = [p for p in out.rglob("*")]
    assert [p.name for p in files if p.is_file()] == ["update.mum"]
    assert not any(p.is_symlink() for p in files)
    assert all(SECRET not in p.read_bytes() for p in files if p.is_file())


def test_cli_extract_reports_skipped_links_and_refuses_a_named_one(tmp_path: Path) -> None:
    wim = str(hostile_wim(tmp_path))
    result = CliRunner().invoke(main, ["extract", wim, "-d", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "skipped  secret.mum  (skipped: a symbolic link" in result.output
    assert "1 file written" in result.output
    named = CliRunner().invoke(main, ["extract", wim, "secret.mum", "-d", str(tmp_path / "out2")])
    assert named.exit_code == 3
    assert "secret.mum: is a symbolic link" in named.output and SECRET.decode().strip() not in named.output
    listing = CliRunner().invoke(main, ["ls", wim])
    assert "secret.mum  [symbolic link, not read]" in listing.output


def test_links_in_a_wim_nested_in_a_cabinet(tmp_path: Path, make_cab: Callable[..., Path]) -> None:
    wim = hostile_wim(tmp_path, unix_data=False)
    outer = make_cab(folder([("Windows11.0-KB5066835-x64.wim", wim.read_bytes())]), name="outer.msu")
    out = tmp_path / "out"
    with open_package(outer) as package:
        results = extract(package, out, recursive=True)
        with pytest.raises(UnsupportedContainerError, match="is a symbolic link"):
            package.read("Windows11.0-KB5066835-x64.wim!secret.mum")
    assert any(r.target == "" for r in results)
    assert all(SECRET not in p.read_bytes() for p in out.rglob("*") if p.is_file())
    inspected = CliRunner().invoke(main, ["inspect", str(outer), "--no-hash"])
    assert SECRET.decode().strip() not in inspected.output


def test_a_directory_chain_thousands_deep_is_refused_quickly(tmp_path: Path) -> None:
    import time

    source = tmp_path / "deep"
    source.mkdir()
    fd = os.open(source, os.O_RDONLY)
    for _ in range(200):  # under Python's recursion limit, so pytest can remove it with shutil.rmtree
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    target = tmp_path / "deep.wim"
    subprocess.run(["wimlib-imagex", "capture", str(source), str(target)], check=True, capture_output=True)
    started = time.monotonic()
    with pytest.raises(UnsupportedContainerError) as caught:
        open_package(target)
    assert str(caught.value) == (f"{target}: image 1 nests directories deeper than 128 levels "
                                 "(not a Windows update image)")
    assert time.monotonic() - started < 5
