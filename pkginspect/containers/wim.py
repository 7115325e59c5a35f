"""WIM images read through wimlib (``libwim.so.15``, bound in ``_wimlib.py``).

wimlib opens WIMs by path and extracts files to paths, so reading one member extracts just that file
into a private temporary directory (bounded by the member size limit), opens it and unlinks it at once;
the caller gets an ordinary file stream and no copy is left behind. Listing reads only the metadata.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import stat
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import BinaryIO

from pkginspect.containers import _wimlib as wimlib
from pkginspect.containers.base import Container, Member
from pkginspect.containers.limits import Budget, exceeded
from pkginspect.errors import CorruptContainerError, UnsupportedContainerError

ATTRIBUTE_DIRECTORY = 0x10
MAX_DIRECTORY_DEPTH = 128
"""Deepest directory nesting accepted in a WIM image: Windows paths stop near 260 characters (real images
nest under 30 levels), and every level lengthens each path below it, so a chain thousands deep costs the
square of its depth to list and read."""
ATTRIBUTE_REPARSE_POINT = 0x400
REPARSE_TAGS = {0xA000000C: "symbolic link", 0xA0000003: "junction"}
UNIX_SPECIAL = {stat.S_IFLNK: "symbolic link", stat.S_IFIFO: "FIFO", stat.S_IFSOCK: "socket",
                stat.S_IFCHR: "character device", stat.S_IFBLK: "block device"}


def _special(entry: wimlib.DirEntry) -> str | None:
    """What a non-file, non-directory entry is (a link, a FIFO, a device…), or None for an ordinary one.

    Reparse points (symbolic links, junctions, anything else Windows redirects through) and entries whose
    stored UNIX mode is not a file or directory are special: wimlib would recreate them as links or device
    nodes on extraction, and opening one would read whatever it points to on this machine.
    """
    if entry.attributes & ATTRIBUTE_REPARSE_POINT:
        return REPARSE_TAGS.get(int(entry.reparse_tag), f"reparse point (tag {int(entry.reparse_tag):#010x})")
    mode = int(entry.unix_mode)
    if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return UNIX_SPECIAL.get(stat.S_IFMT(mode), f"special file (mode {mode:#o})")
    return None


def _open_regular(path: str, where: str) -> BinaryIO:
    """Open what wimlib extracted, refusing anything but a regular file (never following a link)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnsupportedContainerError(where, "is not a regular file in the WIM (a link or special file)") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsupportedContainerError(where, "is not a regular file in the WIM (a link or special file)")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _timestamp(spec: wimlib.Timespec) -> datetime | None:
    if spec.tv_sec <= 0:
        return None
    try:
        return datetime.fromtimestamp(spec.tv_sec, tz=timezone.utc).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None


HEADER_SIZE = 208
IMAGE_COUNT_AT = 0x2C  # dwImageCount, u32
BLOB_TABLE_SIZE_AT = 0x40  # rhOffsetTable (at 0x30): its uncompressed size, u64
BLOB_ENTRY_SIZE = 50  # one lookup (blob) table entry on disk
BLOB_TABLE_AT = 0x30  # resource headers: size in the WIM (7 bytes), flags (1), offset (8), uncompressed size (8)
XML_DATA_AT = 0x48
RESOURCE_COMPRESSED = 0x04
RESOURCE_EXPANSION = 64
"""A compressed resource's declared size may exceed the file's at most this many times."""


def _check_header(path: str, source: str) -> None:
    """Refuse header sizes that wimlib would allocate before noticing they are impossible.

    wimlib allocates per declared image before any other check (a 46 KB file declaring 10^9 images took
    8 GB and 20 s). Each image needs a metadata resource, so a lookup table entry. The lookup table and the
    XML data are read whole by their declared uncompressed size (a 4 KB file declaring 10^19 bytes of XML
    ran out of memory). Other damage is left to wimlib.
    """
    try:
        with open(path, "rb") as stream:
            head = stream.read(HEADER_SIZE)
            size = os.fstat(stream.fileno()).st_size
    except OSError:
        return  # wimlib reports it
    if len(head) < HEADER_SIZE:
        return
    for what, at in (("lookup table", BLOB_TABLE_AT), ("XML data resource", XML_DATA_AT)):
        # wimlib allocates these whole, by the declared uncompressed size, before reading them.
        flags = head[at + 7]
        declared = int.from_bytes(head[at + 16 : at + 24], "little")
        most = size * (RESOURCE_EXPANSION if flags & RESOURCE_COMPRESSED else 1)
        if declared > most:
            raise CorruptContainerError(
                source, f"WIM header declares a {what} of {declared} bytes in a file of {size} bytes"
            )
    images = int.from_bytes(head[IMAGE_COUNT_AT : IMAGE_COUNT_AT + 4], "little")
    table = int.from_bytes(head[BLOB_TABLE_SIZE_AT : BLOB_TABLE_SIZE_AT + 8], "little")
    entries = min(table, size) // BLOB_ENTRY_SIZE
    if images > max(entries, 1):
        raise CorruptContainerError(
            source, f"WIM header declares {images} images but its lookup table holds at most {entries} entries"
        )


