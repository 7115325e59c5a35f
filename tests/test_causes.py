"""Errors keep their cause (``raise … from exc``): shown under ``--debug``, never in the one-line message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pkginspect.errors import MetadataError, PkgInspectError, RuleError
from pkginspect.metadata.xmlsafe import parse_xml
from pkginspect.rules.engine import load_ruleset
from pkginspect.textfiles import read_text


def test_library_errors_keep_their_cause(tmp_path: Path) -> None:
    with pytest.raises(PkgInspectError) as missing:
        read_text(tmp_path / "nope.toml", limit=100, error=RuleError, what="a rules file")
    assert isinstance(missing.value.__cause__, FileNotFoundError)
    with pytest.raises(MetadataError) as xml:
        parse_xml(b"<a><b></a>", "x.xml")
    assert xml.value.__cause__ is not None
    bad = tmp_path / "rules.toml"
    bad.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(RuleError) as toml:
        load_ruleset([bad])
    assert type(toml.value.__cause__).__name__ == "TOMLDecodeError"


def test_cause_only_under_debug(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.msu")
    plain = subprocess.run([sys.executable, "-m", "pkginspect", "ls", missing], capture_output=True, text=True)
    assert plain.returncode == 3
    assert plain.stderr == f"pkginspect: error: {missing}: no such file\n"
    debug = subprocess.run([sys.executable, "-m", "pkginspect", "--debug", "ls", missing],
                           capture_output=True, text=True)
    assert debug.returncode == 3
    assert "FileNotFoundError" in debug.stderr and "direct cause" in debug.stderr
