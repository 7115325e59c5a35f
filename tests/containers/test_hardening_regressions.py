"""Regression tests for what the fuzzers found, each rebuilt on a small synthetic input.

(The campaign's inputs were mutations of Microsoft's samples, which cannot be committed: each test below
recreates the same damage on a cabinet made here.)
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.cabwriter import COMPRESS_NONE, Folder, Member, build_cabinet
from pkginspect.containers import open_package
from pkginspect.containers.cab import CabinetReader
from pkginspect.errors import CorruptContainerError, PkgInspectError
from pkginspect.package import inspect
from tests.containers.conftest import cabinet, folder

WHEN = dt.datetime(2024, 4, 9, 10, 0, 0)
WIM_PACKAGE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "packages" / "Windows11.0-KB5068966-x64.msu"
LZX21 = 0x1503
MUM = (
    b"<?xml version='1.0' encoding='utf-8'?><assembly xmlns='urn:schemas-microsoft-com:asm.v3' manifestVersion='1.0'>"
    b"<assemblyIdentity name='Package_for_KB5000001' version='10.0.1.0' processorArchitecture='amd64' "
    b"language='neutral' publicKeyToken='31bf3856ad364e35'/><package identifier='KB5000001' releaseType='Update'/>"
    b"</assembly>"
)


def files_offset(data: bytes | bytearray) -> int:
    return int(struct.unpack_from("<I", data, 16)[0])


def test_lzx_folder_without_blocks_and_empty_members(tmp_path: Path) -> None:
    """Found: an LZX folder whose data offset lies past the cabinet crashed building libarchive's header."""
    data = bytearray(build_cabinet([Folder([Member.from_bytes("empty", b"", WHEN)], COMPRESS_NONE)]))
    struct.pack_into("<IHH", data, 36, 0xFFFFFF00, 0, LZX21)  # CFFOLDER: offset past the end, no blocks, LZX
    path = tmp_path / "x.cab"
    path.write_bytes(bytes(data))
    with open_package(path) as package:
        assert [(m.name, s.read()) for m, s in package.root.iter_open(list(package.members))] == [("empty", b"")]
    struct.pack_into("<I", data, files_offset(data), 5)  # the member now needs 5 bytes that no block holds
    path.write_bytes(bytes(data))
    with open_package(path) as package, pytest.raises(CorruptContainerError, match="past the 0 bytes its 0 blocks"):
        package.read("empty")


def test_lzx_member_ending_past_four_gigabytes(tmp_path: Path) -> None:
    """Found: offset + size over 2**32 raised struct.error (not a PkgInspectError) in the LZX bridge."""
    data = bytearray(build_cabinet([folder([("a", b"x" * 100), ("b", b"y" * 100)])]))
    struct.pack_into("<H", data, 36 + 6, LZX21)
    entry_b = files_offset(data) + 16 + 2
    struct.pack_into("<II", data, entry_b, 0xFFFFFFFF, 0xFFFFFF00)
    path = tmp_path / "x.cab"
    path.write_bytes(bytes(data))
    with open_package(path) as package, pytest.raises(CorruptContainerError) as caught:
        package.read("b")
    assert "data ends at byte 8589934335, past the 32768 bytes its 1 blocks can hold" in str(caught.value)