class WimReader(Container):
    """Read a WIM file on disk: members of every image; a single image's paths are not prefixed."""

    kind = "wim"

    def __init__(self, path: str, source: str, *, budget: Budget | None = None) -> None:
        self.source = source
        self.budget = budget or Budget()
        self._lib = wimlib.load(source)
        _check_header(path, source)
        handle = ctypes.c_void_p()
        code = self._lib.wimlib_open_wim(os.fsencode(path), 0, ctypes.byref(handle))
        if code:
            raise wimlib.error(self._lib, source, code, "cannot open WIM")
        self._handle: ctypes.c_void_p | None = handle
        info = wimlib.WimInfo()
        code = self._lib.wimlib_get_wim_info(handle, ctypes.byref(info))
        if code:
            self.close()
            raise wimlib.error(self._lib, source, code, "cannot read WIM header")
        self.image_count = int(info.image_count)
        self.compression = wimlib.COMPRESSION_NAMES.get(info.compression_type, f"type-{info.compression_type}")
        self.chunk_size = int(info.chunk_size)
        self._paths: dict[int, tuple[int, str]] = {}
        try:
            self._members = self._list()
        except BaseException:
            self.close()
            raise

    def _list(self) -> tuple[Member, ...]:
        members: list[Member] = []
        failure: list[BaseException] = []
        limit = self.budget.limits.max_members

        for image in range(1, self.image_count + 1):
            prefix = f"{image}/" if self.image_count > 1 else ""

            def visit(entry_p: ctypes._Pointer[wimlib.DirEntry], _ctx: int | None, image: int = image,
                      prefix: str = prefix) -> int:
                try:
                    entry = entry_p.contents
                    if entry.depth == 0:
                        return 0
                    if len(members) >= limit:
                        raise exceeded(self.source, f"more than {limit} members", "max_members")
                    if entry.depth > MAX_DIRECTORY_DEPTH:
                        raise UnsupportedContainerError(
                            self.source, f"image {image} nests directories deeper than {MAX_DIRECTORY_DEPTH} "
                            "levels (not a Windows update image)"
                        )
                    path = (entry.full_path or b"").decode("utf-8", "replace").lstrip("/")
                    resource = entry.streams[0].resource
                    special = _special(entry)
                    is_dir = bool(entry.attributes & ATTRIBUTE_DIRECTORY) and special is None
                    compression = "solid" if resource.packed else self.compression if resource.is_compressed else "none"
                    index = len(members)
                    self._paths[index] = (image, "/" + path)
                    members.append(Member(
                        index=index, name=prefix + path, raw_name=path, compression=compression, is_dir=is_dir,
                        size=0 if is_dir or special else int(resource.uncompressed_size), special=special,
                        modified=_timestamp(entry.last_write_time), attributes=int(entry.attributes),
                    ))
                    return 0
                except BaseException as exc:
                    failure.append(exc)
                    return 1

            callback = wimlib.ITERATE_CALLBACK(visit)
            code = self._lib.wimlib_iterate_dir_tree(
                self._handle, image, b"/", wimlib.ITERATE_RECURSIVE, callback, None
            )
            if failure:
                raise failure[0]
            if code:
                raise wimlib.error(self._lib, self.source, code, f"cannot list image {image}")
        return tuple(members)

    @property
    def members(self) -> Sequence[Member]:
        """Files and directories of every image, in wimlib's tree order."""
        return self._members

    def open(self, member: Member) -> BinaryIO:
        """Extract ``member`` into a private temporary directory, open it, and unlink it immediately."""
        where = f"{self.source}: {member.name}"
        if member.is_dir:
            raise UnsupportedContainerError(where, "is a directory")
        if member.special:
            raise UnsupportedContainerError(where, f"is a {member.special}; links and special files are never read")
        self.budget.check_member_size(where, member.size)
        image, path = self._paths[member.index]
        workdir = tempfile.mkdtemp(prefix="pkginspect-wim-")
        try:
            paths = (ctypes.c_char_p * 1)(os.fsencode(path))
            flags = wimlib.EXTRACT_NO_PRESERVE_DIR_STRUCTURE | wimlib.EXTRACT_NO_ACLS | wimlib.EXTRACT_NO_ATTRIBUTES
            code = self._lib.wimlib_extract_paths(self._handle, image, os.fsencode(workdir), paths, 1, flags)
            if code:
                raise wimlib.error(self._lib, where, code, "cannot extract")
            extracted = os.path.join(workdir, os.path.basename(path))
            stream = _open_regular(extracted, where)
            try:
                actual = os.fstat(stream.fileno()).st_size
                self.budget.check_member_size(where, actual)
                self.budget.charge(where, actual)
            except BaseException:
                stream.close()
                raise
            return stream
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def close(self) -> None:
        """Free the wimlib handle."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            self._lib.wimlib_free(handle)
