"""Extraction safety beyond test_extract_safety.py: more hostile names, symlink tricks, collisions, overwrites.

Every test checks the same two promises: nothing is written outside the target directory, and nothing that
already exists is overwritten without ``overwrite=True`` (and even then never through a link).
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.containers import Member, extract, open_package, sanitize
from pkginspect.containers.cab import CabinetReader
from pkginspect.errors import CorruptContainerError, ExtractionError
from tests.containers.conftest import cabinet, folder
from tests.fuzz.exercise import EscapeError, check_inside

REPO = Path(__file__).resolve().parent.parent.parent
# The package re-exports the function ``extract`` under the module's name: reach the module itself.
extract_module = importlib.import_module("pkginspect.containers.extract")
BROKEN = REPO / "fixtures" / "packages" / "broken"

# Names that try to leave the target: parent steps, roots, drives, UNC and device paths, devices, streams.
ESCAPES = [
    "..\\",
    "../",
    "..",
    "./../x1",
    "....//x2",
    "..\\..\\..\\..\\..\\..\\..\\..\\tmp\\x3",
    "a/b/../../../x4",
    "/x5",
    "\\x6",
    "//x7",
    "C:x8",
    "c:/x9",
    "Z:\\..\\x10",
    "\\\\server\\share\\x11",
    "\\\\?\\C:\\x12",
    "\\\\.\\PhysicalDrive0",
    "//?/UNC/server/share/x13",
    "CON",
    "con.txt",
    "COM1",
    "LPT9.log",
    "NUL.tar.gz",
    "aux ",
    "prn.",
    "x14:ads:$DATA",
    "x15\x07bell",
    "x16\x1b[31m",
    "sub/x17 . .",
    "…/x18",
]


def all_files(root: Path) -> list[Path]:
    """Every file (not directory) under ``root``."""
    return [Path(r) / n for r, _, names in os.walk(root) for n in names]


def test_escaping_names_stay_inside(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    path = make_cab(folder([(name, str(index).encode()) for index, name in enumerate(ESCAPES)]), name="escape.cab")
    sandbox = tmp_path / "sandbox"
    target = sandbox / "one" / "two" / "three" / "out"
    with open_package(path) as package:
        results = extract(package, target)
    check_inside(sandbox, target)
    assert len(results) == len(ESCAPES)
    for result in results:
        assert not result.target.startswith(("/", "\\")) and ".." not in result.target.split("/"), result
        assert ":" not in result.target and "\\" not in result.target
        assert all(ord(c) >= 0x20 for c in result.target)
        assert (target / result.target).is_file()
    contents = sorted(p.read_bytes() for p in all_files(sandbox))
    assert contents == sorted(str(index).encode() for index in range(len(ESCAPES)))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("..\\", "_unnamed"),
        ("C:x8", "x8"),
        ("a:b", "b"),
        ("\\\\?\\C:\\x12", "_/C_/x12"),
        ("\\\\.\\PhysicalDrive0", "PhysicalDrive0"),
        ("COM1", "_COM1"),
        ("LPT9.log", "_LPT9.log"),
        ("NUL.tar.gz", "_NUL.tar.gz"),
        ("aux ", "_aux"),
        ("prn.", "_prn"),
        ("x14:ads:$DATA", "x14_ads_$DATA"),
        ("sub/x17 . .", "sub/x17"),
    ],
)
def test_sanitize_more_names(name: str, expected: str) -> None:
    assert sanitize(name) == expected


def test_nested_escapes_stay_inside(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    inner = make_cab(folder([("..\\..\\..\\inner-evil", b"1"), ("/abs-evil", b"2")]))
    outer = make_cab(folder([("..\\inner.cab", inner.read_bytes())]))
    target = tmp_path / "s" / "a" / "out"
    with open_package(outer) as package:
        results = extract(package, target, recursive=True)
    check_inside(tmp_path / "s", target)
    assert sorted(r.target for r in results) == ["inner.cab", "inner.cab.d/abs-evil", "inner.cab.d/inner-evil"]


def test_hostile_fixtures_through_the_cli(tmp_path: Path) -> None:
    for name in ("traversal.cab", "absolute-names.cab"):
        sandbox = tmp_path / name
        target = sandbox / "deep" / "out"
        result = CliRunner().invoke(main, ["extract", str(BROKEN / name), "-d", str(target), "--recursive"])
        assert result.exit_code == 0, result.output
        check_inside(sandbox, target)
        assert "sanitised" in result.output
        assert all_files(target)


# -- symbolic links on the destination ---------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside every extraction target, which must stay empty."""
    path = tmp_path / "outside"
    path.mkdir()
    return path


def test_symlinked_parent_deeper_down_is_refused(make_cab: Callable[..., Path], tmp_path: Path, outside: Path) -> None:
    dest = tmp_path / "dest"
    (dest / "a").mkdir(parents=True)
    (dest / "a" / "b").symlink_to(outside, target_is_directory=True)
    path = make_cab(folder([("a\\b\\c\\file.txt", b"x")]))
    with open_package(path) as package, pytest.raises(ExtractionError, match="refusing to write through symbolic"):
        extract(package, dest)
    assert not list(outside.iterdir())


