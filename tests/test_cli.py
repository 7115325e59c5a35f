"""The command line: output, one-line errors with exit code 3, --debug, usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pkginspect.cli import main


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "ls" in result.output and "extract" in result.output


def test_ls_text_and_json(real_samples: Path) -> None:
    sample = str(real_samples / "KB4538483-x64.msu")
    text = CliRunner().invoke(main, ["ls", sample])
    assert text.exit_code == 0
    assert "WSUSSCAN.cab  [cab]" in text.output and "update.mum" in text.output
    data = json.loads(CliRunner().invoke(main, ["ls", sample, "--format", "json"]).output)
    paths = {m["path"] for m in data["members"]}
    assert "Windows6.1-KB4538483-x64.cab!update.mum" in paths
    assert data["kind"] == "cab"
    flat = json.loads(CliRunner().invoke(main, ["ls", sample, "--format", "json", "--no-recursive"]).output)
    assert len(flat["members"]) == 4


def test_extract_member(real_samples: Path, tmp_path: Path) -> None:
    sample = str(real_samples / "KB4538483-x64.msu")
    result = CliRunner().invoke(
        main, ["extract", sample, "Windows6.1-KB4538483-x64.cab!update.mum", "-d", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Windows6.1-KB4538483-x64.cab.d" / "update.mum").read_bytes().startswith(b"\xef\xbb\xbf")


def test_bad_input_is_one_line_exit_3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.msu"
    bad.write_bytes(b"MSCF" + b"\0" * 10)
    result = subprocess.run([sys.executable, "-m", "pkginspect", "ls", str(bad)], capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stderr == f"pkginspect: error: {bad}: truncated cabinet header: 14 of 36 bytes present\n"
    debug = subprocess.run(
        [sys.executable, "-m", "pkginspect", "--debug", "ls", str(bad)], capture_output=True, text=True
    )
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_missing_member_and_limits_options(real_samples: Path, tmp_path: Path) -> None:
    sample = str(real_samples / "KB4538483-x64.msu")
    result = CliRunner().invoke(main, ["extract", sample, "nope.txt", "-d", str(tmp_path)])
    assert result.exit_code == 3
    assert "no member named 'nope.txt'" in result.stderr
    close = CliRunner().invoke(main, ["extract", sample, "wsusscan.cb", "-d", str(tmp_path)])
    assert close.exit_code == 3
    assert "no member named 'wsusscan.cb' (did you mean 'WSUSSCAN.cab'?)" in close.stderr
    args = ["extract", sample, "WSUSSCAN.cab", "-d", str(tmp_path), "--max-member-size", "1K"]
    limited = CliRunner().invoke(main, args)
    assert limited.exit_code == 3
    assert "exceeds the max_member_size limit; raise it with --max-member-size" in limited.stderr
    usage = CliRunner().invoke(main, ["ls", sample, "--max-member-size", "lots"])
    assert usage.exit_code == 2 and "is not a size" in usage.output


REPO = Path(__file__).resolve().parents[1]
FIXTURE_MSU = sorted(str(p) for p in (REPO / "fixtures" / "packages").glob("*.msu"))
FLEET = str(REPO / "fixtures" / "machines" / "fleet.json")


def test_audit_to_file_and_exit_codes(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    result = CliRunner().invoke(main, ["audit", *FIXTURE_MSU, "--fleet", FLEET, "--format", "markdown",
                                       "-o", str(target), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("# pkginspect audit")
    assert target.stat().st_mode & 0o044  # an ordinary readable file, not mkstemp's 0600
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]  # no temporary file left behind
    failing = CliRunner().invoke(main, ["audit", *FIXTURE_MSU, "--fleet", FLEET, "--format", "junit",
                                        "--jobs", "1", "--fail-on", "reboot"])
    assert failing.exit_code == 1 and "<testsuites" in failing.stdout


def test_audit_package_timeout(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["audit", FIXTURE_MSU[0], "--fleet", FLEET, "--format", "json", "--jobs", "1",
                                       "--package-timeout", "0.000001"])
    assert result.exit_code == 3
    assert "exceeds the package_timeout limit; raise it with --package-timeout" in result.stderr


def test_check_strict_and_fail_on(tmp_path: Path) -> None:
    bare = tmp_path / "bare.json"
    bare.write_text('{"name": "bare", "product": "windows-server-2022", "architecture": "amd64", '
                    '"build": "20348.2402"}')
    hotpatch = str(REPO / "fixtures/packages/Windows10.0-KB5037848-x64.msu")
    unknown = CliRunner().invoke(main, ["check", hotpatch, "--machine", str(bare)])
    assert unknown.exit_code == 0 and "unknown" in unknown.output
    assert "edition" in unknown.output.split("missing: ")[1]
    assert CliRunner().invoke(main, ["check", hotpatch, "--machine", str(bare), "--strict"]).exit_code == 1
    vbs_off = str(REPO / "fixtures/machines/azure-edition-vbs-off.json")
    assert CliRunner().invoke(main, ["check", hotpatch, "--machine", vbs_off, "--fail-on", "reboot"]).exit_code == 1


def test_listing_escapes_control_characters(tmp_path: Path) -> None:
    import datetime as dt

    from fixtures.cabwriter import Folder, Member, build_cabinet

    cab = tmp_path / "odd.cab"
    member = Member.from_bytes("evil\x1b[2Jname\n.txt", b"x", dt.datetime(2024, 1, 1))
    cab.write_bytes(build_cabinet([Folder([member])]))
    result = CliRunner().invoke(main, ["ls", str(cab)])
    assert result.exit_code == 0
    assert "evil\\x1b[2Jname\\n.txt" in result.output and "\x1b" not in result.output
