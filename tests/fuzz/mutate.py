"""Deterministic byte mutations: bit flips, overwrites, integers, truncations, splices, insertions, deletions.

Every mutation is a pure function of ``(data, other, rng)``: seeding ``random.Random`` with the same string
gives the same bytes on any machine and Python version, so a finding can be regenerated from its seed and
index alone (``scripts/fuzz_summary.py`` does so to save BAD inputs).
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from dataclasses import dataclass

#: Byte values that often sit on boundaries of length, count and flag fields.
INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, 0x20, 0x2E, 0x5C, 0x2F)
#: Little-endian integers written over header fields (sizes, counts, offsets).
INTERESTING_INTS = (0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
                    0xFFFFFFFF, 0xFFFFFFFE, 0xFFFD, 0xFFFE)
#: Tokens of the formats under test, inserted or written over the data.
TOKENS = (
    b"MSCF", b"MSWIM\x00\x00\x00", b"CK", b"\x00\x00\x10\x00", b"..\\..\\", b"../", b"C:\\", b"\\\\srv\\s\\",
    b"CON", b"<!DOCTYPE a [<!ENTITY e 'x'>]>", b"&e;", b"<![CDATA[", b"]]>", b"<?xml version='1.0' encoding='utf-16'?>",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<a>" * 64, b"</assembly>", b"xmlns:x='urn:x'", b"DCM\x01", b"PA30",
    b"\x00", b"\xff" * 8,
)
HEADER_SPAN = 4096
"""Mutation positions fall in the first ``HEADER_SPAN`` bytes (tables, headers) this often: ..."""
HEADER_BIAS = 0.4
MAX_SLICE = 64 * 1024


@dataclass(frozen=True)
class Mutated:
    """A mutated input and the operations that made it (for the report and the regression test)."""

    data: bytes
    operations: tuple[str, ...]


def _position(data: bytes | bytearray, rng: random.Random) -> int:
    if not data:
        return 0
    if rng.random() < HEADER_BIAS:
        return rng.randrange(min(len(data), HEADER_SPAN))
    return rng.randrange(len(data))


def flip_bits(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Flip 1–8 random bits."""
    count = rng.randint(1, 8)
    for _ in range(count):
        if data:
            data[_position(data, rng)] ^= 1 << rng.randrange(8)
    return f"flip{count}"


def overwrite_bytes(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Overwrite 1–8 bytes with boundary values or random ones."""
    count = rng.randint(1, 8)
    for _ in range(count):
        if data:
            data[_position(data, rng)] = rng.choice(INTERESTING_BYTES) if rng.random() < 0.6 else rng.randrange(256)
    return f"overwrite{count}"


def overwrite_int(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Write a boundary integer (16 or 32 bits, little-endian) over a field."""
    value = rng.choice(INTERESTING_INTS)
    packed = struct.pack("<I", value) if value > 0xFFFF or rng.random() < 0.5 else struct.pack("<H", value)
    if len(data) >= len(packed):
        position = min(_position(data, rng), len(data) - len(packed))
        data[position : position + len(packed)] = packed
    return f"int{len(packed) * 8}={value:#x}"


def truncate(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Cut the data short."""
    cut = _position(data, rng)
    del data[cut:]
    return f"truncate@{cut}"


def splice(data: bytearray, other: bytes, rng: random.Random) -> str:
    """Keep a head of this input and continue with a tail of another one."""
    head = _position(data, rng)
    tail = rng.randrange(len(other)) if other else 0
    data[head:] = other[tail:]
    return f"splice@{head}+{tail}"


def insert_range(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Insert random bytes, a token, or a copy of a slice of the data itself."""
    position = _position(data, rng)
    choice = rng.random()
    if choice < 0.4:
        piece = bytes(rng.randrange(256) for _ in range(rng.randint(1, 256)))
        what = "random"
    elif choice < 0.7 or not data:
        piece = rng.choice(TOKENS)
        what = "token"
    else:
        start = rng.randrange(len(data))
        piece = bytes(data[start : start + rng.randint(1, MAX_SLICE)])
        what = "copy"
    data[position:position] = piece
    return f"insert-{what}{len(piece)}@{position}"


def delete_range(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Delete a range of bytes."""
    position = _position(data, rng)
    length = rng.randint(1, MAX_SLICE if rng.random() < 0.3 else 64)
    del data[position : position + length]
    return f"delete{length}@{position}"


def overwrite_token(data: bytearray, _other: bytes, rng: random.Random) -> str:
    """Write a format token over the data."""
    token = rng.choice(TOKENS)
    position = _position(data, rng)
    data[position : position + len(token)] = token
    return f"token@{position}"


Operation = Callable[[bytearray, bytes, random.Random], str]
#: Each operation with its weight.
OPERATIONS: tuple[tuple[Operation, int], ...] = (
    (flip_bits, 5),
    (overwrite_bytes, 4),
    (overwrite_int, 4),
    (truncate, 2),
    (splice, 1),
    (insert_range, 2),
    (delete_range, 2),
    (overwrite_token, 2),
)


def mutate(data: bytes, other: bytes, rng: random.Random, max_operations: int = 3) -> Mutated:
    """Apply 1–``max_operations`` weighted operations to a copy of ``data`` (``other`` feeds splices)."""
    buffer = bytearray(data)
    functions = [op for op, _ in OPERATIONS]
    weights = [weight for _, weight in OPERATIONS]
    done = []
    # Mostly one operation: a single change gets past more checks and so reaches deeper code.
    count = min(max_operations, rng.choices((1, 2, 3), (6, 3, 1))[0])
    for _ in range(count):
        operation = rng.choices(functions, weights)[0]
        done.append(operation(buffer, other, rng))
    if len(buffer) != len(data) and buffer.startswith(b"MSCF") and len(buffer) >= 12 and rng.random() < 0.5:
        # Half the time, keep a cabinet's declared size (cbCabinet) true to its new length, so the damage is
        # met by the table and data readers rather than always by the size check.
        buffer[8:12] = len(buffer).to_bytes(4, "little")
        done.append("fix-cbCabinet")
    return Mutated(bytes(buffer), tuple(done))


def rng_for(seed: int, index: int) -> random.Random:
    """The generator for mutation ``index`` of a run with ``seed`` (string seeding is stable across versions)."""
    return random.Random(f"pkginspect-fuzz:{seed}:{index}")
