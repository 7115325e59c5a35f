"""Unit tests of the fixture generator's building blocks: cabinet writer, payload stream, WIM pinning, specs."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from fixtures import SPECS_DIR
from fixtures.cabwriter import (
    CFDATA,
    CFFILE,
    CFFOLDER,
    CFHEADER,
    COMPRESS_MSZIP,
    COMPRESS_NONE,
    Folder,
    Member,
    build_cabinet,
    cab_checksum,
    cfdata_checksum,
    write_cabinet,
)
from fixtures.payload import payload_bytes, payload_chunks
from fixtures.specs import SpecError, load_spec, load_specs, parse_spec

MOMENT = dt.datetime(2024, 4, 9, 10, 0, tzinfo=dt.timezone.utc)


def _reference_checksum(buf: bytes, seed: int = 0) -> int:
    """The MS-CAB checksum written the slow, literal way (word by word, then the tail quirk)."""
    csum = seed
    words = len(buf) // 4
    for i in range(words):
        csum ^= struct.unpack_from("<I", buf, i * 4)[0]
    tail = buf[words * 4 :]
    value = 0
    for byte in tail:
        value = (value << 8) | byte
    return (csum ^ value) & 0xFFFFFFFF


def _read_cabinet(data: bytes) -> tuple[list[tuple[int, int, int]], list[tuple[str, int, int, int]], int]:
    """Parse header, folders and files of a cabinet without reserves: (folders, files, flags)."""
    fields = CFHEADER.unpack_from(data, 0)
    files_offset, n_folders, n_files, flags = fields[4], fields[8], fields[9], fields[10]
    offset = CFHEADER.size
    if flags & 4:
        cb_header, cb_folder, _ = struct.unpack_from("<HBB", data, offset)
        offset += 4 + cb_header
    else:
        cb_folder = 0
    folders = []
    for _ in range(n_folders):
        folders.append(CFFOLDER.unpack_from(data, offset))
        offset += CFFOLDER.size + cb_folder
    files = []
    offset = files_offset
    for _ in range(n_files):
        size, uoff, folder, _date, _time, _attr = CFFILE.unpack_from(data, offset)
        end = data.index(b"\0", offset + CFFILE.size)
        files.append((data[offset + CFFILE.size : end].decode("utf-8"), size, uoff, folder))
        offset = end + 1
    return folders, files, flags


def _inflate_folder(data: bytes, start: int, blocks: int, compression: int) -> bytes:
    """Decode a folder's CFDATA blocks with zlib, checking every checksum."""
    out = bytearray()
    history = b""
    offset = start
    for _ in range(blocks):
        csum, cb_data, cb_uncomp = CFDATA.unpack_from(data, offset)
        payload = data[offset + CFDATA.size : offset + CFDATA.size + cb_data]
        assert csum == cfdata_checksum(payload, cb_uncomp)
        if compression == COMPRESS_MSZIP:
            assert payload[:2] == b"CK"
            inflater = zlib.decompressobj(-15, zdict=history) if history else zlib.decompressobj(-15)
            block = inflater.decompress(payload[2:])
            assert inflater.eof
        else:
            block = payload
        assert len(block) == cb_uncomp
        out += block
        history = block
        offset += CFDATA.size + cb_data
    return bytes(out)


@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 5, 7, 8, 31, 32768, 32771])
def test_checksum_matches_the_literal_algorithm(length: int) -> None:
    data = random.Random(length).randbytes(length)
    assert cab_checksum(data) == _reference_checksum(data)
    assert cab_checksum(data, 0xDEADBEEF) == _reference_checksum(data, 0xDEADBEEF)


def test_checksum_matches_cabarchive() -> None:
    utils = pytest.importorskip("cabarchive.utils")
    data = random.Random(7).randbytes(100_003)
    assert cab_checksum(data, 0x1234) == utils._checksum_compute(data, 0x1234)


def test_multi_folder_cabinet_round_trips_through_zlib() -> None:
    first = [
        Member.from_bytes("update.mum", b"<assembly/>" * 50, MOMENT),
        Member.from_bytes("sub\\a.bin", payload_bytes(1, 70_000), MOMENT),
    ]
    second = [
        Member.from_bytes("payload\\0", payload_bytes(2, 100_000), MOMENT),
        Member.from_bytes("empty.txt", b"", MOMENT),
    ]
    data = build_cabinet([Folder(first), Folder(second, COMPRESS_NONE)], set_id=42)
    folders, files, flags = _read_cabinet(data)
    assert flags == 0
    assert [f[3] for f in files] == [0, 0, 1, 1]
    assert [f[1] for f in files] == [550, 70_000, 100_000, 0]
    stream0 = _inflate_folder(data, folders[0][0], folders[0][1], folders[0][2])
    stream1 = _inflate_folder(data, folders[1][0], folders[1][1], folders[1][2])
    assert stream0 == b"<assembly/>" * 50 + payload_bytes(1, 70_000)
    assert stream1 == payload_bytes(2, 100_000)
    assert struct.unpack_from("<I", data, 8)[0] == len(data)


