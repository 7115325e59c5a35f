"""Gathering an UpdatePackage: a read plan of the member tree, the metadata read by it, the facts assembled."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pkginspect import metadata as md
from pkginspect import products
from pkginspect.containers import SEPARATOR, Entry, Package, join
from pkginspect.errors import PkgInspectError
from pkginspect.metadata.compdb import is_hotpatch_compdb_name
from pkginspect.package.discover import cbs_holders, is_shallow, is_update_mum, revision_file, walk
from pkginspect.package.model import CbsPackage, Component, Fact, MemberInfo, SubPackage, UpdatePackage, primary_of
from pkginspect.paths import base_name

METADATA_MAX = 32 * 1024 * 1024
HASH_CHUNK = 1024 * 1024
_HOTPATCH_CAB = re.compile(r"-hotpatch-[a-z0-9]+\.(cab|wim)$", re.IGNORECASE)
_PSF = re.compile(r"\.psf$", re.IGNORECASE)
PACKAGE_KINDS = {  # a CBS package's kind by its name
    "package_for_rollupfix": "cumulative", "package_for_servicingstack": "servicing-stack",
    "package_for_dotnetrollup": "dotnet", "package_for_revisedfix": "revised-fix",
    "package_for_windowsexperiencefeaturepack": "feature-pack", "package_for_safeosdu": "safe-os",
}


@dataclass(frozen=True)
class Plan:
    """The read plan: the members found and how far to read them.

    ``entries`` by nested path in walk order, ``kinds`` their metadata kinds; ``components`` reads the component
    manifests too, ``deep`` even the members behind the payload.
    """

    package: Package
    entries: Mapping[str, Entry]
    kinds: Mapping[str, str | None]
    components: bool
    deep: bool

    @classmethod
    def of(cls, package: Package, entries: Iterable[Entry], components: bool, deep: bool) -> Plan:
        """The plan over ``entries``, each with its kind."""
        found = {entry.path: entry for entry in entries}
        return cls(package, found, {path: md.kind_of(path) for path in found}, components, deep)

    def entering(self, path: str) -> Plan:
        """The plan with the deferred container at ``path`` entered, its members after the others."""
        outer = self.entries[path]
        nested = self.package.is_container(path)
        entries = {**self.entries, path: dataclasses.replace(outer, container=nested)}
        if nested is not None:
            entries.update((e.path, e) for e in walk(self.package, path, outer.depth + 1, nested, None))
        return Plan.of(self.package, entries.values(), self.components, self.deep)

    def top(self, kind: str) -> str | None:
        """The first member of ``kind`` in the package itself."""
        return next((e.path for e in self.entries.values() if e.depth == 0 and self.kinds[e.path] == kind), None)

    def of_kind(self, kind: str) -> list[str]:
        """Every member of ``kind``, in walk order."""
        return [path for path, found in self.kinds.items() if found == kind]

    def shallow(self, path: str) -> bool:
        """Whether ``path`` is read in the first pass (see :func:`pkginspect.package.discover.is_shallow`)."""
        return self.deep or is_shallow(self.package, self.entries, path)


@dataclass(frozen=True)
class Wsus:
    """What WSUSSCAN.cab gave: package.xml, the bundle's and its first leaf's revision files."""

    package: md.OfflineSyncPackage | None = None
    extended_bundle: md.ExtendedProperties | None = None
    extended_leaf: md.ExtendedProperties | None = None
    localized: md.LocalizedProperties | None = None
    inlined: tuple[md.PackageManifest, ...] = ()
    """The copies of update.mum inlined in the core revision files."""


@dataclass(frozen=True)
class Records:
    """What was read by the plan: the metadata records by kind, the CBS packages, the problems."""

    wsus: Wsus
    properties: md.PackageProperties | None
    unattend: md.UnattendFile | None
    packages: tuple[CbsPackage, ...]
    compdbs: tuple[md.CompDB, ...]
    sha256: str | None
    problems: tuple[str, ...]


class _Reading:
    """Reads metadata members (one decoding pass per container), noting problems, skipped members, conflicts."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.problems: list[str] = []
        self.not_read: list[str] = []
        self.conflicts: list[str] = []

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
                    if member is not None and member.size <= METADATA_MAX:
                        members.append(member)
                        continue
                    # A name holding the separator itself cannot be told apart from nesting. Problems go
                    # through the error class so that names from the file stay on one line.
                    problem = (f"cannot be read: {SEPARATOR!r} in a member name is ambiguous" if member is None
                               else f"{member.size} bytes is too large for a metadata file")
                    self.problems.append(str(PkgInspectError(path, problem)))
                for member, stream in container.iter_open(members):
                    yield join(parent, member.name), stream.read()
            except PkgInspectError as error:
                self.problems.append(str(error))

    def parse_each(self, kind: str, paths: Iterable[str]) -> dict[str, Any]:
        """Parse members one at a time as they are decoded, keeping only the records."""
        return {path: record for path, data in self.each(paths)
                if (record := self.parse(kind, data, path)) is not None}

    def parse(self, kind: str, data: bytes | None, source: str) -> Any:
        """The record of ``data`` (None when absent or unparsable, the failure kept as a problem)."""
        if data is None:
            return None
        try:
            return md.PARSERS[kind](data, source)
        except PkgInspectError as error:
            self.problems.append(str(error))
            return None

    def record(self, kind: str, read: Mapping[str, bytes], path: str | None) -> Any:
        """The record of ``path`` among members already ``read`` (None when there is none)."""
        return self.parse(kind, read.get(path), path) if path else None


