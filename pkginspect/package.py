"""UpdatePackage: one update package's facts, each with the member it came from, gathered by ``inspect``.

``inspect`` lists the package (tables only), then reads the small members first: WSUSSCAN's package.xml
and the revision files it names (``core/<leaf>`` carries the whole ``update.mum`` inline), CompDB cabinets,
and whatever metadata is *shallow* — reachable by decoding at most :data:`SHALLOW_BYTES` in all, over every
nesting level. In Microsoft's packages the ``.mum`` files sit at the end of the package cabinet's one
folder, behind the payload, and pkgProperties sits behind the whole package cabinet in the .msu; such deep
members are read only when a fact is still missing (no inlined manifest; a restart the unread sub-packages
could still raise to ``required``) or when asked for (``deep=True``, ``components=True``). Deep members left
unread are listed in ``not_read``; so is a big WIM inside a WIM-based .msu, which is not even opened
(wimlib extracts a WIM member whole) while WSUSSCAN's copy of its update.mum answers. Two sources that
disagree are recorded in ``conflicts``; the package's own ``update.mum`` wins over its inlined copy.
Metadata files are parsed one at a time as the folder is decoded (only the records are kept), and decoding
stops at the last wanted member. A metadata file that fails to parse becomes a ``problem``, not a failure; a
package that cannot be opened at all raises its ``ContainerError``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pkginspect import metadata as md
from pkginspect import products
from pkginspect.containers import SEPARATOR, Entry, Limits, Package, join, open_package, sniff
from pkginspect.containers.base import SNIFF_BYTES
from pkginspect.containers.tree import NESTED_SUFFIXES
from pkginspect.errors import PkgInspectError, wrong_type
from pkginspect.metadata.compdb import is_hotpatch_compdb_name
from pkginspect.numbers import parse_decimal
from pkginspect.paths import base_name
from pkginspect.regularfiles import is_regular, open_regular

T = TypeVar("T")
METADATA_MAX = 32 * 1024 * 1024
HASH_CHUNK = 1024 * 1024
SHALLOW_BYTES = 16 * 1024 * 1024
"""A member is shallow when reaching it decodes at most this many bytes, over every nesting level."""
RESTART_ORDER = {None: 0, "possible": 1, "required": 2}
_HOTPATCH_CAB = re.compile(r"-hotpatch-[a-z0-9]+\.(cab|wim)$", re.IGNORECASE)
_PSF = re.compile(r"\.psf$", re.IGNORECASE)
PACKAGE_KINDS = {
    "package_for_rollupfix": "cumulative",
    "package_for_servicingstack": "servicing-stack",
    "package_for_dotnetrollup": "dotnet",
    "package_for_revisedfix": "revised-fix",
    "package_for_windowsexperiencefeaturepack": "feature-pack",
    "package_for_safeosdu": "safe-os",
}


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value and the nested member path it was read from."""

    value: T
    source: str

    def to_dict(self) -> dict[str, Any]:
        """``{"value": …, "source": …}``."""
        return {"value": _plain(self.value), "source": self.source}


@dataclass(frozen=True)
class MemberInfo:
    """One entry of the package's member tree."""

    path: str
    size: int
    compression: str
    depth: int
    container: str | None


@dataclass(frozen=True)
class SubPackage:
    """A ``.mum`` other than ``update.mum`` in a CBS package."""

    name: str
    version: str | None
    release_type: str | None
    restart: str | None
    source: str
    parents: tuple[str, ...] = ()
    """The versions of the sub-package's own parents (``PackageManifest.parent_versions``)."""


@dataclass(frozen=True)
class Component:
    """A component manifest of a CBS package (identity, or only its compression when delta-compressed)."""

    source: str
    name: str | None
    version: str | None
    architecture: str | None
    compressed: str | None
    """The compression format (``DCM``, ``PA30`` …) when the manifest cannot be read off Windows."""


