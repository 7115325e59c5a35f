"""A streaming Microsoft Cabinet reader: tables read with seek/read, folders decoded by their codec (``codecs/``).

Nothing is ever loaded whole: listing reads the header tables only, and a member is a stream that decodes
its folder up to the member's end. A member in another folder is reached by seeking to that folder.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from pkginspect.containers import cabformat as fmt
from pkginspect.containers.base import Container, Member
from pkginspect.containers.cabformat import CabFolder
from pkginspect.containers.codecs import codec_for
from pkginspect.containers.codecs.base import FolderData
from pkginspect.containers.limits import Budget, exceeded
from pkginspect.containers.streams import as_reader, read_exact, window
from pkginspect.errors import CorruptContainerError, UnsupportedContainerError

TABLE_CHUNK = 64 * 1024
SIGNED_RESERVE_MAGIC = b"\x00\x00\x10\x00"


@dataclass(frozen=True)
class CabHeader:
    """The CFHEADER fields that matter to readers."""

    cabinet_size: int
    folder_count: int
    file_count: int
    flags: int
    set_id: int
    cabinet_index: int
    header_reserve: int
    folder_reserve: int
    data_reserve: int
    signature_offset: int | None
    signature_size: int | None
    previous_cabinet: str | None
    next_cabinet: str | None

    @property
    def signed(self) -> bool:
        """Whether the cabinet carries an Authenticode signature after ``cbCabinet``."""
        return self.signature_offset is not None


class _TableCursor:
    """Sequential reads over a region of the stream, fetched in bounded chunks."""

    def __init__(self, stream: BinaryIO, offset: int, source: str, what: str) -> None:
        self._stream = stream
        self._offset = offset
        self._buffer = b""
        self._source = source
        self._what = what

    def take(self, count: int) -> bytes:
        self._fill(count)
        if len(self._buffer) < count:
            raise CorruptContainerError(self._source, f"truncated {self._what}")
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def take_string(self, limit: int) -> bytes:
        """A NUL-terminated string of at most ``limit`` bytes (terminator excluded)."""
        while True:
            end = self._buffer.find(b"\0", 0, limit + 1)
            if end >= 0:
                data, self._buffer = self._buffer[:end], self._buffer[end + 1 :]
                return data
            if len(self._buffer) > limit:
                raise CorruptContainerError(
                    self._source, f"{self._what}: name longer than {limit} bytes or not terminated"
                )
            before = len(self._buffer)
            self._fill(len(self._buffer) + 1)
            if len(self._buffer) == before:
                raise CorruptContainerError(self._source, f"truncated {self._what}: unterminated name")

    def _fill(self, count: int) -> None:
        while len(self._buffer) < count:
            self._stream.seek(self._offset)
            chunk = self._stream.read(max(TABLE_CHUNK, count - len(self._buffer)))
            if not chunk:
                return
            self._offset += len(chunk)
            self._buffer += chunk


class _FolderCursor:
    """A position in a folder's decoded chunks, handing out consecutive member ranges."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""
        self.position = 0

    def _next(self, where: str) -> bytes:
        if self._pending:
            chunk, self._pending = self._pending, b""
            return chunk
        try:
            return next(self._chunks)
        except StopIteration:
            raise CorruptContainerError(where, "folder data ends before this member (truncated or corrupt)") from None

    def skip_to(self, offset: int, where: str) -> None:
        while self.position < offset:
            chunk = self._next(where)
            use = min(len(chunk), offset - self.position)
            self._pending = chunk[use:]
            self.position += use

    def take(self, size: int, where: str) -> Iterator[bytes]:
        remaining = size
        while remaining:
            chunk = self._next(where)
            use = min(len(chunk), remaining)
            self._pending = chunk[use:]
            self.position += use
            remaining -= use
            yield chunk[:use]

    def close(self) -> None:
        closer = getattr(self._chunks, "close", None)
        if closer is not None:
            closer()


def _decode_name(raw: bytes, utf: bool) -> str:
    """Cabinet names are UTF-8 when flagged, else a code page; try UTF-8, then fall back to cp1252."""
    if utf:
        return raw.decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


