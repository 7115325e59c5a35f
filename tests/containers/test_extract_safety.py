"""Extraction never writes outside its directory, never follows links, never overwrites silently."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pkginspect.containers import extract, open_package, sanitize
from pkginspect.errors import ExtractionError
from tests.containers.conftest import folder

HOSTILE = [
    "..\\..\\evil.txt",
    "../../../etc/evil",
    "/etc/passwd",
    "C:\\Windows\\System32\\evil.dll",
    "\\\\server\\share\\evil",
    "a/../../b",
    "CON",
    "nul.txt",
    "sub\\..\\..\\x",
    "ok/name.txt",
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("..\\..\\evil.txt", "evil.txt"),
        ("/etc/passwd", "etc/passwd"),
        ("C:\\Windows\\x.dll", "Windows/x.dll"),
        ("\\\\server\\share\\f", "server/share/f"),
        ("a/../../b", "a/b"),
        ("CON", "_CON"),
        ("aux.txt", "_aux.txt"),
        ("bad\x01name?.txt", "bad_name_.txt"),
        ("trailing. ", "trailing"),
        ("/", "_unnamed"),
    ],
)
def test_sanitize(name: str, expected: str) -> None:
    assert sanitize(name) == expected


def test_hostile_names_stay_inside(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    path = make_cab(folder([(name, name.encode()) for name in HOSTILE]))
    target = tmp_path / "deep" / "out"
    with open_package(path) as package:
        results = extract(package, target)
    assert len(results) == len(HOSTILE)
    real_target = os.path.realpath(target)
    for root, _, names in os.walk(tmp_path):
        for name in names:
            full = os.path.realpath(os.path.join(root, name))
            if full.endswith(".cab"):
                continue
            assert full.startswith(real_target + os.sep), full
    assert all(r.note for r in results if r.member != "ok/name.txt")


def test_symlink_in_destination_refused(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "sub").symlink_to(outside)
    path = make_cab(folder([("sub\\file.txt", b"x")]))
    with open_package(path) as package, pytest.raises(ExtractionError, match="refusing to write through symbolic link"):
        extract(package, dest)
    assert not list(outside.iterdir())
    (dest / "file.txt").symlink_to(outside / "target")
    path = make_cab(folder([("file.txt", b"x")]))
    with open_package(path) as package, pytest.raises(ExtractionError, match="refusing to replace symbolic link"):
        extract(package, dest, overwrite=True)
    assert not (outside / "target").exists()


def test_existing_files_need_overwrite(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "a.txt").write_bytes(b"old")
    path = make_cab(folder([("a.txt", b"new")]))
    with open_package(path) as package, pytest.raises(ExtractionError, match=r"already exists .*--overwrite"):
        extract(package, dest)
    assert (dest / "a.txt").read_bytes() == b"old"
    with open_package(path) as package:
        extract(package, dest, overwrite=True)
    assert (dest / "a.txt").read_bytes() == b"new"


def test_collisions_are_renamed_and_reported(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    path = make_cab(folder([("x", b"1"), ("X", b"2"), ("../x", b"3"), ("x/y", b"4")]))
    with open_package(path) as package:
        results = extract(package, tmp_path / "d")
    assert [r.target for r in results] == ["x", "X~2", "x~3", "x~4/y"]
    assert [(tmp_path / "d" / r.target).read_bytes() for r in results] == [b"1", b"2", b"3", b"4"]
    assert "another member has that name" in (results[1].note or "")


def test_nested_members_extract_into_dot_d(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    inner = make_cab(folder([("update.mum", b"<assembly/>"), ("a\\b.manifest", b"m")]))
    outer = make_cab(folder([("inner.cab", inner.read_bytes())]))
    with open_package(outer) as package:
        results = extract(package, tmp_path / "d", ["inner.cab!update.mum"])
        assert [r.target for r in results] == ["inner.cab.d/update.mum"]
        everything = extract(package, tmp_path / "e", recursive=True)
    assert sorted(r.target for r in everything) == ["inner.cab", "inner.cab.d/a/b.manifest", "inner.cab.d/update.mum"]
