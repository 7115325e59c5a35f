"""Where the command line writes (issue 17, items 2, 4 and 6): ``-o`` targets, environment errors, --debug,
escaping of C1 and bidi characters, each error printed once and naming its package once."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.cabwriter import Folder, Member, build_cabinet
from pkginspect.cli import PARTIAL_SUFFIX, main

REPO = Path(__file__).resolve().parents[1]
PACKAGE = str(REPO / "fixtures" / "packages" / "Windows10.0-KB5036899-x64.msu")
FLEET = str(REPO / "fixtures" / "machines" / "fleet.json")
AUDIT = ["audit", PACKAGE, "--fleet", FLEET, "--format", "json", "--jobs", "1"]


def run(*args: str, stdout: int | None = subprocess.PIPE, env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pkginspect", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=60, cwd=REPO, env={**os.environ, **(env or {})})


def test_output_to_a_device_writes_through_it() -> None:
    before = os.stat("/dev/null")
    result = CliRunner().invoke(main, [*AUDIT, "-o", "/dev/null"])
    assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_output_to_a_symlink_to_a_device_keeps_both(tmp_path: Path) -> None:
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    assert CliRunner().invoke(main, [*AUDIT, "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_symlink_to_a_file_replaces_the_file_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "report.json"
    link.symlink_to(real)
    assert CliRunner().invoke(main, [*AUDIT, "-o", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert json.loads(real.read_text())["decisions"]
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the existing file's mode is kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["real.json", "report.json"]


def test_output_to_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    nobody = CliRunner().invoke(main, [*AUDIT, "-o", str(fifo)])
    assert nobody.exit_code == 3
    assert nobody.stderr == f"pkginspect: error: {fifo}: cannot write the report: no process is reading it\n"
    received: list[bytes] = []
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is waiting
    reader = threading.Thread(target=lambda: received.append(_drain(fd)))
    reader.start()
    result = CliRunner().invoke(main, [*AUDIT, "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert json.loads(b"".join(received))["decisions"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def _drain(fd: int) -> bytes:
    import select

    os.set_blocking(fd, True)
    chunks = []
    select.select([fd], [], [], 30)
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


@pytest.mark.parametrize(("target", "message"), [
    ("/dev/full", "/dev/full: cannot write the report: No space left on device"),
    ("{tmp}/missing/report.json", "{tmp}/missing/report.json: cannot write the report: folder {tmp}/missing does "
                                  "not exist"),
])
def test_output_errors_are_exit_3(tmp_path: Path, target: str, message: str) -> None:
    result = CliRunner().invoke(main, [*AUDIT, "-o", target.format(tmp=tmp_path)])
    assert result.exit_code == 3
    assert result.stderr == f"pkginspect: error: {message.format(tmp=tmp_path)}\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_output_to_a_read_only_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        result = CliRunner().invoke(main, [*AUDIT, "-o", str(tmp_path / "r.json")])
    finally:
        tmp_path.chmod(0o755)
    assert result.exit_code == 3 and "cannot write the report: Permission denied" in result.stderr


def test_a_terminating_signal_while_writing_leaves_no_partial_file(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys\n"
        "import pkginspect.cli as cli\n"
        "real = os.replace\n"
        "def replace(a, b):\n"
        "    assert a.endswith(cli.PARTIAL_SUFFIX), a\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.replace = replace\n"
        "cli._write_atomically(sys.argv[1], 'x' * 100000)\n"
    )
    target = tmp_path / "report.txt"
    result = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, timeout=60, cwd=REPO)
    assert result.returncode == -15, result.stderr
    assert list(tmp_path.iterdir()) == []
    assert PARTIAL_SUFFIX == ".pkginspect-partial"


def test_standard_output_on_a_full_disk_is_exit_3() -> None:
    with open("/dev/full", "w") as full:
        result = run("ls", PACKAGE, stdout=full.fileno())
    assert result.returncode == 3
    assert result.stderr == "pkginspect: error: standard output: cannot write: No space left on device\n"


def test_debug_keeps_the_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.msu"
    bad.write_bytes(b"MSCF" + b"\0" * 10)
    result = run("--debug", "ls", str(bad))
    assert result.returncode == 3
    assert "Traceback" in result.stderr
    assert result.stderr.endswith(f"pkginspect: error: {bad}: truncated cabinet header: 14 of 36 bytes present\n")
    full = run("--debug", "ls", PACKAGE, stdout=os.open("/dev/full", os.O_WRONLY))
    assert full.returncode == 3 and "Traceback" in full.stderr


@pytest.mark.parametrize("value", ["99999999999999999999", "253402300800", "-1", "1e9", "١٢٣"])
def test_source_date_epoch_out_of_range(value: str) -> None:
    result = CliRunner().invoke(main, AUDIT, env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH must be whole seconds from 0 to 253402300799 (9999-12-31)" in result.output


HOSTILE_NAME = "evil\x9b2Jname\x85\u202etxt.exe\u2066.mum"


def test_c1_and_bidi_characters_are_escaped_everywhere(tmp_path: Path) -> None:
    cab = tmp_path / "pkg\u202e.cab"
    cab.write_bytes(build_cabinet([Folder([Member.from_bytes(HOSTILE_NAME, b"x", dt.datetime(2024, 1, 1))])]))
    listing = CliRunner().invoke(main, ["ls", str(cab)])
    assert listing.exit_code == 0
    assert "evil\\u009b2Jname\\u0085\\u202etxt.exe\\u2066.mum" in listing.output or \
        "evil\\x9b2Jname\\x85\\u202etxt.exe\\u2066.mum" in listing.output
    for text in (listing.output, CliRunner().invoke(main, ["ls", str(cab), "--format", "json"]).output):
        assert not any(ch in text for ch in "\x9b\x85\u202e\u2066")
    document = json.loads(CliRunner().invoke(main, ["ls", str(cab), "--format", "json"]).output)
    assert document["members"][0]["name"] == HOSTILE_NAME  # escaped in the text, intact in the data
    missing = CliRunner().invoke(main, ["extract", str(cab), "nope\x9b\u202e", "-d", str(tmp_path / "o")])
    assert missing.exit_code == 3
    assert "\x9b" not in missing.stderr and "\u202e" not in missing.stderr and "nope\\x9b\\u202e" in missing.stderr
    inspected = CliRunner().invoke(main, ["inspect", str(cab), "--no-hash"])
    assert not any(ch in inspected.output for ch in "\x9b\x85\u202e\u2066")


def test_each_error_once_naming_the_package_once(tmp_path: Path) -> None:
    broken = REPO / "fixtures" / "packages" / "broken" / "truncated-header.msu"
    result = CliRunner().invoke(main, ["inspect", str(broken), PACKAGE, "--no-hash"])
    assert result.exit_code == 3
    message = "truncated cabinet header: 20 of 36 bytes present"
    assert result.stderr == f"pkginspect: error: {broken}: {message}\n"
    assert message not in result.stdout and "KB5036899" in result.stdout
    as_json = CliRunner().invoke(main, ["inspect", str(broken), "--no-hash", "--format", "json"])
    assert json.loads(as_json.stdout)["errors"][0]["error"] == f"{broken}: {message}"  # data keeps it
    for command in (["classify", str(broken)], ["check", str(broken), "--machine", FLEET]):
        other = CliRunner().invoke(main, command)
        assert other.exit_code == 3 and message not in other.stdout and other.stderr.count(message) == 1


@pytest.mark.skipif(not Path("/usr/bin/wimlib-imagex").exists(), reason="wimtools not installed")
def test_a_nested_problem_names_the_package_once(tmp_path: Path) -> None:
    from tests.containers.conftest import folder
    from tests.containers.test_wim_links import hostile_wim

    wim = hostile_wim(tmp_path, unix_data=False)
    outer = tmp_path / "outer.msu"
    outer.write_bytes(build_cabinet([folder([("Windows11.0-KB5066835-x64.wim", wim.read_bytes())])]))
    result = CliRunner().invoke(main, ["inspect", str(outer), "--no-hash"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert f"pkginspect: error: {outer}!Windows11.0-KB5066835-x64.wim: secret.mum: is a symbolic link; links and " \
        "special files are never read" in lines
    assert all(line.count(str(outer)) == 1 for line in lines)


@pytest.mark.parametrize("value", ["9" * 400, "١٢M", "1e9", "1.0000001G"])
def test_size_options_refuse_what_is_not_a_bounded_size(value: str) -> None:
    result = CliRunner().invoke(main, ["ls", PACKAGE, "--max-member-size", value])
    assert result.exit_code == 2
    assert "is not a size (examples: 100000, 512M, 4G)" in result.output