class CabinetReader(Container):
    """Read a cabinet from a seekable binary stream.

    ``size`` is the stream's length (found by seeking when not given); ``budget`` counts inflated bytes
    against the operation's limits.
    """

    kind = "cab"

    def __init__(self, stream: BinaryIO, source: str, *, size: int | None = None, budget: Budget | None = None,
                 owns_stream: bool = False) -> None:
        self.source = source
        self._stream = stream
        self._owns = owns_stream
        self.budget = budget or Budget()
        if size is None:
            size = stream.seek(0, 2)
        self.size = size
        self._decoded: dict[int, list[int]] = {}
        self.header, self.folders, self._members = self._read_tables()

    # -- tables -------------------------------------------------------------------------------------

    def _read_tables(self) -> tuple[CabHeader, tuple[CabFolder, ...], tuple[Member, ...]]:
        src = self.source
        self._stream.seek(0)
        raw = read_exact(self._stream, fmt.CFHEADER.size, src, "cabinet header")
        (sig, _r1, cb_cabinet, _r2, coff_files, _r3, minor, major, n_folders, n_files, flags, set_id,
         index) = fmt.CFHEADER.unpack(raw)
        if sig != fmt.SIGNATURE:
            raise CorruptContainerError(src, "not a cabinet: missing MSCF signature")
        if major != 1:
            raise UnsupportedContainerError(src, f"cabinet format version {major}.{minor} (only 1.x is read)")
        if cb_cabinet > self.size:
            raise CorruptContainerError(
                src, f"truncated cabinet: header declares {cb_cabinet} bytes but only {self.size} are present"
            )
        if n_folders == 0:
            raise CorruptContainerError(src, "cabinet has no folders")
        if n_files == 0:
            raise CorruptContainerError(src, "cabinet has no files")
        if n_files > self.budget.limits.max_members:
            raise exceeded(src, f"{n_files} members", "max_members")
        cursor = _TableCursor(self._stream, fmt.CFHEADER.size, src, "cabinet header")
        header_reserve = folder_reserve = data_reserve = 0
        sig_offset = sig_size = None
        if flags & fmt.FLAG_RESERVE_PRESENT:
            header_reserve, folder_reserve, data_reserve = fmt.CFHEADER_RESERVE.unpack(
                cursor.take(fmt.CFHEADER_RESERVE.size)
            )
            reserve = cursor.take(header_reserve)
            if header_reserve == 20 and reserve.startswith(SIGNED_RESERVE_MAGIC):
                sig_offset = int.from_bytes(reserve[4:8], "little")
                sig_size = int.from_bytes(reserve[8:12], "little")
        prev_name = next_name = None
        if flags & fmt.FLAG_PREV_CABINET:
            prev_name = _decode_name(cursor.take_string(fmt.MAX_NAME), False)
            cursor.take_string(fmt.MAX_NAME)
        if flags & fmt.FLAG_NEXT_CABINET:
            next_name = _decode_name(cursor.take_string(fmt.MAX_NAME), False)
            cursor.take_string(fmt.MAX_NAME)
        header = CabHeader(
            cabinet_size=cb_cabinet, folder_count=n_folders, file_count=n_files, flags=flags, set_id=set_id,
            cabinet_index=index, header_reserve=header_reserve, folder_reserve=folder_reserve,
            data_reserve=data_reserve, signature_offset=sig_offset, signature_size=sig_size,
            previous_cabinet=prev_name, next_cabinet=next_name,
        )
        folders = []
        for i in range(n_folders):
            cursor._what = f"folder table (folder {i})"
            offset, blocks, compress = fmt.CFFOLDER.unpack(cursor.take(fmt.CFFOLDER.size))
            cursor.take(folder_reserve)
            if offset >= cb_cabinet and blocks:
                raise CorruptContainerError(
                    src, f"folder {i} starts at offset {offset}, past the cabinet's end ({cb_cabinet})"
                )
            folders.append(CabFolder(i, offset, blocks, compress))
        if coff_files >= cb_cabinet:
            raise CorruptContainerError(src, f"file table offset {coff_files} is past the cabinet's end")
        cursor = _TableCursor(self._stream, coff_files, src, "file table")
        members = []
        for i in range(n_files):
            cursor._what = f"file table (entry {i})"
            size, offset, folder, date, time, attribs = fmt.CFFILE.unpack(cursor.take(fmt.CFFILE.size))
            encoded = cursor.take_string(fmt.MAX_NAME)
            if not encoded:
                raise CorruptContainerError(src, f"file table entry {i} has an empty name")
            raw_name = _decode_name(encoded, bool(attribs & fmt.ATTR_NAME_IS_UTF))
            continued = folder >= fmt.IFOLD_CONTINUED_FROM_PREV
            if not continued and folder >= n_folders:
                raise CorruptContainerError(
                    src, f"member {raw_name!r} refers to folder {folder} but the cabinet has only {n_folders} "
                    + ("folder" if n_folders == 1 else "folders")
                )
            members.append(Member(
                index=i, name=raw_name.replace("\\", "/"), raw_name=raw_name, size=size, offset=offset,
                compression="continued" if continued else folders[folder].compression, attributes=attribs,
                modified=fmt.dos_datetime(date, time), folder=None if continued else folder,
            ))
        return header, tuple(folders), tuple(members)

    @property
    def members(self) -> Sequence[Member]:
        """Every file in the cabinet, in table order."""
        return self._members

    # -- data ---------------------------------------------------------------------------------------

    def open(self, member: Member) -> BinaryIO:
        """Stream ``member``'s bytes, decoding its folder only as far as the member's end."""
        where = f"{self.source}: {member.name}"
        self._check_readable(member, where)
        assert member.folder is not None and member.offset is not None
        self.budget.check_member_size(where, member.size)
        if member.size == 0:
            return as_reader(iter(()))
        folder = self.folders[member.folder]
        chunks = self.folder_output(folder, member.offset + member.size, where)
        return as_reader(window(chunks, member.offset, member.size, where))

    def iter_open(self, members: Sequence[Member]) -> Iterator[tuple[Member, BinaryIO]]:
        """Yield members folder by folder in offset order, decoding each folder once for all of them."""
        by_folder: dict[int, list[Member]] = {}
        for member in members:
            self._check_readable(member, f"{self.source}: {member.name}")
            assert member.folder is not None
            by_folder.setdefault(member.folder, []).append(member)
        for index in sorted(by_folder):
            group = sorted(by_folder[index], key=lambda m: (m.offset or 0, m.index))
            yield from self._iter_folder(self.folders[index], group)

    def _iter_folder(self, folder: CabFolder, group: list[Member]) -> Iterator[tuple[Member, BinaryIO]]:
        end = max((m.offset or 0) + m.size for m in group)
        source = f"{self.source}: folder {folder.index}"
        cursor = _FolderCursor(self.folder_output(folder, end, source))
        try:
            for member in group:
                where = f"{self.source}: {member.name}"
                self.budget.check_member_size(where, member.size)
                assert member.offset is not None
                if member.offset < cursor.position:
                    # Overlapping members (two names for one range): decode the folder again from its start,
                    # and let the members after this one go on from that pass. Re-opening just this member
                    # instead would decode the folder once per member that one oversized member overlaps.
                    cursor.close()
                    cursor = _FolderCursor(self.folder_output(folder, end, source))
                cursor.skip_to(member.offset, where)
                body = cursor.take(member.size, where)
                with as_reader(body) as stream:
                    yield member, stream
                for _ in body:  # drain what the caller left unread
                    pass
        finally:
            cursor.close()

    def _check_readable(self, member: Member, where: str) -> None:
        if member.folder is None:
            raise UnsupportedContainerError(
                where, "member continues across cabinets of a multi-part set, which is not supported"
            )
        first, last = 0, len(self.folders) - 1
        if (member.folder == first and self.header.flags & fmt.FLAG_PREV_CABINET) or (
            member.folder == last and self.header.flags & fmt.FLAG_NEXT_CABINET
        ):
            raise UnsupportedContainerError(
                where, "member lies in a folder shared with another cabinet of a multi-part set (not supported)"
            )

    def folder_output(self, folder: CabFolder, end: int, where: str) -> Iterator[bytes]:
        """The folder's uncompressed bytes from its start up to at least ``end``, charged to the budget."""
        data = FolderData(
            folder, self.read_at, self.header.cabinet_size, self.header.data_reserve,
            self.budget.limits.verify_checksums,
        )
        steps = codec_for(folder, where)(data, end, where)
        return self._charged(folder, where, steps)

    def _charged(self, folder: CabFolder, where: str, steps: Iterator[tuple[bytes, int]]) -> Iterator[bytes]:
        """A codec's output, each chunk charged to the budget and checked against the expansion ratios."""
        produced = 0
        for out, consumed in steps:
            produced += len(out)
            self.budget.charge(where, len(out))
            self.budget.check_ratio(where, produced, consumed)
            self.check_folder_ratio(folder, where, len(out), consumed)
            yield out

    def read_at(self, offset: int, count: int, what: str) -> bytes:
        """Read exactly ``count`` bytes at ``offset`` of the underlying stream."""
        self._stream.seek(offset)
        return read_exact(self._stream, count, self.source, what)

    def check_folder_ratio(self, folder: CabFolder, where: str, produced: int, consumed: int) -> None:
        """Add a decode step's output to the folder's total over every pass, and check its expansion ratio.

        ``consumed`` is how far this pass has read into the folder's compressed data: the ratio's divisor is
        the farthest any pass got, each compressed byte counted once however often it is decoded.

        Each pass's own ratio is checked too, but members that overlap (many names for one range of a
        folder) each re-decode the folder from its start: every pass can stay under the ratio grace while
        all of them together write gigabytes from a few kilobytes — stored folders included, whose every
        pass alone has a ratio of 1.
        """
        totals = self._decoded.setdefault(folder.index, [0, 0])
        totals[0] += produced
        totals[1] = max(totals[1], consumed)
        self.budget.check_ratio(where, totals[0], totals[1])

    def close(self) -> None:
        """Close the stream if this reader opened it."""
        if self._owns:
            self._stream.close()