@dataclass(frozen=True)
class CbsPackage:
    """One servicing package in the update (a .msu can hold an SSU and an LCU)."""

    container: str
    """Nested path of the cabinet or WIM holding it (``""`` when the file itself is the package)."""
    manifest: md.PackageManifest
    kind: str
    """``cumulative``, ``servicing-stack``, ``dotnet``, ``revised-fix`` … or ``package``."""
    build: Fact[str] | None
    """``<build>.<ubr>`` this package brings a machine to (cumulative and servicing stack packages)."""
    target_build: Fact[int] | None
    """The OS build the package applies to (from its version or its parents)."""
    sub_packages: tuple[SubPackage, ...]
    components: tuple[Component, ...]

    @property
    def identity(self) -> md.AssemblyIdentity:
        """The package's assembly identity."""
        return self.manifest.identity

    @property
    def restart(self) -> Fact[str | None]:
        """The strongest restart over the package and its sub-packages (``required`` > ``possible``)."""
        candidates = [Fact(self.manifest.restart, self.manifest.source)]
        candidates += [Fact(s.restart, s.source) for s in self.sub_packages]
        return max(candidates, key=lambda f: RESTART_ORDER.get(f.value, 1))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        manifest = self.manifest
        return {
            "container": self.container,
            "source": manifest.source,
            "kind": self.kind,
            "identity": manifest.identity.to_dict(),
            "kb": manifest.identity.kb or md.kb_from_text(manifest.identifier),
            "identifier": manifest.identifier,
            "release_type": manifest.release_type,
            "restart": manifest.restart,
            "effective_restart": self.restart.to_dict(),
            "build": _fact(self.build),
            "target_build": _fact(self.target_build),
            "installer_minimum": manifest.installer_assembly.version if manifest.installer_assembly else None,
            "parents": sorted({i.key for group in manifest.parents for i in group.identities}),
            "sub_packages": [dataclasses.asdict(s) for s in self.sub_packages],
            "components": [dataclasses.asdict(c) for c in self.components],
            "creation_time": manifest.creation_time_stamp,
        }


@dataclass(frozen=True)
class UpdatePackage:
    """Everything pkginspect knows about one update package; facts carry their source member."""

    path: str
    container: str
    size: int
    sha256: str | None
    members: tuple[MemberInfo, ...]
    kb: Fact[int] | None
    title: Fact[str] | None
    description: Fact[str] | None
    msrc_severity: Fact[str] | None
    classification: Fact[str] | None
    classification_name: str | None
    reboot_behavior: Fact[str] | None
    creation_date: Fact[str] | None
    package_type: Fact[str] | None
    release_type: Fact[str] | None
    restart: Fact[str] | None
    build: Fact[str] | None
    architecture: Fact[str] | None
    products: Fact[tuple[str, ...]] | None
    packages: tuple[CbsPackage, ...]
    compdbs: tuple[md.CompDB, ...]
    express_indexes: tuple[str, ...]
    psf_payloads: tuple[str, ...]
    hotpatch_markers: tuple[Fact[str], ...]
    wsus: md.OfflineSyncPackage | None = field(default=None, repr=False)
    properties: md.PackageProperties | None = field(default=None, repr=False)
    unattend: md.UnattendFile | None = field(default=None, repr=False)
    problems: tuple[str, ...] = ()
    """Metadata that could not be read; the facts above are what the rest gave."""
    conflicts: tuple[str, ...] = ()
    """Facts on which two sources disagree, each naming both sources and the one that was used."""
    not_read: tuple[str, ...] = ()
    """Deep members left unread because no fact needed them (metadata behind the payload, a big WIM inside a
    WIM); ``deep=True`` reads them."""

    @property
    def name(self) -> str:
        """The package's file name."""
        return os.path.basename(self.path)

    @property
    def primary(self) -> CbsPackage | None:
        """The package the update is about (see :func:`primary_of`)."""
        return primary_of(self.packages)

    @property
    def ubr(self) -> int | None:
        """The update build revision the package brings a machine to, when known."""
        if self.build is None:
            return None
        return parse_decimal(self.build.value.split(".")[1])

    def to_dict(self, members: bool = True) -> dict[str, Any]:
        """Plain JSON-able data (validates against ``schemas/inspect.schema.json``)."""
        data: dict[str, Any] = {
            "path": self.path,
            "name": self.name,
            "container": self.container,
            "size": self.size,
            "sha256": self.sha256,
        }
        for name in ("kb", "title", "description", "msrc_severity", "classification", "reboot_behavior",
                     "creation_date", "package_type", "release_type", "restart", "build", "architecture",
                     "products"):
            data[name] = _fact(getattr(self, name))
        data["classification_name"] = self.classification_name
        data["ubr"] = self.ubr
        data["packages"] = [p.to_dict() for p in self.packages]
        data["compdbs"] = [
            {"source": c.source, "type": c.type, "name": c.name, "release_type": c.release_type,
             "hotpatch": "hotpatch" in (c.source + " " + (c.name or "")).lower()}
            for c in self.compdbs
        ]
        data["express_indexes"] = list(self.express_indexes)
        data["psf_payloads"] = list(self.psf_payloads)
        data["hotpatch_markers"] = [m.to_dict() for m in self.hotpatch_markers]
        data["problems"] = list(self.problems)
        if self.conflicts:
            data["conflicts"] = list(self.conflicts)
        if self.not_read:
            data["not_read"] = list(self.not_read)
        if members:
            data["members"] = [dataclasses.asdict(m) for m in self.members]
        return data


