from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures.cabwriter import Folder
from pkginspect.containers import Limits, open_package
from pkginspect.containers.cab import CabinetReader
from pkginspect.errors import (
    CorruptContainerError,
    LimitExceededError,
    PkgInspectError,
    UnsupportedContainerError,
)
from tests.containers.conftest import cabinet, folder, zeros_member

TEXT = b"The quick brown fox jumps over the lazy dog.\r\n" * 3000


def read_all(path: Path, limits: Limits | None = None) -> dict[str, bytes]:
    with open_package(path, limits) as package:
        return {m.name: package.read(m.name) for m in package.members}


def test_mszip_and_stored_folders_round_trip(make_cab: Callable[..., Path]) -> None:
    files_a = [("a.txt", TEXT), ("dir\\b.bin", os.urandom(100_000)), ("empty", b"")]
    files_b = [("c.txt", TEXT[::-1])]
    path = make_cab(folder(files_a), folder(files_b, "none"))
    got = read_all(path)
    assert got == {"a.txt": TEXT, "dir/b.bin": files_a[1][1], "empty": b"", "c.txt": TEXT[::-1]}
    with open_package(path) as package:
        assert [m.compression for m in package.members] == ["mszip", "mszip", "mszip", "none"]
        assert package.members[1].raw_name == "dir\\b.bin"


def test_member_in_another_folder_is_reached_by_seeking(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("first", TEXT)]), folder([("second", TEXT[::-1])]))
    with open_package(path) as package:
        first, _second = cabinet(package.root).folders
        # Wreck the first folder's data: the second member must still read, so it never inflated folder 0.
        data = bytearray(path.read_bytes())
        data[first.data_offset + 8 : first.data_offset + 10] = b"ZZ"  # first block's MSZIP signature
        path.write_bytes(bytes(data))
    with open_package(path) as package:
        assert package.read("second") == TEXT[::-1]
        with pytest.raises(CorruptContainerError, match="first: data block 0 of folder 0: missing MSZIP"):
            package.read("first")


def test_iter_open_matches_open(make_cab: Callable[..., Path]) -> None:
    files = [(f"f{i}", os.urandom(i * 997) + TEXT[: i * 131]) for i in range(40)]
    path = make_cab(folder(files[:25]), folder(files[25:], "none"))
    with open_package(path) as package:
        streamed = {m.name: s.read() for m, s in package.root.iter_open(list(package.members)[::-1])}
    assert streamed == dict(files)


def test_signed_cabinet_and_reserves(make_cab: Callable[..., Path]) -> None:
    signed = make_cab(folder([("x", TEXT)]), signature=b"\x30\x82" + os.urandom(3000))
    with open_package(signed) as package:
        header = cabinet(package.root).header
        assert header.signed and header.signature_size == 3002 and header.signature_offset is not None
        assert header.cabinet_size == header.signature_offset < signed.stat().st_size
        assert package.read("x") == TEXT
    reserved = make_cab(
        folder([("y", TEXT)]), header_reserve=bytes(6144), folder_reserve_size=7, data_reserve_size=9
    )
    with open_package(reserved) as package:
        header = cabinet(package.root).header
        assert (header.header_reserve, header.folder_reserve, header.data_reserve) == (6144, 7, 9)
        assert package.read("y") == TEXT


def test_checksums_verified_on_request(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("x", TEXT)], "none"))
    with open_package(path) as package:
        offset = cabinet(package.root).folders[0].data_offset
    data = bytearray(path.read_bytes())
    data[offset + 8 + 100] ^= 0x01
    path.write_bytes(bytes(data))
    assert read_all(path)["x"] != TEXT  # unverified: the damage goes unnoticed, as in cabextract
    with pytest.raises(CorruptContainerError, match=r"x: checksum mismatch in data block 0 of folder 0"):
        read_all(path, Limits(verify_checksums=True))


def test_bad_mszip_data(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("x", TEXT)]))
    with open_package(path) as package:
        offset = cabinet(package.root).folders[0].data_offset
    data = bytearray(path.read_bytes())
    data[offset + 8 : offset + 10] = b"ZZ"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptContainerError, match=r"x: data block 0 of folder 0: missing MSZIP 'CK' signature"):
        read_all(path)
    data[offset + 8 : offset + 16] = b"CK\xff\xff\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptContainerError, match="invalid MSZIP data"):
        read_all(path)


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (0, "empty file: not a cabinet or WIM package"),
        (10, "truncated cabinet header: 10 of 36 bytes present"),
        (40, "truncated cabinet: header declares"),
        (-5, "truncated cabinet: header declares"),
    ],
)
def test_truncated_cabinets(make_cab: Callable[..., Path], cut: int, message: str) -> None:
    path = make_cab(folder([("x", TEXT)]))
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    with pytest.raises(PkgInspectError, match=message) as caught:
        read_all(path)
    assert str(caught.value).startswith(str(path))


