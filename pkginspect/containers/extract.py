"""Safe extraction: member names are sanitised and nothing is ever written outside the target directory.

Names lose drive letters, UNC and root prefixes, ``.`` and ``..`` components, control characters and
characters Windows forbids; Windows device names get a ``_`` prefix. Directories are created one component
at a time and a symbolic link on the way is refused; files are created exclusively (``O_EXCL``,
``O_NOFOLLOW``), so an existing file is never overwritten unless asked, and two members that sanitise to one
name in the same run get distinct names (``name~2``), reported in the result.

Nested containers extract into a directory named after the container plus ``.d``:
``inner.cab!update.mum`` is written to ``inner.cab.d/update.mum``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from pkginspect.containers.base import Member
from pkginspect.containers.streams import COPY_CHUNK
from pkginspect.containers.tree import SEPARATOR, Package, join
from pkginspect.errors import ExtractionError, PkgInspectError

NESTED_DIR_SUFFIX = ".d"
_DRIVE = re.compile(r"^[A-Za-z]:")
_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Extracted:
    """One file written by ``extract``."""

    member: str
    """Nested path of the member in the package."""
    target: str
    """Path written, relative to the target directory, with ``/`` separators; ``""`` when the member was
    skipped (a link or special file, see ``note``)."""
    size: int
    note: str | None = None
    """Why ``target`` differs from the member's name (sanitised, renamed after a collision), if it does."""


def sanitize(name: str) -> str:
    """A relative ``/``-separated path for ``name`` that cannot leave the directory it is joined to."""
    text = name.replace("\\", "/")
    text = _DRIVE.sub("", text)
    parts = []
    for part in text.split("/"):
        if part in ("", ".", ".."):
            continue
        part = _FORBIDDEN.sub("_", part).rstrip(" .") or "_"
        if part.split(".")[0].casefold() in _DEVICES:
            part = "_" + part
        parts.append(part)
    return "/".join(parts) or "_unnamed"


def _target_for(path: str) -> str:
    levels = path.split(SEPARATOR)
    dirs = [sanitize(level) + NESTED_DIR_SUFFIX for level in levels[:-1]]
    return "/".join([*dirs, sanitize(levels[-1])])


_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_RELATIVE_OPEN = (
    hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW")
    and {os.open, os.mkdir, os.stat, os.unlink} <= os.supports_dir_fd
    and os.stat in os.supports_follow_symlinks
)


def _lstat_at(name: str, directory: int) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=directory, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _copy(fd: int, stream: BinaryIO) -> int:
    """Copy ``stream`` into the new file open at ``fd``, closing it; the bytes written."""
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(stream, out, COPY_CHUNK)
        return out.tell()


