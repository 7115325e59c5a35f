"""The records of an inspected update package: facts with their source member, CBS packages, UpdatePackage."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pkginspect import metadata as md
from pkginspect.containers import Package
from pkginspect.errors import wrong_type
from pkginspect.types import Build, Fact

RESTART_ORDER = {None: 0, "possible": 1, "required": 2}


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
        found = Build.of(self.build.value) if self.build else None
        return found.ubr if found else None

    def to_dict(self, members: bool = True) -> dict[str, Any]:
        """Plain JSON-able data (validates against ``schemas/inspect.schema.json``)."""
        facts = ("kb", "title", "description", "msrc_severity", "classification", "reboot_behavior", "creation_date",
                 "package_type", "release_type", "restart", "build", "architecture", "products")
        data: dict[str, Any] = {
            "path": self.path, "name": self.name, "container": self.container, "size": self.size, "sha256": self.sha256,
            **{name: _fact(getattr(self, name)) for name in facts},
            "classification_name": self.classification_name,
            "ubr": self.ubr,
            "packages": [p.to_dict() for p in self.packages],
            "compdbs": [{"source": c.source, "type": c.type, "name": c.name, "release_type": c.release_type,
                         "hotpatch": "hotpatch" in (c.source + " " + (c.name or "")).lower()} for c in self.compdbs],
            "express_indexes": list(self.express_indexes),
            "psf_payloads": list(self.psf_payloads),
            "hotpatch_markers": [m.to_dict() for m in self.hotpatch_markers],
            "problems": list(self.problems),
        }
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


def _fact(fact: Fact[Any] | None) -> dict[str, Any] | None:
    return fact.to_dict() if fact is not None else None


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
