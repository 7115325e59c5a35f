"""Renderings of ``inspect`` results: a compact summary then details for people, JSON for machines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pkginspect.package import Fact, UpdatePackage
from pkginspect.package.many import PackageFailure
from pkginspect.reports._common import kb_label, pretty_json, size

SCHEMA_ID = "https://pkginspect.invalid/schemas/inspect.schema.json"


def _value(fact: Fact[Any] | None) -> str:
    if fact is None or fact.value in (None, "", ()):
        return "-"
    value = fact.value
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def _one(package: UpdatePackage, members: bool, components: bool) -> list[str]:
    lines = [f"{package.name}  {kb_label(package.kb.value if package.kb else None)}  {_value(package.title)}"]
    summary = [
        ("release type", _value(package.release_type)),
        ("restart", _value(package.restart)),
        ("reboot behaviour", _value(package.reboot_behavior)),
        ("build", _value(package.build)),
        ("architecture", _value(package.architecture)),
        ("products", _value(package.products)),
        ("severity", _value(package.msrc_severity)),
        ("classification", package.classification_name or _value(package.classification)),
        ("package type", _value(package.package_type)),
        ("created", _value(package.creation_date)),
        ("container", f"{package.container}, {size(package.size)}, {len(package.members)} members"),
        ("sha256", package.sha256 or "-"),
    ]
    lines += [f"  {label:<17} {value}" for label, value in summary]
    if package.hotpatch_markers:
        lines.append("  hotpatch markers")
        lines += [f"    {m.value}  ({m.source})" for m in package.hotpatch_markers]
    lines.append("  packages")
    for cbs in package.packages:
        identity = cbs.identity
        where = cbs.container or "(the file itself)"
        lines.append(f"    {identity.name} {identity.version or ''} [{cbs.kind}] in {where}")
        restart = cbs.restart
        lines.append(
            f"      releaseType {cbs.manifest.release_type or '-'}, restart {restart.value or '-'}"
            + (f" (from {restart.source})" if restart.source != cbs.manifest.source else "")
        )
        if cbs.manifest.installer_assembly and cbs.manifest.installer_assembly.version:
            lines.append(f"      servicing stack >= {cbs.manifest.installer_assembly.version}")
        for sub in cbs.sub_packages:
            lines.append(f"      sub-package {sub.name} {sub.version or ''} restart={sub.restart or '-'}")
        if components:
            for comp in cbs.components:
                label = f"{comp.name} {comp.version}" if comp.name else f"(compressed: {comp.compressed})"
                lines.append(f"      component {label}")
    extras = [("CompDB", c.source) for c in package.compdbs]
    extras += [("express index", p) for p in package.express_indexes]
    extras += [("PSF payload", p) for p in package.psf_payloads]
    if extras:
        lines.append("  metadata")
        lines += [f"    {label:<14} {source}" for label, source in extras]
    if package.problems:
        lines.append("  problems")
        lines += [f"    {problem}" for problem in package.problems]
    if package.conflicts:
        lines.append("  conflicts")
        lines += [f"    {conflict}" for conflict in package.conflicts]
    if package.not_read:
        count = len(package.not_read)
        lines.append(f"  not read (deep in the package, and no fact needed them; --deep reads them): {count}")
        lines += [f"    {path}" for path in package.not_read]
    if members:
        lines.append("  members")
        for member in package.members:
            marker = f" [{member.container}]" if member.container else ""
            indent = "  " * member.depth
            lines.append(f"    {size(member.size):>10}  {member.compression:<9} {indent}{member.path}{marker}")
    sources = [
        (name, getattr(package, name)) for name in ("kb", "title", "msrc_severity", "reboot_behavior",
                                                    "release_type", "restart", "build", "architecture")
    ]
    lines.append("  sources")
    lines += [f"    {name:<15} {fact.source}" for name, fact in sources if fact is not None]
    return lines


def inspect_text(packages: Sequence[UpdatePackage], members: bool = False, components: bool = False) -> str:
    """Each package as a summary block (the failures go to standard error)."""
    return "\n\n".join("\n".join(_one(p, members, components)) for p in packages) + "\n"


def inspect_json(packages: Sequence[UpdatePackage], errors: Sequence[PackageFailure] = (),
                 members: bool = False) -> str:
    """The results as JSON valid against ``pkginspect/schemas/inspect.schema.json``."""
    document = {
        "$schema": SCHEMA_ID,
        "packages": [p.to_dict(members=members) for p in packages],
        "errors": [e.to_dict() for e in errors],
    }
    return pretty_json(document)