def primary_of(packages: Sequence[CbsPackage]) -> CbsPackage | None:
    """The package an update is about: its cumulative update if it has one, else the first non-SSU one."""
    for kind in ("cumulative", "package", "dotnet", "revised-fix"):
        for package in packages:
            if package.kind == kind:
                return package
    return packages[0] if packages else None


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _fact(fact: Fact[Any] | None) -> dict[str, Any] | None:
    return fact.to_dict() if fact is not None else None


def _first(*facts: Fact[T] | None) -> Fact[T] | None:
    return next((f for f in facts if f is not None and f.value not in (None, "")), None)


class _Reader:
    """Reads metadata members one at a time, one decoding pass per container; failures become problems."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.problems: list[str] = []

    def each(self, paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        """Yield ``(path, bytes)`` for each readable member, in folder order; the caller keeps only records."""
        groups: dict[str, list[str]] = {}
        for path in paths:
            groups.setdefault(path.rpartition(SEPARATOR)[0], []).append(path)
        for parent, wanted in groups.items():
            try:
                container = self.package.container(parent)
                by_name = {m.name: m for m in container.members}
                members = []
                for path in wanted:
                    member = by_name.get(path.rpartition(SEPARATOR)[2])
                    # Problems go through the error class so that names from the file stay on one line.
                    if member is None:  # a name holding the separator itself cannot be told apart from nesting
                        message = f"cannot be read: {SEPARATOR!r} in a member name is ambiguous"
                        self.problems.append(str(PkgInspectError(path, message)))
                        continue
                    if member.size > METADATA_MAX:
                        message = f"{member.size} bytes is too large for a metadata file"
                        self.problems.append(str(PkgInspectError(path, message)))
                        continue
                    members.append(member)
                for member, stream in container.iter_open(members):
                    yield join(parent, member.name), stream.read()
            except PkgInspectError as error:
                self.problems.append(str(error))

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        """The bytes of small members (a handful of kilobytes each), by path."""
        return dict(self.each(paths))

    def parse_each(self, kind: str, paths: Iterable[str]) -> dict[str, Any]:
        """Parse members one at a time as they are decoded, keeping only the records."""
        return {path: record for path, data in self.each(paths)
                if (record := self.parse(kind, data, path)) is not None}

    def parse(self, kind: str, data: bytes | None, source: str) -> Any:
        if data is None:
            return None
        try:
            return md.PARSERS[kind](data, source)
        except PkgInspectError as error:
            self.problems.append(str(error))
            return None


def _hash(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _revision_file(entries: Mapping[str, Entry], prefix: str, folder: str, revision: int | None) -> str | None:
    if revision is None:
        return None
    wanted = f"{prefix}{SEPARATOR}{folder}/{revision}".lower()
    return next((p for p in entries if p.lower() == wanted), None)


def _localized_file(entries: Mapping[str, Entry], prefix: str, revision: int | None) -> str | None:
    if revision is None:
        return None
    start = f"{prefix}{SEPARATOR}localized/".lower()
    matches = [p for p in entries if p.lower().startswith(start) and p.lower().endswith(f"/{revision}")]
    english = [p for p in matches if p.lower().startswith(start + "en/")]
    chosen = english or matches
    return chosen[0] if chosen else None


def find_packages(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Expand ``paths`` into package files.

    Files are kept as given (so one that cannot be read is reported). A directory contributes the regular
    files directly in it (sorted) whose first bytes are a cabinet or WIM signature, so notes and checksums
    beside the packages are skipped; its subdirectories are not entered (``fixtures/packages`` does not
    pull in ``broken/``), and FIFOs, devices and sockets are never opened.
    """
    found: list[str] = []
    for path in paths:
        text = os.fspath(path)
        if not os.path.isdir(text):
            found.append(text)
            continue
        try:
            names = sorted(os.listdir(text))
        except OSError:
            found.append(text)  # let inspect report why it cannot be read
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


