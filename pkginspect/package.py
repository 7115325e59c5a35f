"""UpdatePackage: one update package's facts, each with the member it came from, gathered by ``inspect``.

``inspect`` lists the package (tables only), then reads just the metadata members — WSUSSCAN's package.xml
and the revision files it names, pkgProperties, the unattend file, every ``.mum`` of each CBS package,
CompDB cabinets, express indexes — grouped per container so each cabinet folder is decoded at most once.
Component manifests are read only on request (``components=True``): in a real cumulative update they sit
among gigabytes of payload. A metadata file that fails to parse becomes a ``problem``, not a failure; a
package that cannot be opened at all raises its ``ContainerError``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pkginspect import metadata as md
from pkginspect import products
from pkginspect.containers import SEPARATOR, Entry, Limits, Package, join, open_package, sniff
from pkginspect.containers.base import SNIFF_BYTES
from pkginspect.errors import PkgInspectError
from pkginspect.numbers import parse_decimal
from pkginspect.regularfiles import is_regular, open_regular

T = TypeVar("T")
METADATA_MAX = 32 * 1024 * 1024
HASH_CHUNK = 1024 * 1024
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
    """Reads metadata members in batches, one pass per container; failures become problems."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.problems: list[str] = []

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes]:
        groups: dict[str, list[str]] = {}
        for path in paths:
            groups.setdefault(path.rpartition(SEPARATOR)[0], []).append(path)
        found: dict[str, bytes] = {}
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
                    found[join(parent, member.name)] = stream.read()
            except PkgInspectError as error:
                self.problems.append(str(error))
        return found

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


def _base(path: str) -> str:
    return path.rpartition(SEPARATOR)[2].replace("\\", "/").rpartition("/")[2].lower()


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
) -> UpdatePackage:
    """Open the package at ``path`` and gather its facts (see the module docstring)."""
    with open_package(path, limits) as package:
        return _inspect(package, components, sha256)


def _inspect(package: Package, components: bool, sha256: bool) -> UpdatePackage:
    reader = _Reader(package)
    entries = {e.path: e for e in package.walk()}
    top = [e for e in entries.values() if e.depth == 0]

    # WSUSSCAN: package.xml first, then only the revision files it names.
    wsus_prefix = next((e.path for e in top if e.container and _base(e.path) == "wsusscan.cab"), None)
    wsus = extended_bundle = extended_leaf = localized = None
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
            data = reader.read_many(p for p in set(wanted.values()) if p)
            extended_bundle = reader.parse("wsus-extended", data.get(wanted["bundle"] or ""), wanted["bundle"] or "")
            extended_leaf = reader.parse("wsus-extended", data.get(wanted["leaf"] or ""), wanted["leaf"] or "")
            localized = reader.parse("wsus-localized", data.get(wanted["localized"] or ""), wanted["localized"] or "")

    # Top-level text metadata.
    props_path = next((e.path for e in top if md.kind_of(e.path) == "pkgprops"), None)
    unattend_path = next((e.path for e in top if md.kind_of(e.path) == "unattend"), None)
    small = reader.read_many(p for p in (props_path, unattend_path) if p)
    properties = reader.parse("pkgprops", small.get(props_path or ""), props_path or "")
    unattend = reader.parse("unattend", small.get(unattend_path or ""), unattend_path or "")

    # CBS packages: every container (the file itself or a nested one) holding an update.mum.
    holders = [""] + [e.path for e in entries.values() if e.container]
    cbs: list[CbsPackage] = []
    for holder in holders:
        level = holder.count(SEPARATOR) + 1 if holder else 0
        mums = [
            e.path for e in entries.values()
            if md.kind_of(e.path) == "mum" and e.path.rpartition(SEPARATOR)[0] == holder and e.depth == level
        ]
        update = next((p for p in mums if _base(p) == "update.mum"), None)
        if update is None:
            continue
        manifests = [p for p in entries.values() if components and md.kind_of(p.path) == "manifest"
                     and p.path.rpartition(SEPARATOR)[0] == holder]
        data = reader.read_many([*mums, *(m.path for m in manifests)])
        parsed = reader.parse("mum", data.get(update), update)
        if parsed is None:
            continue
        subs = []
        for sub_path in sorted(p for p in mums if p != update):
            sub = reader.parse("mum", data.get(sub_path), sub_path)
            if sub is not None:
                identity = sub.identity
                subs.append(SubPackage(identity.name, identity.version, sub.release_type, sub.restart, sub_path))
        comps = tuple(_component(reader, m.path, data.get(m.path)) for m in manifests if m.path in data)
        cbs.append(_cbs_package(holder, parsed, tuple(subs), comps))

    # AggregatedMetadata CompDBs (cabinets of cabinets of XML), express indexes, PSF payloads.
    compdb_paths = [p for p in entries if md.kind_of(p) == "compdb"]
    compdb_data = reader.read_many(compdb_paths)
    compdbs = tuple(c for p in compdb_paths if (c := reader.parse("compdb", compdb_data.get(p), p)) is not None)
    express = tuple(p for p in entries if md.kind_of(p) == "express-index")
    psf = tuple(e.path for e in top if _PSF.search(e.path))

    return _assemble(package, entries, cbs, wsus, extended_bundle, extended_leaf, localized, properties, unattend,
                     compdbs, express, psf, reader.problems, sha256)


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
    markers = _hotpatch_markers(entries, title, compdbs)
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


def _hotpatch_markers(
    entries: Mapping[str, Entry], title: Fact[str] | None, compdbs: tuple[md.CompDB, ...]
) -> tuple[Fact[str], ...]:
    markers = [Fact("hotpatch package cabinet", p) for p in entries if _HOTPATCH_CAB.search(p)]
    markers += [Fact("HotpatchCompDB", p) for p in entries if "hotpatchcompdb" in _base(p)]
    if title is not None and "hotpatch" in title.value.lower():
        markers.append(Fact("Hotpatch in the WSUS title", title.source))
    seen: set[tuple[str, str]] = set()
    unique = []
    for marker in markers:
        if (marker.value, marker.source) not in seen:
            seen.add((marker.value, marker.source))
            unique.append(marker)
    return tuple(unique)
