"""Every cabinet of the libmspack/cabextract corpus reads exactly as cabextract does, or fails cleanly."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.containers import open_package
from pkginspect.errors import PkgInspectError
from tests.shared import shared_dir

CORPUS = (shared_dir() or Path("/nonexistent")) / "samples" / "cab-corpus"
CABS = sorted(CORPUS.rglob("*.cab")) if CORPUS.is_dir() else []
IDS = [str(p.relative_to(CORPUS)) for p in CABS]


def cabextract_hashes(path: Path, tmp_path: Path) -> set[str] | None:
    """Content hashes of what cabextract extracts, or None when cabextract reports an error."""
    result = subprocess.run(["cabextract", "-q", "-d", str(tmp_path), str(path)], capture_output=True, timeout=60)
    if result.returncode:
        return None
    return {
        hashlib.sha256(Path(root, name).read_bytes()).hexdigest()
        for root, _, names in os.walk(tmp_path)
        for name in names
    }


def test_corpus_is_present(cab_corpus: Path) -> None:
    assert len(CABS) > 50


@pytest.mark.skipif(shutil.which("cabextract") is None, reason="cabextract not installed (apt-get install cabextract)")
@pytest.mark.parametrize("path", CABS, ids=IDS)
def test_reads_like_cabextract_or_fails_cleanly(path: Path, tmp_path: Path) -> None:
    reference = cabextract_hashes(path, tmp_path)
    try:
        with open_package(path) as package:
            ours = {hashlib.sha256(s.read()).hexdigest() for _, s in package.root.iter_open(list(package.members))}
    except PkgInspectError as error:
        assert str(error).startswith(str(path))
        return
    assert reference is not None, "pkginspect read a cabinet that cabextract rejects"
    assert ours == reference


@pytest.mark.parametrize("path", CABS, ids=IDS)
def test_cli_never_shows_a_traceback(path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["ls", str(path)], ["extract", str(path), "-d", str(tmp_path / "out")]):
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 3), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 3:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"pkginspect: error: {path}")
