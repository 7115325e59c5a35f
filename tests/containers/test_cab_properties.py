"""Property tests: any mutation of a valid cabinet reads or raises a PkgInspectError — nothing else."""

from __future__ import annotations

import datetime as dt
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.cabwriter import COMPRESS_MSZIP, COMPRESS_NONE, Folder, Member, build_cabinet
from pkginspect.containers.cab import CabinetReader
from pkginspect.containers.limits import Budget, Limits
from pkginspect.errors import PkgInspectError

WHEN = dt.datetime(2024, 1, 1)
TEXT = b"<assembly xmlns='urn:schemas-microsoft-com:asm.v3'>" * 200
VALID = build_cabinet(
    [
        Folder([Member.from_bytes("update.mum", TEXT, WHEN), Member.from_bytes("a\\b.txt", TEXT[::3], WHEN)],
               compression=COMPRESS_MSZIP),
        Folder([Member.from_bytes("c.bin", bytes(range(256)) * 40, WHEN)], compression=COMPRESS_NONE),
    ]
)
LIMITS = Limits(max_member_size=1 << 24, max_total_size=1 << 26, verify_checksums=True)


def read_everything(data: bytes, verify: bool) -> None:
    limits = LIMITS if verify else Limits(max_member_size=1 << 24, max_total_size=1 << 26)
    try:
        reader = CabinetReader(io.BytesIO(data), "fuzz.cab", budget=Budget(limits))
        for member in reader.members:
            with reader.open(member) as stream:
                stream.read()
        for _, stream in reader.iter_open(list(reader.members)):
            stream.read()
    except PkgInspectError as error:
        assert str(error).startswith("fuzz.cab")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flips=st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(0, len(VALID))),
    verify=st.booleans(),
)
def test_mutated_cabinets(flips: list[tuple[int, int]], cut: int | None, verify: bool) -> None:
    data = bytearray(VALID)
    for position, value in flips:
        data[position] = value
    read_everything(bytes(data[:cut] if cut is not None else data), verify)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_signature(tail: bytes) -> None:
    read_everything(b"MSCF" + tail, False)
