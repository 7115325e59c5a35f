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
    args = ["extract", sample, "WSUSSCAN.cab", "-d", str(tmp_path), "--max-member-size", "1K"]
    limited = CliRunner().invoke(main, args)
    assert limited.exit_code == 3
    assert "exceeds the max_member_size limit; raise it with --max-member-size" in limited.stderr
    usage = CliRunner().invoke(main, ["ls", sample, "--max-member-size", "lots"])
    assert usage.exit_code == 2 and "is not a size" in usage.output
