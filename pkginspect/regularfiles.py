"""Opening a path given by the user or found by a directory walk: regular files only, never blocking.

``open()`` on a FIFO waits for a writer forever, and on a device (``/dev/zero``, a terminal) reads whatever the
device gives. Checking with ``stat`` first and then opening leaves a window in which the path can be swapped,
so the file is opened with ``O_NONBLOCK`` (a FIFO then opens at once), checked with ``fstat`` on the open
descriptor, and only then switched back to blocking reads.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """The path exists but is not a regular file; ``kind`` says what it is (``"a FIFO"``, ``"a directory"``…)."""

    def __init__(self, path: str, kind: str) -> None:
        self.kind = kind
        super().__init__(f"{path}: is {kind}, not a regular file")


def kind_of(mode: int) -> str:
    """What a non-regular file is, for messages."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def open_regular(path: str | os.PathLike[str]) -> tuple[BinaryIO, os.stat_result]:
    """Open ``path`` for binary reading if it is a regular file (links followed), with its ``fstat``.

    Raises NotRegularFile for a directory, FIFO, device or socket, and the usual OSError otherwise; a FIFO or
    device is never read from and never waited on.
    """
    name = os.fspath(path)
    fd = os.open(name, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(name, kind_of(info.st_mode))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info
    except BaseException:
        os.close(fd)
        raise


def is_regular(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a regular file (links followed), checked without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