class _Writer:
    """Creates files under one root, refusing symlinks and existing files, de-duplicating names."""

    def __init__(self, root: str, overwrite: bool) -> None:
        try:
            os.makedirs(root, exist_ok=True)
        except OSError as exc:  # a file in the way, no permission …
            raise ExtractionError(root, f"cannot create the target directory: {exc.strerror or exc}") from exc
        self.root = os.path.realpath(root)
        self.overwrite = overwrite
        self._files: set[str] = set()
        self._dirs: set[str] = set()
        self._next_number: dict[str, int] = {}  # clashing prefix → next ~N to try: no recount from 2 per clash

    def unique(self, target: str) -> str:
        """``target``, with a ``~N`` suffix on the first component that clashes with an earlier file or dir."""
        parts = target.split("/")
        for i in range(len(parts)):
            prefix = "/".join(parts[: i + 1]).casefold()
            is_last = i == len(parts) - 1
            if prefix in self._files or (is_last and prefix in self._dirs):
                number = self._next_number.get(prefix, 2)
                while True:
                    candidate = "/".join([*parts[:i], f"{parts[i]}~{number}"]).casefold()
                    if candidate not in self._files and candidate not in self._dirs:
                        break
                    number += 1
                self._next_number[prefix] = number + 1
                parts[i] = f"{parts[i]}~{number}"
        for i in range(len(parts) - 1):
            self._dirs.add("/".join(parts[: i + 1]).casefold())
        result = "/".join(parts)
        self._files.add(result.casefold())
        return result

    def write(self, target: str, stream: BinaryIO, member: str) -> int:
        """Create ``target`` (relative, sanitised) under the root and copy ``stream`` into it."""
        try:
            if _RELATIVE_OPEN:
                return self._write_relative(target, stream, member)
            return self._write_by_path(target, stream, member)
        except OSError as exc:  # a name too long for the file system, no space, no permission …
            where = os.path.join(self.root, *target.split("/"))
            raise ExtractionError(member, f"cannot write {where}: {exc.strerror or exc}") from exc

    def _write_relative(self, target: str, stream: BinaryIO, member: str) -> int:
        """Walk down from the root one directory descriptor at a time, never following a link.

        Checking a path and then opening it by name leaves a window in which a directory on the way can
        be swapped for a symbolic link; opening each component relative to its parent's descriptor with
        ``O_NOFOLLOW`` closes it.
        """
        parts = target.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise ExtractionError(member, f"refusing to write outside {self.root}")
        fd = os.open(self.root, _DIRECTORY_FLAGS)
        try:
            current = self.root
            for part in parts[:-1]:
                current = os.path.join(current, part)
                found = _lstat_at(part, fd)
                if found is not None and stat.S_ISLNK(found.st_mode):
                    raise ExtractionError(member, f"refusing to write through symbolic link {current}")
                if found is not None and not stat.S_ISDIR(found.st_mode):
                    raise ExtractionError(member, f"cannot create directory {current}: a file is in the way")
                if found is None:
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(part, dir_fd=fd)
                try:
                    child = os.open(part, _DIRECTORY_FLAGS, dir_fd=fd)
                except OSError as exc:  # swapped for a link or a file since the check above
                    raise ExtractionError(member, f"refusing to write through symbolic link {current}") from exc
                os.close(fd)
                fd = child
            name = parts[-1]
            final = os.path.join(current, name)
            found = _lstat_at(name, fd)
            if found is not None and stat.S_ISLNK(found.st_mode):
                raise ExtractionError(member, f"refusing to replace symbolic link {final}")
            if found is not None:
                if not self.overwrite or stat.S_ISDIR(found.st_mode):
                    raise ExtractionError(member, f"{final} already exists (use --overwrite to replace files)")
                os.unlink(name, dir_fd=fd)
            try:
                out_fd = os.open(name, _FILE_FLAGS, 0o644, dir_fd=fd)
            except FileExistsError as exc:  # created (or linked) since the check above
                raise ExtractionError(member, f"{final} already exists (use --overwrite to replace files)") from exc
            try:
                return _copy(out_fd, stream)
            except BaseException:
                os.unlink(name, dir_fd=fd)
                raise
        finally:
            os.close(fd)

    def _write_by_path(self, target: str, stream: BinaryIO, member: str) -> int:
        """The same checks by path, where the platform cannot open relative to a directory descriptor."""
        parts = target.split("/")
        current = self.root
        for part in parts[:-1]:
            current = os.path.join(current, part)
            if os.path.islink(current):
                raise ExtractionError(member, f"refusing to write through symbolic link {current}")
            if os.path.lexists(current) and not os.path.isdir(current):
                raise ExtractionError(member, f"cannot create directory {current}: a file is in the way")
            if not os.path.lexists(current):
                os.mkdir(current)
        final = os.path.join(current, parts[-1])
        if os.path.islink(final):
            raise ExtractionError(member, f"refusing to replace symbolic link {final}")
        if not os.path.realpath(final).startswith(self.root + os.sep):
            raise ExtractionError(member, f"refusing to write outside {self.root}")
        if os.path.lexists(final):
            if not self.overwrite or os.path.isdir(final):
                raise ExtractionError(member, f"{final} already exists (use --overwrite to replace files)")
            os.unlink(final)
        fd = os.open(final, _FILE_FLAGS, 0o644)
        try:
            return _copy(fd, stream)
        except BaseException:
            os.unlink(final)
            raise


def _selection(package: Package, paths: Sequence[str], recursive: bool) -> list[tuple[str, Member]]:
    """(nested path, member) pairs to extract, in package order."""
    chosen: list[tuple[str, Member]] = []
    roots: Iterable[str] = paths or [""]
    for root in roots:
        if root:
            # "a.cab/x" and "A.CAB!x" are one member: name it as walk() does, so it lands in a.cab.d/x.
            root = package.canonical(root)
            _, member = package.resolve(root)
            if member.is_dir:
                raise PkgInspectError(f"{package.path}{SEPARATOR}{root}", "is a directory; name its files")
            chosen.append((root, member))
            if recursive and package.is_container(root):
                chosen.extend((e.path, e.member) for e in package.walk(root, recursive=True) if not e.member.is_dir)
        else:
            chosen.extend(
                (e.path, e.member) for e in package.walk("", recursive=recursive) if not e.member.is_dir
            )
    return chosen


def extract(
    package: Package,
    destination: str | os.PathLike[str],
    paths: Sequence[str] = (),
    *,
    recursive: bool = False,
    overwrite: bool = False,
) -> list[Extracted]:
    """Write members of ``package`` under ``destination``; all top-level members when ``paths`` is empty.

    With ``recursive``, nested containers are also expanded into ``<name>.d/`` directories.
    """
    writer = _Writer(os.fspath(destination), overwrite)
    selection = _selection(package, paths, recursive)
    # Group by container so each cabinet folder is decoded once for all its members.
    groups: dict[str, list[tuple[str, Member]]] = {}
    for path, member in selection:
        groups.setdefault(path.rpartition(SEPARATOR)[0], []).append((path, member))
    results: list[Extracted] = []
    for parent, items in groups.items():
        container = package.container(parent)
        names = {member.index: path for path, member in items}
        for path, member in items:
            if member.special and path not in paths:
                results.append(Extracted(path, "", 0, f"skipped: a {member.special} (links and special files are "
                                                      "never extracted)"))
        regular = [member for path, member in items if not member.special or path in paths]
        for member, stream in container.iter_open(regular):
            path = names[member.index]
            wanted = _target_for(path)
            target = writer.unique(wanted)
            notes = []
            if wanted != "/".join(part for part in path.replace(SEPARATOR, NESTED_DIR_SUFFIX + "/").split("/")):
                notes.append(f"name sanitised from {path!r}")
            if target != wanted:
                notes.append(f"renamed from {wanted!r}: another member has that name")
            size = writer.write(target, stream, f"{package.path}{SEPARATOR}{path}")
            results.append(Extracted(join(path), target, size, "; ".join(notes) or None))
    return results
