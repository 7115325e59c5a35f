"""On-disk layout of Microsoft Cabinet files (MS-CAB 1.3): structures, constants and the CFDATA checksum.

Only layout lives here; reading logic is in ``cab.py``, decoding in the codecs (``codecs/``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

SIGNATURE = b"MSCF"

# CFHEADER, fixed part (36 bytes), little-endian:
CFHEADER = struct.Struct(
    "<4s"  # signature        "MSCF"
    "I"  # reserved1
    "I"  # cbCabinet        size of the cabinet in bytes (a signature may follow it on disk)
    "I"  # reserved2
    "I"  # coffFiles        offset of the first CFFILE entry
    "I"  # reserved3
    "B"  # versionMinor     3
    "B"  # versionMajor     1
    "H"  # cFolders
    "H"  # cFiles
    "H"  # flags            FLAG_* below
    "H"  # setID
    "H"  # iCabinet         number of this cabinet in a multi-part set
)
# Present only when FLAG_RESERVE_PRESENT is set:
CFHEADER_RESERVE = struct.Struct(
    "<H"  # cbCFHeader       bytes of per-cabinet reserve that follow (20 for signed, 6144 for WSUSSCAN)
    "B"  # cbCFFolder       bytes of reserve after each CFFOLDER
    "B"  # cbCFData         bytes of reserve after each CFDATA header
)
FLAG_PREV_CABINET = 0x0001
FLAG_NEXT_CABINET = 0x0002
FLAG_RESERVE_PRESENT = 0x0004

CFFOLDER = struct.Struct(
    "<I"  # coffCabStart     offset of the folder's first CFDATA block
    "H"  # cCFData          number of CFDATA blocks in the folder
    "H"  # typeCompress     COMP_* in the low nibble; LZX window bits in bits 8-12
)
COMP_MASK = 0x000F
COMP_NONE = 0
COMP_MSZIP = 1
COMP_QUANTUM = 2
COMP_LZX = 3

CFFILE = struct.Struct(
    "<I"  # cbFile           uncompressed size of the file
    "I"  # uoffFolderStart  offset of the file inside its folder's uncompressed stream
    "H"  # iFolder          folder index, or IFOLD_* for files continued across cabinets
    "H"  # date             MS-DOS date
    "H"  # time             MS-DOS time
    "H"  # attribs          ATTR_* bits
)
IFOLD_CONTINUED_FROM_PREV = 0xFFFD
IFOLD_CONTINUED_TO_NEXT = 0xFFFE
IFOLD_CONTINUED_PREV_AND_NEXT = 0xFFFF
ATTR_NAME_IS_UTF = 0x80
MAX_NAME = 255  # bytes of a file name, terminator excluded (CB_MAX_FILENAME is 256 with it)

CFDATA = struct.Struct(
    "<I"  # csum             checksum of cbData, cbUncomp and the data (0 = not computed)
    "H"  # cbData           compressed bytes in this block
    "H"  # cbUncomp         uncompressed bytes produced by this block
)
MSZIP_SIGNATURE = b"CK"
MSZIP_BLOCK = 32768  # an MSZIP block never inflates past this


def checksum(data: bytes, seed: int = 0) -> int:
    """The MS-CAB checksum: XOR of little-endian 32-bit words, with a big-endian-ordered tail.

    Folded with big-integer arithmetic so no Python loop runs per word.
    """
    whole = len(data) & ~3
    value = int.from_bytes(data[:whole], "little")
    width = whole * 8
    while width > 32:
        half = ((width // 32 + 1) // 2) * 32
        value = (value >> half) ^ (value & ((1 << half) - 1))
        width = half
    tail = 0
    for byte in data[whole:]:
        tail = (tail << 8) | byte
    return seed ^ value ^ tail


def block_checksum(header_sizes: bytes, data: bytes) -> int:
    """Checksum of one CFDATA block: the data first, then its ``cbData``/``cbUncomp`` fields."""
    return checksum(header_sizes, checksum(data))


def dos_datetime(date: int, time: int) -> datetime | None:
    """Decode an MS-DOS date and time, or None when they name no real moment (such as February 31st)."""
    year, month, day = 1980 + (date >> 9), (date >> 5) & 0x0F, date & 0x1F
    hour, minute, second = time >> 11, (time >> 5) & 0x3F, (time & 0x1F) * 2
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


@dataclass(frozen=True)
class CabFolder:
    """One CFFOLDER: a compressed stream of CFDATA blocks."""

    index: int
    data_offset: int
    block_count: int
    type_compress: int

    @property
    def method(self) -> int:
        """The compression method (``COMP_*``)."""
        return self.type_compress & COMP_MASK

    @property
    def compression(self) -> str:
        """Human name of the compression: ``none``, ``mszip``, ``quantum:N``, ``lzx:N`` or ``unknown:0x…``."""
        level = (self.type_compress >> 8) & 0x1F
        names = {COMP_NONE: "none", COMP_MSZIP: "mszip", COMP_QUANTUM: f"quantum:{level}", COMP_LZX: f"lzx:{level}"}
        return names.get(self.method, f"unknown:{self.type_compress:#06x}")
