"""The symbols rules may use: machine facts, package and classification facts, and facts derived from both.

Machine facts keep their DESIGN names (``vbs``, ``edition`` …); package-side facts start with ``package_``;
derived facts (``hotpatch_program``, ``on_hotpatch_chain`` …) are computed here and remember which machine
facts they need, so a rule that reads an unknown derived fact reports the machine facts that are missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rule_engine import DataType

from pkginspect.calendar import Calendar
from pkginspect.classify import Classification
from pkginspect.package import UpdatePackage
from pkginspect.rules.programs import PROGRAM_FACTS, hotpatch_program

STRING, BOOLEAN, FLOAT = DataType.STRING, DataType.BOOLEAN, DataType.FLOAT
STRINGS = DataType.ARRAY(DataType.STRING)

MACHINE_SYMBOLS: dict[str, Any] = {
    "name": STRING, "product": STRING, "edition": STRING, "build": STRING, "build_number": FLOAT, "ubr": FLOAT,
    "architecture": STRING, "installation": STRING, "hotpatch_enrolled": BOOLEAN, "vbs": STRING,
    "secure_boot": BOOLEAN, "vm_generation": FLOAT, "chpe_disabled": BOOLEAN, "reboot_pending": BOOLEAN,
    "platform": STRING,
}
PACKAGE_SYMBOLS: dict[str, Any] = {
    "package_kb": FLOAT, "package_kind": STRING, "package_confidence": STRING, "package_products": STRINGS,
    "package_architecture": STRING, "package_build": STRING, "package_build_number": FLOAT, "package_ubr": FLOAT,
    "package_restart": STRING, "package_reboot_behavior": STRING, "package_release_type": STRING,
    "package_month": STRING, "package_baseline": STRING, "package_calendar_product": STRING,
}
DERIVED_SYMBOLS: dict[str, Any] = {
    "hotpatch_program": STRING, "on_hotpatch_chain": BOOLEAN, "hotpatch_chain": STRINGS,
}
# Machine facts each derived symbol is computed from (named when the derived value is unknown).
DERIVED_NEEDS: dict[str, tuple[str, ...]] = {
    "hotpatch_program": PROGRAM_FACTS,
    "on_hotpatch_chain": ("build",),
    "hotpatch_chain": (),
}
SYMBOLS: dict[str, Any] = {**MACHINE_SYMBOLS, **PACKAGE_SYMBOLS, **DERIVED_SYMBOLS}
ARCHITECTURES = {"amd64": "amd64", "x64": "amd64", "arm64": "arm64", "x86": "x86", "wow64": "amd64"}


@dataclass(frozen=True)
class Missing(Exception):
    """Raised while evaluating a rule that reads a symbol whose value is unknown."""

    symbol: str
    facts: tuple[str, ...]


def machine_values(machine: Any) -> dict[str, Any]:
    """The machine's facts as symbol values (None for unknown), with ``build_number`` and ``ubr`` split out."""
    values = {name: getattr(machine, name, None) for name in MACHINE_SYMBOLS if name not in ("build_number", "ubr")}
    build = values.get("build")
    number = ubr = None
    if isinstance(build, str) and "." in build:
        head, _, tail = build.partition(".")
        if head.isdigit() and tail.isdigit():
            number, ubr = int(head), int(tail)
    values["build_number"], values["ubr"] = number, ubr
    return values


def package_values(package: UpdatePackage, classification: Classification) -> dict[str, Any]:
    """The package's and its classification's facts as symbol values.

    What a package does not say is a neutral value (0, ``""``, ``()``), never unknown: applicability rules
    then simply do not fire, instead of making every decision unknown.
    """
    primary = package.primary
    restart = primary.restart.value if primary else None
    build = package.build.value if package.build else None
    number = ubr = None
    if build:
        head, _, tail = build.partition(".")
        number, ubr = int(head), int(tail)
    elif primary and primary.target_build:
        number = primary.target_build.value
    architecture = package.architecture.value if package.architecture else None
    return {
        "package_kb": package.kb.value if package.kb else 0,
        "package_kind": classification.kind,
        "package_confidence": classification.confidence,
        "package_products": package.products.value if package.products else (),
        "package_architecture": ARCHITECTURES.get((architecture or "").casefold(), architecture or ""),
        "package_build": build or "",
        "package_build_number": number or 0,
        "package_ubr": ubr or 0,
        "package_restart": restart or "none",
        "package_reboot_behavior": package.reboot_behavior.value if package.reboot_behavior else "unknown",
        "package_release_type": package.release_type.value if package.release_type else "unknown",
        "package_month": classification.month or "",
        "package_baseline": classification.baseline or "",
        "package_calendar_product": classification.product or "",
    }


def derived_values(
    values: Mapping[str, Any], calendar: Calendar
) -> tuple[dict[str, Any], dict[str, tuple[str, ...]]]:
    """Facts computed from the machine and the package, and what to name when one is unknown."""
    explain: dict[str, tuple[str, ...]] = {}
    program = hotpatch_program(values["product"], values["edition"], values["platform"])
    if program is None:
        explain["hotpatch_program"] = tuple(f for f in PROGRAM_FACTS if values.get(f) is None)
    chain: tuple[str, ...] = ()
    on_chain = None
    product, month = values["package_calendar_product"], values["package_month"]
    builds = calendar.chain_builds(product, month) if product and month and product in calendar.products() else None
    if builds:
        chain = tuple(sorted(b for b in builds if b != values["package_build"]))
        if values["build"] is not None:
            on_chain = values["build"] in chain
    else:
        explain["on_hotpatch_chain"] = (f"the calendar's hotpatch chain for {product or 'this product'} "
                                        f"{month or '(month unknown)'}",)
    return {"hotpatch_program": program, "on_hotpatch_chain": on_chain, "hotpatch_chain": chain}, explain