def test_error_inside_libarchive_callback_is_kept(
    make_cab: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: a read error of the parent cabinet, raised while libarchive pulled LZX data through a ctypes
    callback, was printed as "Exception ignored … Traceback" on stderr and replaced by a vaguer error."""
    inner = bytearray(build_cabinet([folder([("payload.bin", bytes(range(256)) * 600)], "none")]))
    struct.pack_into("<H", inner, 36 + 6, LZX21)  # not real LZX data: libarchive needs all of it first
    outer = make_cab(folder([("inner.cab", bytes(inner))]), name="outer.cab")
    data = bytearray(outer.read_bytes())
    with open_package(outer) as package:
        first = cabinet(package.root).folders[0].data_offset
    # Damage the outer cabinet's third MSZIP block: the inner tables (block 0) still read.
    offset = first
    for _ in range(2):
        offset += 8 + int.from_bytes(data[offset + 4 : offset + 6], "little")
    data[offset + 8 : offset + 10] = b"ZZ"
    outer.write_bytes(bytes(data))
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with open_package(outer) as package, pytest.raises(CorruptContainerError) as caught:
        package.read("inner.cab!payload.bin")
    assert unraisable == []
    assert str(caught.value).startswith(f"{outer}: inner.cab: data block 2 of folder 0: missing MSZIP 'CK' signature")


def test_impossible_member_date_is_no_date() -> None:
    """Found: February 31st passed the DOS date check and crashed datetime() with ValueError."""
    data = bytearray(build_cabinet([folder([("a.txt", b"x")])]))
    struct.pack_into("<H", data, files_offset(data) + 10, (44 << 9) | (2 << 5) | 31)  # 2024-02-31
    reader = CabinetReader(io.BytesIO(bytes(data)), "x.cab")
    assert reader.members[0].modified is None


def test_one_oversized_member_does_not_make_reading_quadratic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found: one member whose size covers its successors made each of them re-decode the folder (6 s for a
    290 KB cabinet); now one extra pass serves them all."""
    files = [(f"f{i:03d}", bytes([i % 256]) * 500) for i in range(300)]
    data = bytearray(build_cabinet([folder(files)]))
    struct.pack_into("<I", data, files_offset(data), 500 * 300)  # f000 now spans the whole folder
    reader = CabinetReader(io.BytesIO(bytes(data)), "x.cab")
    passes = 0
    original = reader.folder_output

    def counting(*args: Any) -> Iterator[bytes]:
        nonlocal passes
        passes += 1
        return original(*args)

    monkeypatch.setattr(reader, "folder_output", counting)
    contents = {m.name: s.read() for m, s in reader.iter_open(list(reader.members))}
    assert passes == 2
    assert contents["f001"] == bytes([1]) * 500 and contents["f299"] == bytes([43]) * 500
    assert len(contents["f000"]) == 150_000


def test_separator_in_a_member_name_does_not_crash_inspect(make_cab: Callable[..., Path]) -> None:
    """Found: a manifest named with '!' (a flipped bit in 'amd64…') raised KeyError in inspect(components=True)."""
    path = make_cab(folder([("update.mum", MUM), ("!md64_x.manifest", b"<assembly/>")]))
    package = inspect(path, components=True)
    assert package.kb is not None and package.kb.value == 5000001
    assert any("'!' in a member name is ambiguous" in problem for problem in package.problems)


def test_error_messages_stay_on_one_line() -> None:
    """Found: libxml2 ends some messages with a line break, and names from the file may hold any byte."""
    error = PkgInspectError("pkg.cab!a\nb", "bad\r\nthing \x1b[31m")
    assert str(error) == "pkg.cab!a\\nb: bad\\r\\nthing \\x1b[31m"
    assert error.message == "bad\r\nthing \x1b[31m"  # the raw text stays available


def test_wim_declaring_a_billion_images_is_refused_before_wimlib(tmp_path: Path) -> None:
    """Found by the WIM fuzz target: wimlib allocated per declared image first (8 GB, 20 s for 46 KB)."""
    data = bytearray(WIM_PACKAGE.read_bytes())
    struct.pack_into("<I", data, 0x2C, 1_056_964_609)  # dwImageCount
    path = tmp_path / "images.wim"
    path.write_bytes(bytes(data))
    started = time.monotonic()
    with pytest.raises(CorruptContainerError) as caught:
        open_package(path)
    assert time.monotonic() - started < 2
    assert str(caught.value) == (
        f"{path}: WIM header declares 1056964609 images but its lookup table holds at most 6 entries"
    )
