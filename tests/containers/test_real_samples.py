"""The genuine Microsoft packages list, extract and navigate completely, matching cabextract."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pkginspect.containers import extract, open_package
from tests.containers.conftest import cabinet
from tests.shared import shared_dir

REAL = (shared_dir() or Path("/nonexistent")) / "samples" / "real"
SAMPLES = ["KB4538483-x64.msu", "KB2465285-x64.msu", "KB3040017-x64.msu", "KB2938772-x64.cab", "kb2883457-amd64.cab"]
needs_cabextract = pytest.mark.skipif(shutil.which("cabextract") is None, reason="cabextract not installed")


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(Path(d, n).relative_to(root)).casefold(): hashlib.sha256(Path(d, n).read_bytes()).hexdigest()
        for d, _, names in os.walk(root)
        for n in names
    }


def cabextract_recursive(path: Path, out: Path) -> None:
    """Extract with cabextract, then every nested cabinet into ``<name>.d`` (pkginspect's layout)."""
    subprocess.run(["cabextract", "-q", "-d", str(out), str(path)], check=True, capture_output=True)
    for name in sorted(os.listdir(out)):
        child = out / name
        if child.is_file() and name.lower().endswith(".cab") and child.read_bytes()[:4] == b"MSCF":
            cabextract_recursive(child, out / f"{name}.d")


@needs_cabextract
@pytest.mark.parametrize("name", SAMPLES)
def test_extracts_completely_like_cabextract(real_samples: Path, name: str, tmp_path: Path) -> None:
    with open_package(real_samples / name) as package:
        written = extract(package, tmp_path / "ours", recursive=True)
    assert written
    cabextract_recursive(real_samples / name, tmp_path / "ref")
    assert tree_hashes(tmp_path / "ours") == tree_hashes(tmp_path / "ref")


def test_nested_paths_reach_inner_metadata(real_samples: Path) -> None:
    with open_package(real_samples / "KB4538483-x64.msu") as package:
        mum = package.read("Windows6.1-KB4538483-x64.cab!update.mum")
        assert mum.startswith(b"\xef\xbb\xbf<?xml") and b'identifier="KB4538483"' in mum
        assert package.read("windows6.1-kb4538483-x64.cab/UPDATE.MUM") == mum
        package_xml = package.read("WSUSSCAN.cab!package.cab!package.xml")
        assert b"OfflineSyncPackage" in package_xml
        inner = package.container("Windows6.1-KB4538483-x64.cab")
        assert {f.compression for f in cabinet(inner).folders} == {"lzx:21"}
        wsus = package.container("WSUSSCAN.cab!package.cab")
        assert cabinet(wsus).header.header_reserve == 6144
        assert cabinet(package.root).header.signed


@pytest.mark.parametrize("name", SAMPLES)
def test_walk_lists_nested_containers(real_samples: Path, name: str) -> None:
    with open_package(real_samples / name) as package:
        entries = list(package.walk())
    nested = [e.path for e in entries if e.container]
    if name.endswith(".msu"):
        assert "WSUSSCAN.cab" in nested and "WSUSSCAN.cab!package.cab" in nested
        assert any(p.startswith("Windows6.1-") for p in nested)
    assert all(e.member.size >= 0 for e in entries)
