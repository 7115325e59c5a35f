"""Locating packages and their metadata: which paths are packages, the member tree, what is shallow, where."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping

from pkginspect.containers import SEPARATOR, Entry, Package, sniff
from pkginspect.containers.base import SNIFF_BYTES
from pkginspect.containers.tree import NESTED_SUFFIXES
from pkginspect.paths import base_name
from pkginspect.regularfiles import is_regular, open_regular

SHALLOW_BYTES = 16 * 1024 * 1024
"""A member is shallow when reaching it decodes at most this many bytes, over every nesting level."""


def find_packages(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Expand ``paths`` into package files.

    Files are kept as given (so one that cannot be read is reported). A directory contributes the regular
    files directly in it (sorted) whose first bytes are a cabinet or WIM signature, so notes and checksums
    beside the packages are skipped; its subdirectories are not entered (``fixtures/packages`` does not
    pull in ``broken/``), and FIFOs, devices and sockets are never opened.
    """
    found: list[str] = []
    for text in (os.fspath(path) for path in paths):
        try:
            names = sorted(os.listdir(text)) if os.path.isdir(text) else None
        except OSError:
            names = None  # let inspect report why it cannot be read
        if names is None:
            found.append(text)
            continue
        for name in names:
            full = os.path.join(text, name)
            if not is_regular(full):
                continue
            try:
                stream, _ = open_regular(full)
                with stream:
                    if sniff(stream.read(SNIFF_BYTES)):
                        found.append(full)
            except OSError:
                found.append(full)  # let inspect report why it cannot be read
    return found


def walk(package: Package, prefix: str, depth: int, parent: str, deferred: list[str] | None) -> Iterator[Entry]:
    """Like ``package.walk()``, but big container-like members of a WIM are only collected in ``deferred``.

    They are neither entered nor sniffed: wimlib reads a WIM member only by extracting it whole.
    """
    for found in package.walk(prefix, recursive=False):
        member = found.member
        kind = None
        if not member.is_dir and member.name.lower().endswith(NESTED_SUFFIXES) and member.size >= SNIFF_BYTES:
            if deferred is not None and parent == "wim" and member.size > SHALLOW_BYTES:
                deferred.append(found.path)
            else:
                kind = package.is_container(found.path)
        yield Entry(found.path, member, depth, kind)
        if kind is not None:
            yield from walk(package, found.path, depth + 1, kind, deferred)


def is_shallow(package: Package, entries: Mapping[str, Entry], path: str) -> bool:
    """Whether reading ``path`` decodes at most :data:`SHALLOW_BYTES`.

    What is decoded before it: its offset in its folder, plus at every enclosing level the offset of the
    container in its own folder and that of the member's folder data inside the container (reached by
    decoding the parent up to there).
    """
    levels = path.split(SEPARATOR)
    total = 0
    for depth in range(1, len(levels) + 1):
        entry = entries.get(SEPARATOR.join(levels[:depth]))
        if entry is None:
            continue
        member = entry.member
        total += member.offset or 0
        if depth > 1 and member.folder is not None:
            folders = getattr(package.container(SEPARATOR.join(levels[:depth - 1])), "folders", ())
            if member.folder < len(folders):
                total += folders[member.folder].data_offset
    return total <= SHALLOW_BYTES


def is_update_mum(path: str) -> bool:
    """Whether the member at ``path`` is a CBS package's ``update.mum``."""
    return base_name(path, nested=True).lower() == "update.mum"


def cbs_holders(entries: Mapping[str, Entry], kinds: Mapping[str, str | None]) -> dict[str, list[str]]:
    """The containers holding a CBS package (an ``update.mum``), each with the ``.mum`` files directly in it."""
    found: dict[str, list[str]] = {}
    for entry in entries.values():
        holder = entry.path.rpartition(SEPARATOR)[0]
        if kinds[entry.path] == "mum" and entry.depth == (holder.count(SEPARATOR) + 1 if holder else 0):
            found.setdefault(holder, []).append(entry.path)
    return {holder: mums for holder, mums in found.items() if any(map(is_update_mum, mums))}


def revision_file(entries: Iterable[str], prefix: str, folder: str, revision: int | None) -> str | None:
    """WSUSSCAN's ``<folder>/<revision>`` file under ``prefix``; in ``localized/<language>/``, English first."""
    if revision is None:
        return None
    start = f"{prefix}{SEPARATOR}{folder}/".lower()
    if folder != "localized":
        return next((p for p in entries if p.lower() == f"{start}{revision}"), None)
    matches = [p for p in entries if p.lower().startswith(start) and p.lower().endswith(f"/{revision}")]
    return next((p for p in matches if p.lower().startswith(f"{start}en/")), next(iter(matches), None))
