"""What every container reader offers: member records, the reader interface, and format sniffing."""

from __future__ import annotations

import abc
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from pkginspect.errors import UnsupportedContainerError

CAB_MAGIC = b"MSCF"
WIM_MAGIC = b"MSWIM\0\0\0"
SNIFF_BYTES = 8


def sniff(head: bytes) -> str | None:
    """Name the container format of bytes starting with ``head``: ``"cab"``, ``"wim"`` or None."""
    if head.startswith(CAB_MAGIC):
        return "cab"
    if head.startswith(WIM_MAGIC):
        return "wim"
    return None


def looks_like_text(head: bytes) -> str | None:
    """``"JSON"`` or ``"text"`` when the first bytes of a file are readable text, else None (binary).

    Used to tell a user who passed a facts file where a package goes what the file is.
    """
    body = head.removeprefix(b"\xef\xbb\xbf")
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM, as PowerShell 5.1 writes
        body = body[2:].replace(b"\x00", b"")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body[:-3].decode("utf-8")  # a character cut at the end of the head
        except UnicodeDecodeError:
            return None
    if not text.strip() or any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        return None
    return "JSON" if text.lstrip()[:1] in ("{", "[") else "text"


def describe_unknown(source: str | os.PathLike[str], head: bytes) -> UnsupportedContainerError:
    """The error for a file that is neither a cabinet nor a WIM, showing its first bytes (or that it is text)."""
    if not head:
        return UnsupportedContainerError(source, "empty file: not a cabinet or WIM package")
    if looks_like_text(head) == "JSON":
        return UnsupportedContainerError(
            source, "not a package: it looks like JSON, not a cabinet (MSCF) or WIM (MSWIM) (machine facts and "
                    "exports go after --machine or --fleet)")
    shown = head[:SNIFF_BYTES].hex(" ")
    return UnsupportedContainerError(
        source, f"not a cabinet (MSCF) or WIM (MSWIM) package: starts with bytes {shown}"
    )


@dataclass(frozen=True)
class Member:
    """One entry of a container: a file (or, in WIMs, a directory)."""

    index: int
    """Position in the container's own table."""
    name: str
    """Path inside its container with ``/`` separators (cabinet ``\\`` separators are converted)."""
    size: int
    """Uncompressed size in bytes."""
    compression: str
    """How the member is stored: ``none``, ``mszip``, ``lzx:21``, ``quantum:7``, ``xpress``, ``lzms`` …"""
    modified: datetime | None = None
    is_dir: bool = False
    folder: int | None = None
    """Cabinet folder index (members of one folder share a compressed stream)."""
    offset: int | None = None
    """Cabinet: offset of the member in its folder's uncompressed stream."""
    raw_name: str = ""
    """The name exactly as stored (cabinets keep ``\\``)."""
    attributes: int = 0
    special: str | None = None
    """Set for an entry that is not a plain file or directory (a WIM symbolic link, junction, reparse point,
    FIFO or device): what it is, e.g. ``"symbolic link"``. Such a member is listed but never opened or
    extracted, so a link can never make pkginspect read a file of the host."""


class Container(abc.ABC):
    """A readable archive. Members are listed from tables only; contents are streamed on demand."""

    kind: str
    source: str

    @property
    @abc.abstractmethod
    def members(self) -> Sequence[Member]:
        """Every member, in stored order."""

    @abc.abstractmethod
    def open(self, member: Member) -> BinaryIO:
        """A read-only stream of ``member``'s uncompressed bytes, ending at the member's end."""

    def iter_open(self, members: Sequence[Member]) -> Iterator[tuple[Member, BinaryIO]]:
        """Yield each of ``members`` with an open stream, in the order cheapest for the format.

        Each stream is valid only until the next item is requested.
        """
        for member in members:
            with self.open(member) as stream:
                yield member, stream

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the reader holds (files, native handles)."""

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
