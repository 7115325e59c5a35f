r"""A package as a tree of containers: open by magic, walk nested archives, reach members by nested path.

A nested path joins container levels with ``!``: ``KB.msu!Windows6.1-KB4538483-x64.cab!update.mum`` is
written ``Windows6.1-KB4538483-x64.cab!update.mum`` relative to the package. Inside one level, ``/`` and
``\`` both separate folders and names match case-insensitively (as on Windows). As a convenience, ``/``
may also stand for ``!`` when a prefix names a nested container (``inner.cab/update.mum``).

Walking descends into members named ``*.cab``, ``*.msu``, ``*.wim`` or ``*.esd`` whose first bytes are a
cabinet or WIM signature (the name only decides whether to look; the bytes decide the format), so listing a
package never inflates payload folders. Any member can be opened as a container by naming it before ``!``.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from pkginspect.containers.base import SNIFF_BYTES, Container, Member, describe_unknown, sniff
from pkginspect.containers.cab import CabinetReader
from pkginspect.containers.limits import Budget, Limits, exceeded
from pkginspect.containers.streams import COPY_CHUNK, ReopeningStream
from pkginspect.errors import ContainerError, MemberNotFoundError, PkgInspectError
from pkginspect.paths import SEPARATOR
from pkginspect.regularfiles import NotRegularFile, open_regular
from pkginspect.suggest import closest, hint

NESTED_SUFFIXES = (".cab", ".msu", ".wim", ".esd")
MAX_OPEN_NESTED = 32
"""Nested readers kept open at once; beyond that the least recently used one without open children is
closed (and reopened if needed again), so ten thousand nested cabinets do not hold ten thousand readers."""


@dataclass(frozen=True)
class Entry:
    """One member seen while walking a package, with its nested path and depth."""

    path: str
    """Nested path from the package root, levels joined with ``!``."""
    member: Member
    depth: int
    """0 for members of the package itself, 1 inside a nested container, …"""
    container: str | None = None
    """``"cab"`` or ``"wim"`` when the member is itself a container that the walk descended into."""


def join(*levels: str) -> str:
    """Join container levels into a nested path."""
    return SEPARATOR.join(level for level in levels if level)


def _normal(name: str) -> str:
    return name.replace("\\", "/").strip("/").casefold()


def open_container(path: str | os.PathLike[str], budget: Budget | None = None) -> Container:
    """Open a file on disk as a cabinet or WIM, chosen by its first bytes."""
    source = os.fspath(path)
    try:
        stream, info = open_regular(source)  # a FIFO or device is refused, never read or waited on
    except NotRegularFile as exc:
        what = "a directory, not a package file" if exc.kind == "a directory" else f"{exc.kind}, not a regular file"
        raise PkgInspectError(source, f"is {what}") from exc
    except FileNotFoundError as exc:
        raise PkgInspectError(source, "no such file") from exc
    except OSError as exc:
        raise PkgInspectError(source, f"cannot read: {exc.strerror}") from exc
    budget = budget or Budget()
    head = stream.read(SNIFF_BYTES)
    kind = sniff(head)
    if kind == "cab":
        try:
            return CabinetReader(stream, source, size=info.st_size, budget=budget, owns_stream=True)
        except BaseException:
            stream.close()
            raise
    stream.close()
    if kind == "wim":
        from pkginspect.containers.wim import WimReader

        return WimReader(source, source, budget=budget)
    raise describe_unknown(source, head)


class Package:
    """An update package opened for reading: its root container and every container nested in it.

    Limits apply to everything done through one ``Package`` (its budget counts all inflated bytes).
    Use it as a context manager, or call ``close()``.
    """

    def __init__(self, path: str | os.PathLike[str], limits: Limits | None = None) -> None:
        self.path = os.fspath(path)
        self.limits = limits or Limits()
        self.budget = Budget(self.limits)
        self.root = open_container(self.path, self.budget)
        self.kind = self.root.kind
        self.size = os.path.getsize(self.path)
        self._nested: OrderedDict[str, Container] = OrderedDict()
        self._keys: dict[int, str] = {id(self.root): ""}
        self._maps: dict[int, dict[str, Member]] = {}
        self._spooled: list[str] = []

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every container opened and remove any spooled temporary file."""
        for container in reversed(list(self._nested.values())):
            container.close()
        self._nested.clear()
        self._keys = {id(self.root): ""}
        self._maps.clear()
        self.root.close()
        for spooled in self._spooled:
            shutil.rmtree(spooled, ignore_errors=True)
        self._spooled.clear()

    # -- navigation ---------------------------------------------------------------------------------

    @property
    def members(self) -> Sequence[Member]:
        """The package's own (top-level) members."""
        return self.root.members

    def container(self, path: str = "") -> Container:
        """The container at nested path ``path`` (``""`` is the package itself)."""
        if not path:
            return self.root
        parent, member = self.resolve(path)
        key = join(*(self._key(parent), member.name))
        if key in self._nested:
            self._nested.move_to_end(key)
            return self._nested[key]
        depth = key.count(SEPARATOR) + 1
        if depth > self.limits.max_depth:
            raise exceeded(f"{self.path}{SEPARATOR}{key}", f"nesting depth {depth}", "max_depth")
        child = self._open_nested(parent, member, f"{self.path}{SEPARATOR}{key}")
        self._nested[key] = child
        self._keys[id(child)] = key
        self._evict()
        return child

    def _evict(self) -> None:
        """Close the least recently used nested readers beyond MAX_OPEN_NESTED that have no open children."""
        excess = len(self._nested) - MAX_OPEN_NESTED
        if excess <= 0:
            return
        parents = {key.rpartition(SEPARATOR)[0] for key in self._nested}
        for key in [key for key in self._nested if key not in parents][:excess]:
            container = self._nested.pop(key)
            self._keys.pop(id(container), None)
            self._maps.pop(id(container), None)
            container.close()

    def _key(self, container: Container) -> str:
        key = self._keys.get(id(container))
        if key is None or (key and self._nested.get(key) is not container):
            raise AssertionError("container not opened through this package")
        return key

    def resolve(self, path: str) -> tuple[Container, Member]:
        """Find the container holding the member at nested ``path``, and that member."""
        levels = [level for level in path.split(SEPARATOR)]
        if not all(levels):
            raise MemberNotFoundError(f"{self.path}{SEPARATOR}{path}", "empty level in member path")
        container = self.root
        for position, level in enumerate(levels):
            container, member, rest = self._find(container, level)
            remaining = ([rest] if rest else []) + levels[position + 1 :]
            if not remaining:
                return container, member
            container = self.container(join(self._key(container), member.name))
            if rest:
                # ``a.cab/inner`` shorthand: keep resolving the rest of this level inside ``a.cab``.
                return self.resolve(join(self._key(container), *remaining))
        raise AssertionError("unreachable")

    def canonical(self, path: str) -> str:
        """The member at nested ``path`` named as ``walk`` names it: levels joined with ``!``, stored spelling.

        ``Inner.CAB/update.mum`` (``/`` standing for ``!``, any case) becomes ``inner.cab!update.mum``.
        """
        container, member = self.resolve(path)
        return join(self._key(container), member.name)

    def _find(self, container: Container, level: str) -> tuple[Container, Member, str]:
        wanted = _normal(level)
        by_name = self._maps.get(id(container))
        if by_name is None:  # built once per container: a lookup per member must not cost a pass over all
            by_name = self._maps[id(container)] = {_normal(m.name): m for m in reversed(container.members)}
        if wanted in by_name:
            return container, by_name[wanted], ""
        parts = wanted.split("/")
        for cut in range(len(parts) - 1, 0, -1):
            head = "/".join(parts[:cut])
            member = by_name.get(head)
            if member is not None and not member.is_dir:
                return container, member, "/".join(parts[cut:])
        close = closest(wanted, by_name)
        raise MemberNotFoundError(container.source, f"no member named {level!r}{hint(close and by_name[close].name)}")

    def _open_nested(self, parent: Container, member: Member, source: str) -> Container:
        head = self._head(parent, member)
        kind = sniff(head)
        if kind == "cab":
            raw = parent.open(member)
            if raw.seekable():
                stream: BinaryIO = raw
            else:
                raw.close()
                opener = ReopeningStream(lambda: parent.open(member), member.size)
                stream = io.BufferedReader(opener, buffer_size=COPY_CHUNK)
            try:
                return CabinetReader(stream, source, size=member.size, budget=self.budget, owns_stream=True)
            except BaseException:
                stream.close()
                raise
        if kind == "wim":
            from pkginspect.containers.wim import WimReader

            return WimReader(self._spool(parent, member), source, budget=self.budget)
        raise describe_unknown(source, head)

    def _head(self, parent: Container, member: Member) -> bytes:
        if member.is_dir:
            raise ContainerError(f"{parent.source}: {member.name}", "is a directory, not a container")
        with parent.open(member) as stream:
            return stream.read(SNIFF_BYTES)

    def _spool(self, parent: Container, member: Member) -> str:
        """Copy a nested WIM to a private temporary file: wimlib reads WIMs only by path."""
        workdir = tempfile.mkdtemp(prefix="pkginspect-")
        self._spooled.append(workdir)
        target = os.path.join(workdir, "nested.wim")
        with parent.open(member) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        return target

    # -- reading ------------------------------------------------------------------------------------

    def open(self, path: str) -> BinaryIO:
        """A stream of the member at nested ``path``."""
        container, member = self.resolve(path)
        if member.is_dir:
            raise ContainerError(f"{container.source}: {member.name}", "is a directory")
        return container.open(member)

    def read(self, path: str, max_size: int | None = None) -> bytes:
        """The bytes of the member at ``path``; refuse members larger than ``max_size`` when given."""
        container, member = self.resolve(path)
        if max_size is not None and member.size > max_size:
            raise exceeded(
                f"{container.source}: {member.name}", f"member size {member.size} bytes", "max_member_size"
            )
        with self.open(path) as stream:
            return stream.read()

    def is_container(self, path: str) -> str | None:
        """``"cab"``/``"wim"`` when the member at ``path`` is a cabinet or WIM, else None."""
        container, member = self.resolve(path)
        if member.is_dir or member.size < SNIFF_BYTES:
            return None
        return sniff(self._head(container, member))

    def walk(self, path: str = "", recursive: bool = True) -> Iterator[Entry]:
        """Every member under ``path``; with ``recursive``, nested containers are entered (see module doc)."""
        yield from self._walk(path, recursive, 0)

    def _walk(self, prefix: str, recursive: bool, depth: int) -> Iterator[Entry]:
        container = self.container(prefix)
        kinds = self._sniff_all(container) if recursive else {}
        for member in container.members:
            path = join(prefix, member.name)
            kind = kinds.get(member.index)
            yield Entry(path, member, depth, kind)
            if kind is not None:
                yield from self._walk(path, recursive, depth + 1)

    def _sniff_all(self, container: Container) -> dict[int, str]:
        """The format of every member named like a container, read in one pass over the container.

        Opening each one by itself would decode a cabinet folder from its start once per member.
        """
        candidates = [
            member for member in container.members
            if not member.is_dir and not member.special and member.size >= SNIFF_BYTES
            and member.name.lower().endswith(NESTED_SUFFIXES)
        ]
        kinds: dict[int, str] = {}
        for member, stream in container.iter_open(candidates):
            kind = sniff(stream.read(SNIFF_BYTES))
            if kind is not None:
                kinds[member.index] = kind
        return kinds


def open_package(path: str | os.PathLike[str], limits: Limits | None = None) -> Package:
    """Open an update package (.msu, .cab or WIM) for listing and reading; sniffed by magic, not name."""
    return Package(path, limits)
