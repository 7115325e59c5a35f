"""Stored and MSZIP cabinet folders, decoded block by block with ``zlib``.

An MSZIP block is ``CK`` and a raw deflate stream whose dictionary is the output before it (at most one
block's worth); a stored block is its own output.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from pkginspect.containers import cabformat as fmt
from pkginspect.containers.codecs.base import FolderData
from pkginspect.errors import CorruptContainerError, UnsupportedContainerError


def decode(data: FolderData, end: int, where: str) -> Iterator[tuple[bytes, int]]:
    """Stored or MSZIP blocks, by the folder's method: each block's output with the compressed bytes read so far."""
    folder = data.folder
    mszip = folder.method == fmt.COMP_MSZIP
    history = b""
    position = folder.data_offset
    produced = 0
    for block in range(folder.block_count):
        if produced >= end:
            return
        what = f"data block {block} of folder {folder.index}"
        head = data.read_at(position, fmt.CFDATA.size + data.data_reserve, what)
        csum, cb_data, cb_uncomp = fmt.CFDATA.unpack_from(head)
        payload = data.read_at(position + len(head), cb_data, what)
        position += len(head) + cb_data
        if data.verify_checksums and csum and fmt.block_checksum(head[4:8], payload) != csum:
            raise CorruptContainerError(where, f"checksum mismatch in {what}")
        if cb_uncomp == 0:
            raise UnsupportedContainerError(
                where, f"{what} continues in the next cabinet of a multi-part set (not supported)"
            )
        if mszip:
            out = _inflate(payload, history, cb_uncomp, where, what)
            history = out if len(out) == fmt.MSZIP_BLOCK else (history + out)[-fmt.MSZIP_BLOCK :]
        elif cb_data != cb_uncomp:
            raise CorruptContainerError(where, f"{what} is stored but declares {cb_data} bytes in and {cb_uncomp} out")
        else:
            out = payload
        produced += len(out)
        yield out, position - folder.data_offset


def _inflate(payload: bytes, history: bytes, expected: int, where: str, what: str) -> bytes:
    if not payload.startswith(fmt.MSZIP_SIGNATURE):
        raise CorruptContainerError(where, f"{what}: missing MSZIP 'CK' signature")
    inflater = zlib.decompressobj(-15, zdict=history) if history else zlib.decompressobj(-15)
    try:
        out = inflater.decompress(payload[2:], fmt.MSZIP_BLOCK + 1)
    except zlib.error as exc:
        raise CorruptContainerError(where, f"{what}: invalid MSZIP data ({exc})") from exc
    if len(out) != expected:
        raise CorruptContainerError(where, f"{what}: MSZIP block inflates to {len(out)} bytes, header says {expected}")
    return out
