"""Stream plumbing shared by the readers: block iterators as streams, windows, and re-openable seeking."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from pkginspect.errors import CorruptContainerError

COPY_CHUNK = 1024 * 1024


class ChunkStream(io.RawIOBase):
    """A forward-only stream over an iterator of byte chunks; closing it closes the iterator."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._current = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        """Streams are always readable."""
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` from the current chunk, pulling the next one when it runs out."""
        while not self._current and not self._done:
            try:
                self._current = memoryview(next(self._chunks))
            except StopIteration:
                self._done = True
        if not self._current:
            return 0
        count = min(len(buffer), len(self._current))
        buffer[:count] = self._current[:count]
        self._current = self._current[count:]
        return count

    def close(self) -> None:
        """Close the underlying iterator (running its cleanup) and the stream."""
        if not self.closed:
            closer = getattr(self._chunks, "close", None)
            if closer is not None:
                closer()
        super().close()


def as_reader(chunks: Iterator[bytes]) -> BinaryIO:
    """Wrap a chunk iterator as a buffered binary reader."""
    return io.BufferedReader(ChunkStream(chunks), buffer_size=COPY_CHUNK)


def window(chunks: Iterator[bytes], skip: int, size: int, source: str) -> Iterator[bytes]:
    """Yield bytes ``[skip, skip + size)`` of a chunked stream; fail if the stream ends before them."""
    position = 0
    end = skip + size
    try:
        for chunk in chunks:
            chunk_end = position + len(chunk)
            if chunk_end > skip and position < end:
                yield chunk[max(skip - position, 0) : min(end - position, len(chunk))]
            position = chunk_end
            if position >= end:
                return
    finally:
        closer = getattr(chunks, "close", None)
        if closer is not None:
            closer()
    if size and position < end:
        raise CorruptContainerError(
            source, f"data ends after {max(position - skip, 0)} of {size} bytes (truncated or corrupt folder)"
        )


class ReopeningStream(io.RawIOBase):
    """A seekable view of a forward-only member stream of known size.

    Seeking forward reads and discards; seeking backward re-opens the member from its start. This lets
    a container nested inside a compressed member be parsed (it needs seek) without copying it anywhere.
    """

    def __init__(self, opener: Callable[[], BinaryIO], size: int) -> None:
        self._opener = opener
        self._size = size
        self._stream: BinaryIO | None = None
        self._stream_pos = 0
        self._pos = 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def seekable(self) -> bool:
        """Always seekable (backward seeks cost a re-read)."""
        return True

    def tell(self) -> int:
        """Current position."""
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to ``offset``; the move happens lazily on the next read."""
        origins = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}
        if whence not in origins:
            raise ValueError(f"invalid whence {whence}")
        target = origins[whence] + offset
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def _align(self) -> BinaryIO:
        if self._stream is None or self._pos < self._stream_pos:
            if self._stream is not None:
                self._stream.close()
            self._stream = self._opener()
            self._stream_pos = 0
        gap = self._pos - self._stream_pos
        while gap > 0:
            skipped = len(self._stream.read(min(gap, COPY_CHUNK)))
            if not skipped:
                break
            gap -= skipped
            self._stream_pos += skipped
        return self._stream

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Read at the current position."""
        if self._pos >= self._size:
            return 0
        stream = self._align()
        if self._stream_pos != self._pos:
            return 0
        want = min(len(buffer), self._size - self._pos)
        data = stream.read(want)
        buffer[: len(data)] = data
        self._pos += len(data)
        self._stream_pos += len(data)
        return len(data)

    def close(self) -> None:
        """Close the current underlying stream."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        super().close()


def read_exact(stream: BinaryIO, count: int, source: str, what: str) -> bytes:
    """Read exactly ``count`` bytes or fail naming ``what`` was truncated."""
    data = stream.read(count)
    if len(data) != count:
        raise CorruptContainerError(source, f"truncated {what}: {len(data)} of {count} bytes present")
    return data
