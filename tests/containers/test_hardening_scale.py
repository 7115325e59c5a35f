"""Crafted inputs that made reading quadratic or unbounded (issue 17, item 3): each must stay linear."""

from __future__ import annotations

import io
import struct
import time
from pathlib import Path

import pytest

from fixtures.cabwriter import (
    ATTR_ARCHIVE,
    CFDATA,
    CFFILE,
    CFFOLDER,
    CFHEADER,
    COMPRESS_NONE,
    Folder,
    Member,
    build_cabinet,
    cfdata_checksum,
)
from pkginspect.containers import Limits, extract, open_package
from pkginspect.containers.cab import CabinetReader
from pkginspect.containers.limits import Budget
from pkginspect.errors import LimitExceededError
from tests.containers.conftest import WHEN

MiB = 1 << 20


def stored_overlap(members: int, size: int) -> bytes:
    """A stored (uncompressed) folder of ``size`` bytes and ``members`` entries that all cover it."""
    names = [f"m{index:05d}.bin".encode() for index in range(members)]
    files_offset = CFHEADER.size + CFFOLDER.size
    table = b"".join(CFFILE.pack(size, 0, 0, 0x5821, 0, ATTR_ARCHIVE) + name + b"\0" for name in names)
    data_offset = files_offset + len(table)
    block = bytes(32768)
    count = size // len(block)
    data = b"".join(CFDATA.pack(cfdata_checksum(block, len(block)), len(block), len(block)) + block
                    for _ in range(count))
    header = CFHEADER.pack(b"MSCF", 0, data_offset + len(data), 0, files_offset, 0, 3, 1, 1, members, 0, 1, 0)
    return header + CFFOLDER.pack(data_offset, count, COMPRESS_NONE) + table + data


def test_overlapping_stored_members_hit_the_ratio() -> None:
    data = stored_overlap(members=2000, size=MiB)  # 1 MB of file, 2 GB if every member were written
    budget = Budget(Limits(ratio_grace=8 * MiB))
    reader = CabinetReader(io.BytesIO(data), "stored.cab", budget=budget)
    with pytest.raises(LimitExceededError) as caught:
        for _member, stream in reader.iter_open(list(reader.members)):
            while stream.read(MiB):
                pass
    assert caught.value.limit == "max_ratio"
    assert budget.inflated < 400 * MiB


def test_a_real_stored_folder_read_a_few_times_is_fine() -> None:
    data = stored_overlap(members=3, size=MiB)
    reader = CabinetReader(io.BytesIO(data), "stored.cab", budget=Budget(Limits(ratio_grace=MiB)))
    for _ in range(3):
        for member in reader.members:
            assert len(reader.open(member).read()) == MiB


def nested_siblings(count: int) -> bytes:
    inner = build_cabinet([Folder([Member.from_bytes("update.mum", b"<a/>", WHEN)])])
    return build_cabinet([Folder([Member.from_bytes(f"inner{index:05d}.cab", inner, WHEN) for index in range(count)])])


def test_hundreds_of_nested_cabinets_keep_few_readers_open(tmp_path: Path) -> None:
    path = tmp_path / "many.cab"
    path.write_bytes(nested_siblings(300))
    with open_package(path) as package:
        entries = list(package.walk())
        assert len(entries) == 600
        assert len(package._nested) <= 32  # readers of finished siblings are closed, not kept
        assert package.read("inner00299.cab!update.mum") == b"<a/>"
        assert package.read("inner00000.cab!update.mum") == b"<a/>"  # reopened after being closed


def test_ten_thousand_nested_cabinets_stop_at_the_ratio_quickly(tmp_path: Path) -> None:
    """Each nested reader re-decodes the shared folder up to its member: the folder's ratio bounds that work."""
    path = tmp_path / "many.cab"
    path.write_bytes(nested_siblings(10000))
    started = time.monotonic()
    with open_package(path) as package, pytest.raises(LimitExceededError) as caught:
        list(package.walk())
    assert caught.value.limit == "max_ratio"
    assert time.monotonic() - started < 10


def test_sniffing_many_cab_named_members_decodes_the_folder_once(tmp_path: Path) -> None:
    path = tmp_path / "names.cab"
    members = [Member.from_bytes(f"f{index:05d}.cab", b"not a cabinet " * 4, WHEN) for index in range(20000)]
    path.write_bytes(build_cabinet([Folder(members)]))
    started = time.monotonic()
    with open_package(path) as package:
        assert sum(1 for entry in package.walk() if entry.container) == 0
    assert time.monotonic() - started < 5


def test_duplicate_names_are_renamed_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "dups.cab"
    path.write_bytes(build_cabinet([Folder([Member.from_bytes("same.txt", b"x", WHEN) for _ in range(8000)])]))
    started = time.monotonic()
    with open_package(path) as package:
        results = extract(package, tmp_path / "out")
    assert time.monotonic() - started < 30  # 8,000 files created; renaming no longer counts from ~2 each time
    targets = [r.target for r in results]
    assert len(set(targets)) == 8000 and targets[:3] == ["same.txt", "same.txt~2", "same.txt~3"]
    assert targets[-1] == "same.txt~8000"


def test_struct_sizes() -> None:
    assert CFFILE.size == struct.calcsize("<IIHHHH")
