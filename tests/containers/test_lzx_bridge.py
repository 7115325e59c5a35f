"""The libarchive bridge for LZX folders, including a missing library."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pkginspect.containers import open_package
from pkginspect.errors import NativeLibraryError


def test_missing_libarchive_names_the_package(real_samples: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "libarchive", None)
    with open_package(real_samples / "KB2938772-x64.cab") as package:
        name = next(m.name for m in package.members if m.name.endswith(".mum"))
        with pytest.raises(NativeLibraryError, match=r"LZX needs libarchive.*apt-get install libarchive13"):
            package.read(name)


def test_lzx_member_streams_in_chunks(real_samples: Path) -> None:
    with open_package(real_samples / "KB2938772-x64.cab") as package:
        member = max(package.members, key=lambda m: m.size)
        with package.open(member.name) as stream:
            first = stream.read(1000)
            rest = stream.read()
        assert len(first) + len(rest) == member.size