def gather(package: Package, components: bool, sha256: bool, deep: bool) -> UpdatePackage:
    """The facts of the open ``package`` (see :func:`pkginspect.package.inspect`)."""
    reading = _Reading(package)
    deferred: list[str] = []
    plan = Plan.of(package, walk(package, "", 0, package.kind, None if deep or components else deferred),
                   components, deep)
    wsus = _read_wsus(reading, plan)
    # Top-level text metadata: in a .msu it follows the package cabinet in the one MSZIP folder.
    props_path, unattend_path = plan.top("pkgprops"), plan.top("unattend")
    small_paths = [p for p in (props_path, unattend_path) if p]
    reading.not_read += [p for p in small_paths if not plan.shallow(p)]
    small = dict(reading.each(p for p in small_paths if plan.shallow(p)))
    properties = reading.record("pkgprops", small, props_path)
    unattend = reading.record("unattend", small, unattend_path)
    plan, cbs = _read_cbs(reading, plan, deferred, wsus.inlined)
    # AggregatedMetadata CompDBs (cabinets of cabinets of XML).
    compdb_paths = plan.of_kind("compdb")
    compdbs = reading.parse_each("compdb", compdb_paths)
    records = Records(wsus, properties, unattend, cbs, tuple(compdbs[p] for p in compdb_paths if p in compdbs),
                      _hash(package.path) if sha256 else None, tuple(reading.problems))
    result = _assemble(plan, records)
    conflicts = (*reading.conflicts, *_fact_conflicts(records, result))
    return dataclasses.replace(result, conflicts=conflicts, not_read=tuple(reading.not_read))


def _read_wsus(reading: _Reading, plan: Plan) -> Wsus:
    """WSUSSCAN: package.xml first, then only the revision files it names."""
    prefix = next((e.path for e in plan.entries.values() if e.depth == 0 and e.container
                   and base_name(e.path, nested=True).lower() == "wsusscan.cab"), None)
    if prefix is None:
        return Wsus()
    prefix = next((p for p in plan.entries if p.lower() == join(prefix, "package.cab").lower()), prefix)
    xml_path = join(prefix, "package.xml")
    wsus = reading.parse_each("wsus-package", [xml_path]).get(xml_path) if xml_path in plan.entries else None
    if wsus is None:
        return Wsus()
    bundle = wsus.bundle or (wsus.updates[0] if wsus.updates else None)
    leaves = wsus.bundled_updates(bundle) if bundle else ()
    leaf = leaves[0] if leaves else bundle
    extended = [revision_file(plan.entries, prefix, "extended", u.revision_id if u else None) for u in (bundle, leaf)]
    localized = revision_file(plan.entries, prefix, "localized", bundle.revision_id if bundle else None)
    cores = [c for u in (leaves or (bundle,)) if u is not None
             and (c := revision_file(plan.entries, prefix, "core", u.revision_id))]
    read = dict(reading.each(p for p in {*extended, localized, *cores} if p))
    extended_bundle, extended_leaf = (reading.record("wsus-extended", read, path) for path in extended)
    localized_record = reading.record("wsus-localized", read, localized)
    inlined = [reading.record("wsus-core", read, path) for path in cores]
    return Wsus(wsus, extended_bundle, extended_leaf, localized_record,
                tuple(core.inlined_mum for core in inlined if core is not None and core.inlined_mum is not None))


