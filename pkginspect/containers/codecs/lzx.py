"""LZX cabinet folders, decoded by libarchive (through ``libarchive-c``) one folder at a time.

libarchive decodes whole cabinets, not folders, so we hand it a tiny synthetic cabinet: a header we
write that declares one folder (the real folder's compression and block count) and one file spanning the
folder's first ``end`` bytes, followed by the real CFDATA blocks streamed from the original file. The
cabinet reader keeps its own tables, seeking and limits; this codec only sees the folder's data (``FolderData``),
and libarchive only turns LZX blocks into bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pkginspect.containers import cabformat as fmt
from pkginspect.containers.cabformat import CabFolder
from pkginspect.containers.codecs.base import FolderData, ReadAt
from pkginspect.errors import CorruptContainerError, NativeLibraryError

FEED_CHUNK = 256 * 1024
OUTPUT_CHUNK = 256 * 1024
MAX_BLOCK_OUTPUT = 32768  # CB_MAX_CHUNK: no CFDATA block holds more uncompressed bytes
MAX_U32 = 0xFFFFFFFF
INSTALL_HINT = "install libarchive (Debian/Ubuntu: apt-get install libarchive13) and pip install libarchive-c"


def synthetic_header(folder: CabFolder, data_reserve: int, end: int, data_size: int) -> bytes:
    """A one-folder, one-file cabinet header whose data area is the real folder's blocks."""
    name = b"folder\0"
    reserve = fmt.CFHEADER_RESERVE.pack(0, 0, data_reserve) if data_reserve else b""
    flags = fmt.FLAG_RESERVE_PRESENT if data_reserve else 0
    coff_files = fmt.CFHEADER.size + len(reserve) + fmt.CFFOLDER.size
    data_start = coff_files + fmt.CFFILE.size + len(name)
    head = fmt.CFHEADER.pack(
        fmt.SIGNATURE, 0, data_start + data_size, 0, coff_files, 0, 3, 1, 1, 1, flags, 0, 0
    )
    # date 1980-01-01 00:00:00 (0x21, 0): a valid DOS date so libarchive accepts the entry.
    entry = fmt.CFFILE.pack(end, 0, 0, 0x21, 0, 0) + name
    return head + reserve + fmt.CFFOLDER.pack(data_start, folder.block_count, folder.type_compress) + entry


class _Feed(io.RawIOBase):
    """The synthetic header followed by the folder's blocks read from the real cabinet."""

    def __init__(self, read_at: ReadAt, header: bytes, start: int, stop: int) -> None:
        self._read_at = read_at
        self._header = memoryview(header)
        self._position = start
        self._stop = stop
        self.consumed = 0
        self.error: BaseException | None = None
        """What reading the real cabinet raised: libarchive calls ``readinto`` from C, where an exception
        would only be printed ("Exception ignored …") and lost, so it is kept here and re-raised."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._header:
            count = min(len(buffer), len(self._header))
            buffer[:count] = self._header[:count]
            self._header = self._header[count:]
            return count
        count = min(len(buffer), self._stop - self._position)
        if count <= 0:
            return 0
        try:
            data = self._read_at(self._position, count, "LZX folder data")
        except BaseException as exc:  # handed back to decode, never swallowed
            self.error = exc
            return 0
        buffer[: len(data)] = data
        self._position += len(data)
        self.consumed += len(data)
        return len(data)


def decode(data: FolderData, end: int, where: str) -> Iterator[tuple[bytes, int]]:
    """Yield the uncompressed bytes of an LZX folder from its start up to ``end``.

    Each chunk comes with the compressed bytes read so far, for the caller's expansion-ratio checks.
    """
    try:
        import libarchive.exception
        import libarchive.read
    except (ImportError, OSError, AttributeError) as exc:
        raise NativeLibraryError(
            where, f"LZX needs libarchive, which could not be loaded ({exc}); {INSTALL_HINT}"
        ) from exc
    folder = data.folder
    most = folder.block_count * MAX_BLOCK_OUTPUT
    if end > most:
        # Also keeps ``end`` within the synthetic header's 32-bit field.
        raise CorruptContainerError(
            where, f"LZX folder {folder.index}: data ends at byte {end}, past the {most} bytes its "
            f"{folder.block_count} blocks can hold"
        )
    data_size = min(max(data.cabinet_size - folder.data_offset, 0), MAX_U32 - 512)
    header = synthetic_header(folder, data.data_reserve, end, data_size)
    feed = _Feed(data.read_at, header, folder.data_offset, data.cabinet_size)
    produced = 0
    try:
        with libarchive.read.stream_reader(feed, format_name="cab", block_size=FEED_CHUNK) as archive:
            for entry in archive:
                for chunk in entry.get_blocks(OUTPUT_CHUNK):
                    produced += len(chunk)
                    yield chunk, feed.consumed
                break
    except libarchive.exception.ArchiveError as exc:
        if feed.error is not None:
            raise feed.error from None
        message = str(getattr(exc, "msg", None) or exc).strip()
        raise CorruptContainerError(where, f"LZX folder {folder.index} could not be decoded: {message}") from exc
    if feed.error is not None:
        raise feed.error
    if produced < end:
        raise CorruptContainerError(
            where, f"LZX folder {folder.index} ends after {produced} of {end} bytes (truncated or corrupt)"
        )