def test_blocks_use_the_previous_block_as_dictionary() -> None:
    text = (b"the same line again and again, " * 40)[:1024] * 64  # 64 KiB, two identical blocks
    data = build_cabinet([Folder([Member.from_bytes("text", text, MOMENT)])])
    folders, _, _ = _read_cabinet(data)
    offset = folders[0][0]
    sizes = []
    for _ in range(folders[0][1]):
        _, cb_data, _ = CFDATA.unpack_from(data, offset)
        sizes.append(cb_data)
        offset += CFDATA.size + cb_data
    assert len(sizes) == 2
    assert sizes[1] < sizes[0]  # the second block refers back into the first


def test_signature_reserve_and_trailer() -> None:
    signature = b"\x30\x82\x00\x04abcd"
    data = build_cabinet([Folder([Member.from_bytes("a", b"x" * 10, MOMENT)])], signature=signature)
    cabinet_size = struct.unpack_from("<I", data, 8)[0]
    assert data[cabinet_size:] == signature
    assert struct.unpack_from("<H", data, 30)[0] & 4
    assert struct.unpack_from("<HBB", data, 36) == (20, 0, 0)
    assert struct.unpack_from("<IIIQ", data, 40) == (0x00100000, cabinet_size, len(signature), 0)


def test_header_folder_and_data_reserves() -> None:
    data = build_cabinet(
        [Folder([Member.from_bytes("a", payload_bytes(3, 40_000), MOMENT)])],
        header_reserve=bytes(6144),
        folder_reserve_size=4,
        data_reserve_size=2,
    )
    assert struct.unpack_from("<HBB", data, 36) == (6144, 4, 2)
    coff_start = struct.unpack_from("<I", data, 40 + 6144)[0]
    csum, cb_data, cb_uncomp = CFDATA.unpack_from(data, coff_start)
    payload = data[coff_start + CFDATA.size + 2 : coff_start + CFDATA.size + 2 + cb_data]
    assert payload[:2] == b"CK"
    assert csum == cfdata_checksum(payload, cb_uncomp)


def test_member_size_mismatch_is_an_error() -> None:
    liar = Member("liar", 10, lambda: (b"12345",), MOMENT)
    with pytest.raises(ValueError, match="declared 10 bytes"):
        write_cabinet(io.BytesIO(), [Folder([liar])])


def test_non_ascii_names_get_the_utf8_flag() -> None:
    data = build_cabinet([Folder([Member.from_bytes("Ünïcode.txt", b"x", MOMENT)])])
    _, files, _ = _read_cabinet(data)
    attribs = CFFILE.unpack_from(data, CFHEADER.size + CFFOLDER.size)[5]
    assert files[0][0] == "Ünïcode.txt"
    assert attribs & 0x80


def test_payload_is_deterministic_and_chunking_independent() -> None:
    whole = payload_bytes(99, 300_001)
    assert b"".join(payload_chunks(99, 300_001, 4097)) == whole
    assert payload_bytes(99, 1000) == whole[:1000]
    assert payload_bytes(98, 1000) != whole[:1000]
    ratio = len(zlib.compress(whole, 6)) / len(whole)
    assert 0.2 < ratio < 0.6, ratio


def test_every_spec_loads() -> None:
    specs = load_specs(SPECS_DIR)
    assert {s.expected_kind for s in specs} == {
        "baseline-planned",
        "baseline-unplanned",
        "hotpatch",
        "lcu",
        "ssu",
        "dotnet",
        "checkpoint",
    }


def test_spec_rejects_unknown_keys_and_bad_values(tmp_path: Path) -> None:
    path = SPECS_DIR / "ws2022-2024-04-baseline-KB5036909.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(SpecError, match="unknown key"):
        parse_spec({**data, "colour": "blue"}, "x", "x.json")
    with pytest.raises(SpecError, match="expected_kind"):
        parse_spec({**data, "expected_kind": "hotfix"}, "x", "x.json")
    with pytest.raises(SpecError, match="release_month"):
        parse_spec({**data, "release_month": "2024-05"}, "x", "x.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(SpecError, match=r"broken\.json"):
        load_spec(broken)


@pytest.mark.skipif(shutil.which("wimlib-imagex") is None, reason="wimlib-imagex not installed (apt install wimtools)")
def test_wim_capture_is_byte_identical_and_pinned(tmp_path: Path) -> None:
    from fixtures.wimwriter import capture_wim

    files = {"update.mum": b"<assembly/>", "dir/sub/file.manifest": b"x" * 5000, "b.cab": b"MSCF"}
    guid = bytes(range(16))
    first, second = tmp_path / "1.wim", tmp_path / "2.wim"
    capture_wim(files, first, image_name="img", guid=guid, moment=MOMENT)
    os.utime(tmp_path, None)
    capture_wim(dict(reversed(files.items())), second, image_name="img", guid=guid, moment=MOMENT)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes()[24:40] == guid
    info = subprocess.run(["wimlib-imagex", "info", str(first)], capture_output=True, text=True, check=True)
    assert "Apr 09 10:00:00 2024 UTC" in info.stdout or "Apr  9 10:00:00 2024 UTC" in info.stdout