def inspect(
    path: str | os.PathLike[str],
    *,
    limits: Limits | None = None,
    components: bool = False,
    sha256: bool = True,
    deep: bool = False,
) -> UpdatePackage:
    """Open the package at ``path`` and gather its facts (see the module docstring).

    ``deep`` also reads the metadata members that sit behind the payload when no fact needs them.
    """
    if not isinstance(path, (str, os.PathLike)):
        hint = "inspect reads the file itself: pass the package's path" if isinstance(path, Package) else ""
        raise wrong_type("inspect", "path", "a file path (str or os.PathLike)", path, hint)
    with open_package(path, limits) as package:
        return _inspect(package, components, sha256, deep)


def _decode_before(package: Package, entries: Mapping[str, Entry], path: str) -> int:
    """About how many bytes are decoded before ``path`` can be read.

    Its offset in its folder, plus at every enclosing level the offset of the container in its own folder and
    that of the member's folder data inside the container (reached by decoding the parent up to there).
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
    return total


def _walk(package: Package, prefix: str, depth: int, parent: str, deferred: list[str] | None) -> Iterator[Entry]:
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
            yield from _walk(package, found.path, depth + 1, kind, deferred)


def _inspect(package: Package, components: bool, sha256: bool, deep: bool = False) -> UpdatePackage:
    reader = _Reader(package)
    deferred: list[str] = []
    entries = {e.path: e for e in _walk(package, "", 0, package.kind, None if deep or components else deferred)}
    kinds = {path: md.kind_of(path) for path in entries}
    top = [e for e in entries.values() if e.depth == 0]
    not_read: list[str] = []

    def shallow(path: str) -> bool:
        return deep or _decode_before(package, entries, path) <= SHALLOW_BYTES

    # WSUSSCAN: package.xml first, then only the revision files it names.
    wsus = extended_bundle = extended_leaf = localized = None
    inlined: list[md.PackageManifest] = []
    wsus_prefix = next(
        (e.path for e in top if e.container and base_name(e.path, nested=True).lower() == "wsusscan.cab"), None
    )
    if wsus_prefix is not None:
        inner = next((p for p in entries if p.lower() == f"{wsus_prefix}!package.cab".lower()), None)
        prefix = inner or wsus_prefix
        xml_path = join(prefix, "package.xml")
        if xml_path in entries:
            wsus = reader.parse("wsus-package", reader.read_many([xml_path]).get(xml_path), xml_path)
        if wsus is not None:
            bundle = wsus.bundle or (wsus.updates[0] if wsus.updates else None)
            leaves = wsus.bundled_updates(bundle) if bundle else ()
            leaf = leaves[0] if leaves else bundle
            wanted = {
                "bundle": _revision_file(entries, prefix, "extended", bundle.revision_id if bundle else None),
                "leaf": _revision_file(entries, prefix, "extended", leaf.revision_id if leaf else None),
                "localized": _localized_file(entries, prefix, bundle.revision_id if bundle else None),
            }
            cores = [c for u in (leaves or (bundle,)) if u is not None
                     and (c := _revision_file(entries, prefix, "core", u.revision_id))]
            data = reader.read_many(p for p in {*wanted.values(), *cores} if p)
            extended_bundle = reader.parse("wsus-extended", data.get(wanted["bundle"] or ""), wanted["bundle"] or "")
            extended_leaf = reader.parse("wsus-extended", data.get(wanted["leaf"] or ""), wanted["leaf"] or "")
            localized = reader.parse("wsus-localized", data.get(wanted["localized"] or ""), wanted["localized"] or "")
            for core_path in cores:
                core = reader.parse("wsus-core", data.get(core_path), core_path)
                if core is not None and core.inlined_mum is not None:
                    inlined.append(core.inlined_mum)

    # Top-level text metadata: in a .msu it follows the package cabinet in the one MSZIP folder.
    props_path = next((e.path for e in top if kinds[e.path] == "pkgprops"), None)
    unattend_path = next((e.path for e in top if kinds[e.path] == "unattend"), None)
    small_paths = [p for p in (props_path, unattend_path) if p]
    not_read += [p for p in small_paths if not shallow(p)]
    small = reader.read_many(p for p in small_paths if shallow(p))
    properties = reader.parse("pkgprops", small.get(props_path or ""), props_path or "")
    unattend = reader.parse("unattend", small.get(unattend_path or ""), unattend_path or "")

    # CBS packages: every container (the file itself or a nested one) holding an update.mum.
    holders: dict[str, list[str]] = {}
    for item in entries.values():
        holder = item.path.rpartition(SEPARATOR)[0]
        level = holder.count(SEPARATOR) + 1 if holder else 0
        if kinds[item.path] == "mum" and item.depth == level:
            holders.setdefault(holder, []).append(item.path)
    holders = {
        h: mums for h, mums in holders.items() if any(base_name(p, nested=True).lower() == "update.mum" for p in mums)
    }
    matched = _match_inlined([*holders, *deferred], inlined)
    cbs: list[CbsPackage] = []
    conflicts: list[str] = []
    # A WIM inside a WIM is entered only when WSUSSCAN's copy of its update.mum leaves a fact open.
    for path in deferred:
        copy = matched.get(path)
        if copy is not None and copy.restart == "required":
            cbs.append(_cbs_package(path, copy, (), ()))
            not_read.append(path)
            continue
        outer = entries[path]
        nested = package.is_container(path)
        entries[path] = Entry(path, outer.member, outer.depth, nested)
        if nested is not None:
            for within in _walk(package, path, outer.depth + 1, nested, None):
                entries[within.path] = within
                kinds[within.path] = md.kind_of(within.path)
                holder = within.path.rpartition(SEPARATOR)[0]
                if kinds[within.path] == "mum" and holder.count(SEPARATOR) + 1 == within.depth:
                    holders.setdefault(holder, []).append(within.path)
            if not any(base_name(p, nested=True).lower() == "update.mum" for p in holders.get(path, [])):
                holders.pop(path, None)
    for holder in [h for h in ["", *(e.path for e in entries.values() if e.container)] if h in holders]:
        package_entry = _gather_cbs(reader, kinds, holder, holders[holder], matched.get(holder), components,
                                    shallow, not_read, conflicts)
        if package_entry is not None:
            cbs.append(package_entry)

    # AggregatedMetadata CompDBs (cabinets of cabinets of XML), express indexes, PSF payloads.
    compdb_paths = [p for p in entries if kinds[p] == "compdb"]
    parsed_compdbs = reader.parse_each("compdb", compdb_paths)
    compdbs = tuple(parsed_compdbs[p] for p in compdb_paths if p in parsed_compdbs)
    express = tuple(p for p in entries if kinds[p] == "express-index")
    psf = tuple(e.path for e in top if _PSF.search(e.path))

    result = _assemble(package, entries, cbs, wsus, extended_bundle, extended_leaf, localized, properties, unattend,
                       compdbs, express, psf, reader.problems, sha256)
    conflicts += _fact_conflicts(cbs, properties, extended_bundle, result)
    return dataclasses.replace(result, conflicts=tuple(conflicts), not_read=tuple(not_read))


def _match_inlined(holders: Sequence[str], inlined: Sequence[md.PackageManifest]) -> dict[str, md.PackageManifest]:
    """Pair WSUSSCAN's inlined manifests with the containers holding the update.mum they copy.

    Only unambiguous pairs: the one holder with the one manifest, or the holder whose name carries the
    manifest's KB (``Windows10.0-KB5036909-x64.cab``) when exactly one does.
    """
    if len(holders) == 1 and len(inlined) == 1:
        return {holders[0]: inlined[0]}
    pairs: dict[str, md.PackageManifest] = {}
    for manifest in inlined:
        kb = manifest.identity.kb or md.kb_from_text(manifest.identifier)
        named = [h for h in holders if kb is not None and md.kb_from_text(base_name(h, nested=True).lower()) == kb]
        if len(named) == 1 and named[0] not in pairs:
            pairs[named[0]] = manifest
    return pairs


def _gather_cbs(
    reader: _Reader,
    kinds: Mapping[str, str | None],
    holder: str,
    mums: Sequence[str],
    inlined: md.PackageManifest | None,
    components: bool,
    shallow: Callable[[str], bool],
    not_read: list[str],
    conflicts: list[str],
) -> CbsPackage | None:
    """One CBS package: its update.mum (or WSUSSCAN's copy), then only the sub-package .mum files needed."""
    update = next(p for p in mums if base_name(p, nested=True).lower() == "update.mum")
    subs_paths = sorted(p for p in mums if p != update)
    manifests = [p for p, kind in kinds.items() if components and kind == "manifest"
                 and p.rpartition(SEPARATOR)[0] == holder]
    # First pass: whatever is shallow, plus update.mum when WSUSSCAN has no copy of it.
    attempted = [update, *subs_paths] if components else [
        p for p in (update, *subs_paths) if shallow(p) or (p == update and inlined is None)
    ]
    records = reader.parse_each("mum", attempted)
    # Second pass: the deep sub-packages, only while they could still raise the restart to "required";
    # update.mum comes along (it sits with them), so its copy in WSUSSCAN can be checked against it.
    known = [m for m in (records.get(update) or inlined, *records.values()) if m is not None]
    strongest = max((RESTART_ORDER.get(m.restart, 1) for m in known), default=0)
    rest = [p for p in (update, *subs_paths) if p not in attempted]
    if any(p != update for p in rest) and strongest < RESTART_ORDER["required"]:
        records.update(reader.parse_each("mum", rest))
        attempted += rest
    not_read.extend(p for p in (update, *subs_paths) if p not in attempted)
    manifest = records.get(update) or inlined
    if manifest is None:
        return None
    if update in records and inlined is not None:
        conflicts.extend(_manifest_conflicts(records[update], inlined))
        manifest = records[update]
    subs = []
    for sub_path in subs_paths:
        sub = records.get(sub_path)
        if sub is not None:
            identity = sub.identity
            subs.append(SubPackage(identity.name, identity.version, sub.release_type, sub.restart, sub_path,
                                   sub.parent_versions))
    comps: tuple[Component, ...] = ()
    if manifests:
        comps = tuple(_component(reader, path, data) for path, data in reader.each(manifests))
    return _cbs_package(holder, manifest, tuple(subs), comps)


def _manifest_conflicts(own: md.PackageManifest, copy: md.PackageManifest) -> list[str]:
    """Where the package's update.mum and WSUSSCAN's inlined copy of it disagree (the update.mum is used)."""
    found = []
    for label, mine, theirs in (
        ("identity", own.identity.key, copy.identity.key),
        ("releaseType", own.release_type, copy.release_type),
        ("restart", own.restart, copy.restart),
        ("parents", sorted(i.key for i in own.parent_identities), sorted(i.key for i in copy.parent_identities)),
    ):
        if mine != theirs:
            found.append(f"{label}: {mine!r} in {own.source} (used), {theirs!r} in {copy.source}")
    return found


def _fact_conflicts(
    cbs: Sequence[CbsPackage],
    properties: md.PackageProperties | None,
    extended_bundle: md.ExtendedProperties | None,
    result: UpdatePackage,
) -> list[str]:
    """Where the KB or architecture the package's facts use disagree with another source."""
    primary = primary_of(cbs)
    found = []
    kb = result.kb
    if kb is not None:
        others = [
            (primary.identity.kb, primary.manifest.source) if primary else (None, ""),
            (properties.kb, properties.source) if properties else (None, ""),
            (extended_bundle.kb, extended_bundle.source) if extended_bundle else (None, ""),
        ]
        found += [f"kb: {kb.value} in {kb.source} (used), {value} in {source}"
                  for value, source in others if value is not None and value != kb.value]
    architecture = result.architecture
    if architecture is not None and properties is not None and properties.architecture \
            and properties.architecture.lower() != str(architecture.value).lower():
        found.append(f"architecture: {architecture.value!r} in {architecture.source} (used), "
                     f"{properties.architecture!r} in {properties.source}")
    return found


def _component(reader: _Reader, path: str, data: bytes | None) -> Component:
    parsed = reader.parse("manifest", data, path)
    if parsed is None or parsed.identity is None:
        return Component(path, None, None, None, parsed.compression if parsed else None)
    identity = parsed.identity
    return Component(path, identity.name, identity.version, identity.processor_architecture, None)


def _cbs_package(
    holder: str, manifest: md.PackageManifest, subs: tuple[SubPackage, ...], comps: tuple[Component, ...]
) -> CbsPackage:
    identity = manifest.identity
    kind = PACKAGE_KINDS.get(identity.name.lower(), "package")
    build = None
    target = None
    version_build = products.build_of_version(identity.version)
    # .NET package versions follow the framework, not Windows: their target build comes from the parents.
    if version_build and kind in ("cumulative", "servicing-stack", "revised-fix"):
        number, ubr = version_build
        target = Fact(number, manifest.source)
        build = Fact(f"{number}.{ubr}", manifest.source)
    if target is None:
        for group in manifest.parents:
            for parent in group.identities:
                parent_build = products.build_of_version(parent.version)
                if parent_build:
                    target = Fact(parent_build[0], manifest.source)
                    break
            if target:
                break
    return CbsPackage(holder, manifest, kind, build, target, subs, comps)


def _assemble(
    package: Package,
    entries: Mapping[str, Entry],
    cbs: Sequence[CbsPackage],
    wsus: md.OfflineSyncPackage | None,
    extended_bundle: md.ExtendedProperties | None,
    extended_leaf: md.ExtendedProperties | None,
    localized: md.LocalizedProperties | None,
    properties: md.PackageProperties | None,
    unattend: md.UnattendFile | None,
    compdbs: tuple[md.CompDB, ...],
    express: tuple[str, ...],
    psf: tuple[str, ...],
    problems: Sequence[str],
    sha256: bool,
) -> UpdatePackage:
    primary = primary_of(cbs)
    mum = primary.manifest if primary else None

    def from_props(value: Any) -> Fact[Any] | None:
        return Fact(value, properties.source) if properties is not None and value is not None else None

    kb = _first(
        Fact(mum.identity.kb or md.kb_from_text(mum.identifier), mum.source) if mum else None,
        from_props(properties.kb if properties else None),
        Fact(extended_bundle.kb, extended_bundle.source) if extended_bundle else None,
        Fact(md.kb_from_text(os.path.basename(package.path)), package.path),
    )
    title = Fact(localized.title, localized.source) if localized and localized.title else None
    description = Fact(localized.description, localized.source) if localized and localized.description else None
    severity = (
        Fact(extended_bundle.msrc_severity, extended_bundle.source)
        if extended_bundle and extended_bundle.msrc_severity else None
    )
    reboot = _first(
        *(Fact(e.reboot_behavior, e.source) for e in (extended_leaf, extended_bundle) if e and e.reboot_behavior)
    )
    classification = Fact(wsus.classification_id, wsus.source) if wsus and wsus.classification_id else None
    bundle = wsus.bundle if wsus else None
    creation = _first(
        Fact(bundle.creation_date, wsus.source) if wsus and bundle else None,
        Fact(mum.creation_time_stamp, mum.source) if mum else None,
        from_props(properties.lookup("Build Date") if properties else None),
    )
    architecture = _first(
        Fact(mum.identity.processor_architecture, mum.source) if mum else None,
        from_props(properties.architecture if properties else None),
    )
    build = primary.build if primary else None
    target = primary.target_build if primary else None
    # Every product shipping the build: one .msu serves both (Windows 11 24H2 and Server 2025 share their
    # cumulative updates, whatever product the WSUS title names).
    family = products.candidates(target.value if target else None)
    product_fact = Fact(family, target.source if target else package.path) if family else None
    markers = _hotpatch_markers(entries, title)
    return UpdatePackage(
        path=package.path,
        container=package.kind,
        size=package.size,
        sha256=_hash(package.path) if sha256 else None,
        members=tuple(
            MemberInfo(e.path, e.member.size, e.member.compression, e.depth, e.container) for e in entries.values()
        ),
        kb=kb,
        title=title,
        description=description,
        msrc_severity=severity,
        classification=classification,
        classification_name=wsus.classification_name if wsus else None,
        reboot_behavior=reboot,
        creation_date=creation,
        package_type=from_props(properties.package_type if properties else None),
        release_type=Fact(mum.release_type, mum.source) if mum and mum.release_type else None,
        restart=_restart(primary),
        build=build,
        architecture=architecture,
        products=product_fact,
        packages=tuple(cbs),
        compdbs=compdbs,
        express_indexes=express,
        psf_payloads=psf,
        hotpatch_markers=markers,
        wsus=wsus,
        properties=properties,
        unattend=unattend,
        problems=tuple(problems),
    )


def _restart(primary: CbsPackage | None) -> Fact[str] | None:
    if primary is None:
        return None
    strongest = primary.restart
    return Fact(strongest.value, strongest.source) if strongest.value else None


def _hotpatch_markers(entries: Mapping[str, Entry], title: Fact[str] | None) -> tuple[Fact[str], ...]:
    markers = [Fact("hotpatch package cabinet", p) for p in entries if _HOTPATCH_CAB.search(p)]
    markers += [Fact("HotpatchCompDB", p) for p in entries if is_hotpatch_compdb_name(p)]
    if title is not None and "hotpatch" in title.value.lower():
        markers.append(Fact("Hotpatch in the WSUS title", title.source))
    return tuple(dict.fromkeys(markers))  # each (value, source) once, first order kept


def require_update_package(value: object, function: str, argument: str = "package") -> UpdatePackage:
    """``value`` if it is an UpdatePackage, else an ArgumentTypeError that says how to get one."""
    if isinstance(value, UpdatePackage):
        return value
    if isinstance(value, Package):
        hint = "an open container from open_package(); get the package's facts with pkginspect.inspect(path)"
    elif isinstance(value, (str, os.PathLike)):
        hint = "a path; read it first with pkginspect.inspect(path)"
    else:
        hint = "from pkginspect.inspect(path)"
    raise wrong_type(function, argument, "an UpdatePackage", value, hint)