def test_not_a_package(tmp_path: Path) -> None:
    text = tmp_path / "notes.msu"
    text.write_bytes(b"hello world")
    with pytest.raises(UnsupportedContainerError, match=r"notes.msu: not a cabinet \(MSCF\) or WIM \(MSWIM\) package"):
        open_package(text)
    with pytest.raises(PkgInspectError, match="is a directory, not a package file"):
        open_package(tmp_path)
    with pytest.raises(PkgInspectError, match=r"missing\.cab: no such file"):
        open_package(tmp_path / "missing.cab")


def test_member_size_limit(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("big", TEXT)]))
    with pytest.raises(LimitExceededError) as caught:
        read_all(path, Limits(max_member_size=1000))
    assert caught.value.limit == "max_member_size"
    assert f"member size {len(TEXT)} bytes exceeds the max_member_size limit" in str(caught.value)
    assert "--max-member-size" in str(caught.value)


def test_total_size_limit(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("a", TEXT), ("b", TEXT)]))
    with pytest.raises(LimitExceededError, match="max_total_size"):
        read_all(path, Limits(max_total_size=len(TEXT)))


def test_decompression_bomb_stopped_by_ratio(make_cab: Callable[..., Path]) -> None:
    path = make_cab(Folder([zeros_member("bomb", 200 * 1024 * 1024)]))
    assert path.stat().st_size < 2_000_000
    with pytest.raises(LimitExceededError) as caught:
        read_all(path)
    assert caught.value.limit == "max_ratio"
    assert "expansion ratio" in str(caught.value) and "--max-ratio" in str(caught.value)


def test_ratio_grace_lets_small_zero_files_through(make_cab: Callable[..., Path]) -> None:
    path = make_cab(Folder([zeros_member("zeros", 4 * 1024 * 1024)]))
    assert read_all(path)["zeros"] == bytes(4 * 1024 * 1024)


def test_folder_index_and_name_checks(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("x", TEXT)]))
    data = bytearray(path.read_bytes())
    with open(path, "rb") as stream:
        reader = CabinetReader(stream, str(path))
        files_offset = int.from_bytes(data[16:20], "little")
        assert reader.members[0].offset == 0
    data[files_offset + 8] = 5  # iFolder of the first entry
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptContainerError, match="refers to folder 5 but the cabinet has only 1 folder"):
        read_all(path)


def test_depth_limit(make_cab: Callable[..., Path], tmp_path: Path) -> None:
    inner = make_cab(folder([("update.mum", b"<assembly/>")]))
    middle = make_cab(folder([("inner.cab", inner.read_bytes())]))
    outer = make_cab(folder([("middle.cab", middle.read_bytes())]))
    with open_package(outer) as package:
        assert package.read("middle.cab!inner.cab!update.mum") == b"<assembly/>"
    with open_package(outer, Limits(max_depth=1)) as package, pytest.raises(LimitExceededError, match="max_depth"):
        package.read("middle.cab!inner.cab!update.mum")


def test_member_not_found_suggests(make_cab: Callable[..., Path]) -> None:
    path = make_cab(folder([("update.mum", b"x")]))
    with open_package(path) as package, pytest.raises(PkgInspectError, match=r"did you mean 'update\.mum'"):
        package.read("updat.mum")


def test_quantum_and_multipart_refused(cab_corpus: Path) -> None:
    with open_package(cab_corpus / "cabextract/cabs/mixed.cab") as package:
        quantum = [m for m in package.members if m.compression.startswith("quantum")]
        with pytest.raises(UnsupportedContainerError, match=r"unsupported compression quantum:\d+ \(Quantum\)"):
            package.read(quantum[0].name)
    with open_package(cab_corpus / "cabextract/cabs/split-2.cab") as package:
        continued = [m for m in package.members if m.compression == "continued"]
        with pytest.raises(UnsupportedContainerError, match="continues across cabinets of a multi-part set"):
            package.read(continued[0].name)


def test_large_files_cab_inflates_fully(cab_corpus: Path) -> None:
    with open_package(cab_corpus / "cabextract/cabs/large-files-cab.cab") as package:
        total = 0
        for _, stream in package.root.iter_open(list(package.members)):
            while chunk := stream.read(1 << 20):
                total += len(chunk)
    assert total == 14_689_228