def _read_cbs(
    reading: _Reading, plan: Plan, deferred: Sequence[str], inlined: Sequence[md.PackageManifest]
) -> tuple[Plan, tuple[CbsPackage, ...]]:
    """Every container holding an update.mum (the file itself or a nested one), and the plan that found them.

    A WIM inside a WIM is entered only when WSUSSCAN's copy of its update.mum leaves a fact open.
    """
    matched = _match_inlined([*cbs_holders(plan.entries, plan.kinds), *deferred], inlined)
    cbs: list[CbsPackage] = []
    for path in deferred:
        copy = matched.get(path)
        if copy is not None and copy.restart == "required":
            cbs.append(_cbs_package(path, copy, (), ()))
            reading.not_read.append(path)
        else:
            plan = plan.entering(path)
    holders = cbs_holders(plan.entries, plan.kinds)
    for holder in [h for h in ["", *(e.path for e in plan.entries.values() if e.container)] if h in holders]:
        found = _gather_cbs(reading, plan, holder, holders[holder], matched.get(holder))
        if found is not None:
            cbs.append(found)
    return plan, tuple(cbs)


def _hash(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
    reading: _Reading, plan: Plan, holder: str, mums: Sequence[str], inlined: md.PackageManifest | None
) -> CbsPackage | None:
    """One CBS package: its update.mum (or WSUSSCAN's copy), then only the sub-package .mum files needed."""
    update = next(p for p in mums if is_update_mum(p))
    subs_paths = sorted(p for p in mums if p != update)
    # First pass: whatever is shallow, plus update.mum when WSUSSCAN has no copy of it.
    attempted = [update, *subs_paths] if plan.components else [
        p for p in (update, *subs_paths) if plan.shallow(p) or (p == update and inlined is None)
    ]
    records = reading.parse_each("mum", attempted)
    # Second pass: the deep sub-packages, only while they could still raise the restart to "required";
    # update.mum comes along (it sits with them), so its copy in WSUSSCAN can be checked against it.
    known = [m for m in (records.get(update) or inlined, *records.values()) if m is not None]
    rest = [p for p in (update, *subs_paths) if p not in attempted]
    if any(p != update for p in rest) and all(m.restart != "required" for m in known):
        records.update(reading.parse_each("mum", rest))
        attempted += rest
    reading.not_read.extend(p for p in (update, *subs_paths) if p not in attempted)
    manifest = records.get(update) or inlined
    if manifest is None:
        return None
    if update in records and inlined is not None:
        reading.conflicts.extend(_manifest_conflicts(records[update], inlined))
    subs = tuple(SubPackage(sub.identity.name, sub.identity.version, sub.release_type, sub.restart, path,
                            sub.parent_versions) for path in subs_paths if (sub := records.get(path)) is not None)
    manifests = [p for p in plan.of_kind("manifest") if p.rpartition(SEPARATOR)[0] == holder] if plan.components else []
    comps = tuple(_component(reading, path, data) for path, data in reading.each(manifests))
    return _cbs_package(holder, manifest, subs, comps)


def _manifest_conflicts(own: md.PackageManifest, copy: md.PackageManifest) -> list[str]:
    """Where the package's update.mum and WSUSSCAN's inlined copy of it disagree (the update.mum is used)."""
    compared = (
        ("identity", own.identity.key, copy.identity.key),
        ("releaseType", own.release_type, copy.release_type),
        ("restart", own.restart, copy.restart),
        ("parents", sorted(i.key for i in own.parent_identities), sorted(i.key for i in copy.parent_identities)),
    )
    return [f"{label}: {mine!r} in {own.source} (used), {theirs!r} in {copy.source}"
            for label, mine, theirs in compared if mine != theirs]


def _fact_conflicts(records: Records, result: UpdatePackage) -> list[str]:
    """Where the KB or architecture the package's facts use disagree with another source."""
    primary = primary_of(records.packages)
    properties = records.properties
    found = []
    kb = result.kb
    if kb is not None:
        others = (Fact(primary.identity.kb, primary.manifest.source) if primary else None,
                  _read(properties, "kb"), _read(records.wsus.extended_bundle, "kb"))
        found += [f"kb: {kb.value} in {kb.source} (used), {other.value} in {other.source}"
                  for other in others if other is not None and other.value not in (None, kb.value)]
    architecture = result.architecture
    if architecture is not None and properties is not None and properties.architecture \
            and properties.architecture.lower() != str(architecture.value).lower():
        found.append(f"architecture: {architecture.value!r} in {architecture.source} (used), "
                     f"{properties.architecture!r} in {properties.source}")
    return found


def _component(reading: _Reading, path: str, data: bytes | None) -> Component:
    parsed = reading.parse("manifest", data, path)
    if parsed is None or parsed.identity is None:
        return Component(path, None, None, None, parsed.compression if parsed else None)
    identity = parsed.identity
    return Component(path, identity.name, identity.version, identity.processor_architecture, None)