def test_dangling_symlink_at_target_name_is_refused(
    make_cab: Callable[..., Path], tmp_path: Path, outside: Path
) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "file.txt").symlink_to(outside / "created-through-link")
    path = make_cab(folder([("file.txt", b"x")]))
    for overwrite in (False, True):
        with open_package(path) as package, pytest.raises(ExtractionError, match="symbolic link"):
            extract(package, dest, overwrite=overwrite)
    assert not list(outside.iterdir())
    assert (dest / "file.txt").is_symlink()


def test_symlink_to_a_file_outside_is_never_written_through(
    make_cab: Callable[..., Path], tmp_path: Path, outside: Path
) -> None:
    secret = outside / "secret"
    secret.write_bytes(b"keep")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "file.txt").symlink_to(secret)
    path = make_cab(folder([("file.txt", b"overwritten")]))
    with open_package(path) as package, pytest.raises(ExtractionError):
        extract(package, dest, overwrite=True)
    assert secret.read_bytes() == b"keep"


def test_hard_link_is_replaced_not_written_through(
    make_cab: Callable[..., Path], tmp_path: Path, outside: Path
) -> None:
    secret = outside / "secret"
    secret.write_bytes(b"keep")
    dest = tmp_path / "dest"
    dest.mkdir()
    os.link(secret, dest / "file.txt")
    path = make_cab(folder([("file.txt", b"new")]))
    with open_package(path) as package, pytest.raises(ExtractionError, match="already exists"):
        extract(package, dest)
    with open_package(path) as package:
        extract(package, dest, overwrite=True)
    assert secret.read_bytes() == b"keep"
    assert (dest / "file.txt").read_bytes() == b"new"


