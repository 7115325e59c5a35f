"""Property tests for the WIM entry points and nested navigation: damaged inputs read or fail cleanly.

The cabinet reader on its own is covered by test_cab_properties.py; here the same promise is checked for WIM
files (through wimlib) and for cabinets nested in cabinets (through the package tree), with the fuzz targets'
bodies so that the normal suite and the coverage-guided fuzzer test one thing.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.cabwriter import COMPRESS_NONE, Folder, Member, build_cabinet
from tests.fuzz.seeds import container_samples
from tests.fuzz.targets import cab_one_input, wim_one_input

WIMS = [data for _name, data in container_samples("wim")]
WHEN = dt.datetime(2024, 1, 1)
TEXT = b"<assembly xmlns='urn:schemas-microsoft-com:asm.v3'><package/></assembly>\r\n" * 40
INNER = build_cabinet([Folder([Member.from_bytes("update.mum", TEXT, WHEN), Member.from_bytes("a\\b.txt", TEXT[::2],
                                                                                            WHEN)])])
# The outer cabinet stores the inner one uncompressed, so damage to these bytes reaches the nested reader.
OUTER = build_cabinet([Folder([Member.from_bytes("inner.cab", INNER, WHEN), Member.from_bytes("x.txt", b"x", WHEN)],
                              COMPRESS_NONE)])
INNER_AT = OUTER.index(INNER[:16])
Damage = list[tuple[float, int]]


def damaged(data: bytes, flips: Damage, start: int = 0, end: int | None = None, cut: float | None = None) -> bytes:
    """``data`` with bytes replaced at fractions of ``[start, end)``, then cut at a fraction."""
    out = bytearray(data)
    end = len(data) if end is None else end
    for where, value in flips:
        out[start + int(where * (end - start))] = value
    if cut is not None:
        del out[int(cut * len(out)) :]
    return bytes(out)


FLIPS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=6)


def test_wim_seeds_read() -> None:
    assert len(WIMS) >= 2
    for data in WIMS:
        wim_one_input(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 1), region=st.sampled_from(["header", "tail", "anywhere"]), flips=FLIPS,
       cut=st.one_of(st.none(), st.floats(0, 1)))
def test_damaged_wims(which: int, region: str, flips: Damage, cut: float | None) -> None:
    data = WIMS[which % len(WIMS)]
    # The 208-byte header; the tail holds the XML data, the lookup table and the integrity table.
    start, end = {"header": (0, 208), "tail": (max(0, len(data) - 2048), len(data)), "anywhere": (0, len(data))}[
        region
    ]
    wim_one_input(damaged(data, flips, start, end, cut))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=FLIPS, header_only=st.booleans(), cut=st.one_of(st.none(), st.floats(0, 1)))
def test_damaged_nested_cabinets(flips: Damage, header_only: bool, cut: float | None) -> None:
    end = INNER_AT + (200 if header_only else len(INNER))
    cab_one_input(damaged(OUTER, flips, INNER_AT, end, cut))


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 0xFFFFFFFF), offset=st.integers(0, 0xFFFFFFFF), folder=st.integers(0, 0xFFFF))
def test_nested_file_table_values(size: int, offset: int, folder: int) -> None:
    """Any size, offset or folder index in the nested cabinet's first CFFILE entry."""
    data = bytearray(OUTER)
    entry = INNER_AT + int.from_bytes(INNER[16:20], "little")
    data[entry : entry + 10] = size.to_bytes(4, "little") + offset.to_bytes(4, "little") + folder.to_bytes(2, "little")
    cab_one_input(bytes(data))