def _cbs_package(
    holder: str, manifest: md.PackageManifest, subs: tuple[SubPackage, ...], comps: tuple[Component, ...]
) -> CbsPackage:
    kind = PACKAGE_KINDS.get(manifest.identity.name.lower(), "package")
    source = manifest.source
    found = products.build_of_version(manifest.identity.version)
    # .NET package versions follow the framework, not Windows: their target build comes from the parents.
    if found and kind in ("cumulative", "servicing-stack", "revised-fix"):
        build = Fact(f"{found[0]}.{found[1]}", source)
        return CbsPackage(holder, manifest, kind, build, Fact(found[0], source), subs, comps)
    parents = (products.build_of_version(p.version) for group in manifest.parents for p in group.identities)
    target = next((Fact(number, source) for number, _ in filter(None, parents)), None)
    return CbsPackage(holder, manifest, kind, None, target, subs, comps)


def _first(*facts: Fact[Any] | None) -> Fact[Any] | None:
    return next((f for f in facts if f is not None and f.value not in (None, "")), None)


def _read(record: Any, attribute: str) -> Fact[Any] | None:
    """``record.attribute`` with the record's source, when there is a record and the value is not empty."""
    return None if record is None else _first(Fact(getattr(record, attribute), record.source))


def _assemble(plan: Plan, records: Records) -> UpdatePackage:
    """The facts, each from the first source that has it."""
    package, wsus, properties = plan.package, records.wsus, records.properties
    primary = primary_of(records.packages)
    mum = primary.manifest if primary else None
    bundle = wsus.package.bundle if wsus.package else None
    title = _read(wsus.localized, "title")
    target = primary.target_build if primary else None
    # Every product shipping the build: one .msu serves both (Windows 11 24H2 and Server 2025 share their
    # cumulative updates, whatever product the WSUS title names).
    family = products.candidates(target.value if target else None)
    entries = plan.entries.values()
    return UpdatePackage(
        path=package.path, container=package.kind, size=package.size, sha256=records.sha256,
        members=tuple(MemberInfo(e.path, e.member.size, e.member.compression, e.depth, e.container) for e in entries),
        kb=_first(Fact(mum.identity.kb or md.kb_from_text(mum.identifier), mum.source) if mum else None,
                  _read(properties, "kb"), _read(wsus.extended_bundle, "kb"),
                  Fact(md.kb_from_text(os.path.basename(package.path)), package.path)),
        title=title,
        description=_read(wsus.localized, "description"),
        msrc_severity=_read(wsus.extended_bundle, "msrc_severity"),
        classification=_read(wsus.package, "classification_id"),
        classification_name=wsus.package.classification_name if wsus.package else None,
        reboot_behavior=_first(_read(wsus.extended_leaf, "reboot_behavior"),
                               _read(wsus.extended_bundle, "reboot_behavior")),
        creation_date=_first(Fact(bundle.creation_date, wsus.package.source) if wsus.package and bundle else None,
                             _read(mum, "creation_time_stamp"),
                             Fact(properties.lookup("Build Date"), properties.source) if properties else None),
        # Unlike the other facts, an empty package type is kept.
        package_type=Fact(properties.package_type, properties.source)
        if properties and properties.package_type is not None else None,
        release_type=_read(mum, "release_type"),
        restart=_first(primary.restart) if primary else None,
        build=primary.build if primary else None,
        architecture=_first(Fact(mum.identity.processor_architecture, mum.source) if mum else None,
                            _read(properties, "architecture")),
        products=Fact(family, target.source if target else package.path) if family else None,
        packages=records.packages, compdbs=records.compdbs,
        express_indexes=tuple(plan.of_kind("express-index")),
        psf_payloads=tuple(e.path for e in entries if e.depth == 0 and _PSF.search(e.path)),
        hotpatch_markers=_hotpatch_markers(plan.entries, title),
        wsus=wsus.package, properties=properties, unattend=records.unattend, problems=records.problems,
    )


def _hotpatch_markers(entries: Mapping[str, Entry], title: Fact[str] | None) -> tuple[Fact[str], ...]:
    markers = [Fact("hotpatch package cabinet", p) for p in entries if _HOTPATCH_CAB.search(p)]
    markers += [Fact("HotpatchCompDB", p) for p in entries if is_hotpatch_compdb_name(p)]
    if title is not None and "hotpatch" in title.value.lower():
        markers.append(Fact("Hotpatch in the WSUS title", title.source))
    return tuple(dict.fromkeys(markers))  # each (value, source) once, first order kept