def test_destination_that_is_a_symlink_is_followed_once(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    """The user names the destination; a link there is the user's choice (as with tar -C), nothing further."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    path = make_cab(folder([("a/b.txt", b"x")]))
    with open_package(path) as package:
        extract(package, tmp_path / "link")
    assert (real / "a" / "b.txt").read_bytes() == b"x"


def _swap_in_symlink(directory: Path, outside: Path) -> None:
    """Move ``directory`` away and put a link to ``outside`` in its place, with the same subfolders ready."""
    moved = directory.with_name(directory.name + "-moved")
    directory.rename(moved)
    for sub in moved.iterdir():
        if sub.is_dir():
            (outside / sub.name).mkdir(exist_ok=True)
    directory.symlink_to(outside, target_is_directory=True)


def test_symlink_swapped_in_between_members_is_refused(
    make_cab: Callable[..., Path], tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first member wrote ``sub/``, an attacker replaces it with a link: the next write refuses it."""
    dest = tmp_path / "dest"
    path = make_cab(folder([("sub\\a.txt", b"a"), ("sub\\b.txt", b"b")]))
    original = CabinetReader.iter_open

    def iter_open(self: CabinetReader, members: Sequence[Member]) -> Iterator[tuple[Member, BinaryIO]]:
        for index, item in enumerate(original(self, members)):
            if index == 1:
                _swap_in_symlink(dest / "sub", outside)
            yield item

    monkeypatch.setattr(CabinetReader, "iter_open", iter_open)
    with open_package(path) as package, pytest.raises(ExtractionError, match="symbolic link"):
        extract(package, dest)
    assert not list(outside.iterdir())


@pytest.mark.skipif(not extract_module._RELATIVE_OPEN, reason="no dir_fd opens here: the race cannot be closed")
@pytest.mark.parametrize(("trigger", "swapped_dir"), [("file.txt", "sub"), ("deeper", "sub/deeper")])
def test_symlink_swapped_in_during_one_write_is_not_followed(
    make_cab: Callable[..., Path], tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch, trigger: str,
    swapped_dir: str,
) -> None:
    """The race inside one write: a directory becomes a link after it was checked, before the next open.

    The writer must open each directory without following links (``dir_fd`` + ``O_NOFOLLOW``), so the swap
    is either refused or harmless; it must never put the file outside.
    """
    dest = tmp_path / "dest"
    (dest / "sub").mkdir(parents=True)
    path = make_cab(folder([("sub\\deeper\\file.txt", b"x")]))
    real_open = os.open
    swapped: list[bool] = []

    def racing_open(file: str | os.PathLike[str], flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if not swapped and os.fspath(file).endswith(trigger):
            swapped.append(True)
            _swap_in_symlink(dest / swapped_dir, outside)
        return real_open(file, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(extract_module.os, "open", racing_open)
    with open_package(path) as package, contextlib.suppress(ExtractionError):  # refused, or harmless: not outside
        extract(package, dest)
    assert swapped, "the race was not exercised"
    assert not all_files(outside), "a file was written through a directory swapped for a link"


# -- collisions and overwrites ------------------------------------------------------------------------------


def test_sanitised_equal_names_are_renamed(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    files = [("ab:c", b"1"), ("ab_c", b"2"), ("AB?C", b"3"), ("CON", b"4"), ("_CON", b"5"), ("t.", b"6"), ("t", b"7")]
    path = make_cab(folder(files))
    with open_package(path) as package:
        results = extract(package, tmp_path / "d")
    assert [r.target for r in results] == ["ab_c", "ab_c~2", "AB_C~3", "_CON", "_CON~2", "t", "t~2"]
    assert [(tmp_path / "d" / r.target).read_bytes() for r in results] == [data for _, data in files]
    renamed = [i for i, r in enumerate(results) if "another member has that name" in (r.note or "")]
    assert renamed == [1, 2, 4, 6]


def test_directory_then_file_of_the_same_name(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    path = make_cab(folder([("d\\e", b"1"), ("D", b"2")]))
    with open_package(path) as package:
        results = extract(package, tmp_path / "out")
    assert [r.target for r in results] == ["d/e", "D~2"]
    assert (tmp_path / "out" / "D~2").read_bytes() == b"2"


def test_nested_and_top_level_names_that_meet(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    """``inner.cab!x`` is written to ``inner.cab.d/x``; a top-level member of that very name must not clash."""
    inner = make_cab(folder([("x", b"nested")]))
    outer = make_cab(folder([("inner.cab.d\\x", b"top"), ("inner.cab", inner.read_bytes())]))
    with open_package(outer) as package:
        results = extract(package, tmp_path / "out", recursive=True)
    written = {r.member: (tmp_path / "out" / r.target).read_bytes() for r in results if r.member.endswith("x")}
    assert written == {"inner.cab.d/x": b"top", "inner.cab!x": b"nested"}


def test_duplicates_in_one_run_never_overwrite_each_other(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    path = make_cab(folder([("same", b"1"), ("same", b"2"), ("SAME", b"3")]))
    with open_package(path) as package:
        results = extract(package, tmp_path / "out", overwrite=True)
    assert sorted((tmp_path / "out" / r.target).read_bytes() for r in results) == [b"1", b"2", b"3"]


def test_overwrite_never_replaces_a_directory(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    (dest / "thing").mkdir(parents=True)
    (dest / "thing" / "keep").write_bytes(b"k")
    path = make_cab(folder([("thing", b"x")]))
    with open_package(path) as package, pytest.raises(ExtractionError, match="already exists"):
        extract(package, dest, overwrite=True)
    assert (dest / "thing" / "keep").read_bytes() == b"k"


def test_existing_file_under_a_new_name_is_kept(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    """Without --overwrite an existing file stops the run and keeps its bytes, whichever member reaches it."""
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "ab_c").write_bytes(b"old")
    path = make_cab(folder([("ab:c", b"new")]))  # sanitises onto the existing name
    with open_package(path) as package, pytest.raises(ExtractionError, match="already exists"):
        extract(package, dest)
    assert (dest / "ab_c").read_bytes() == b"old"


def test_failed_member_leaves_no_partial_file(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    text = os.urandom(50_000).hex().encode()
    path = make_cab(folder([("good.txt", b"fine"), ("broken.txt", text)]))
    with open_package(path) as package:
        offset = cabinet(package.root).folders[0].data_offset
    data = bytearray(path.read_bytes())
    data[offset + 8 + 200 : offset + 8 + 400] = bytes(200)  # damage the deflate stream of the first block
    path.write_bytes(bytes(data))
    with open_package(path) as package, pytest.raises(CorruptContainerError):
        extract(package, tmp_path / "out")
    assert not (tmp_path / "out" / "broken.txt").exists()


def test_check_inside_catches_escapes(tmp_path: Path) -> None:
    """The checker the fuzzers rely on does see a file beside the target, and a link inside it."""
    target = tmp_path / "a" / "out"
    target.mkdir(parents=True)
    (tmp_path / "a" / "evil").write_bytes(b"x")
    with pytest.raises(EscapeError, match="outside its target"):
        check_inside(tmp_path, target)
    (tmp_path / "a" / "evil").unlink()
    (target / "link").symlink_to(tmp_path)
    with pytest.raises(EscapeError, match="symbolic link"):
        check_inside(tmp_path, target)


def test_name_too_long_for_the_file_system_is_a_clean_error(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    """Found in review: 255 cp1252 bytes become 510 UTF-8 bytes on disk; the OSError escaped as a crash."""
    data = make_cab(folder([("A" * 255, b"x")])).read_bytes()
    path = tmp_path / "long.cab"
    path.write_bytes(data.replace(b"A" * 255, b"\xe9" * 255))
    with open_package(path) as package, pytest.raises(ExtractionError, match=r"cannot write .*: File name too long"):
        extract(package, tmp_path / "out")
    result = CliRunner().invoke(main, ["extract", str(path), "-d", str(tmp_path / "cli")])
    assert result.exit_code == 3 and result.stderr.startswith(f"pkginspect: error: {path}!")
    assert result.stderr.count("\n") == 1


def test_destination_that_is_a_file_is_a_clean_error(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"keep")
    with open_package(make_cab(folder([("a", b"x")]))) as package, pytest.raises(
        ExtractionError, match="cannot create the target directory"
    ):
        extract(package, blocker / "out")
    assert blocker.read_bytes() == b"keep"
