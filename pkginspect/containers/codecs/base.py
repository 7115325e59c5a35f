"""What a cabinet folder codec takes and yields: the folder's CFDATA blocks in, its uncompressed bytes out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from pkginspect.containers.cabformat import CabFolder

ReadAt = Callable[[int, int, str], bytes]
"""Read exactly ``count`` bytes at ``offset`` of the cabinet: ``read_at(offset, count, what)``."""


@dataclass(frozen=True)
class FolderData:
    """A folder's compressed data as a codec sees it: the folder's layout and a way to read the cabinet."""

    folder: CabFolder
    read_at: ReadAt
    cabinet_size: int
    data_reserve: int
    """Bytes of per-block reserve after each CFDATA header."""
    verify_checksums: bool


class Codec(Protocol):
    """Decode a folder from its start up to at least ``end`` uncompressed bytes.

    Yields each chunk of output with the compressed bytes read so far, for the caller's expansion-ratio
    checks; ``where`` names the member or folder in error messages.
    """

    def __call__(self, data: FolderData, end: int, where: str) -> Iterator[tuple[bytes, int]]: ...
