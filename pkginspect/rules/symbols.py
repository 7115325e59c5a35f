"""The symbols rules may use: machine facts, package and classification facts, and facts derived from both.

Machine facts keep their DESIGN names (``vbs``, ``edition`` …); package-side facts start with ``package_``;
derived facts (``hotpatch_program``, ``on_hotpatch_chain`` …) are computed here and remember which machine
facts they need, so a rule that reads an unknown derived fact reports the machine facts that are missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from rule_engine import DataType

from pkginspect.calendar import Calendar
from pkginspect.classification import Classification, package_builds, package_families
from pkginspect.machines.facts import DERIVED_FACTS, FACT_TYPES, FactType
from pkginspect.package import UpdatePackage
from pkginspect.rules.programs import PROGRAM_FACTS, hotpatch_program, ineligibility, product_name
from pkginspect.types import Build

STRING, BOOLEAN, FLOAT = DataType.STRING, DataType.BOOLEAN, DataType.FLOAT
STRINGS = DataType.ARRAY(DataType.STRING)



def _symbol_type(kind: FactType) -> Any:
    """A machine fact's rule type: a bool, a number (allowed ints or an int) or a string."""
    if kind is bool:
        return BOOLEAN
    numeric = kind is int or (isinstance(kind, tuple) and all(isinstance(v, int) for v in kind))
    return FLOAT if numeric else STRING


# Derived from the one machine schema (machines.facts): the facts, then the properties read from them.
MACHINE_SYMBOLS: dict[str, Any] = {
    **{name: _symbol_type(kind) for name, kind in FACT_TYPES.items()},
    **{name: _symbol_type(kind) for name, (kind, _) in DERIVED_FACTS.items()},
}
PACKAGE_SYMBOLS: dict[str, Any] = {
    "package_kb": FLOAT, "package_kind": STRING, "package_confidence": STRING, "package_products": STRINGS,
    "package_architecture": STRING, "package_build": STRING, "package_build_number": FLOAT, "package_ubr": FLOAT,
    "package_restart": STRING, "package_reboot_behavior": STRING, "package_release_type": STRING,
    "package_month": STRING, "package_baseline": STRING, "package_calendar_product": STRING,
    "package_build_numbers": DataType.ARRAY(FLOAT),
    "package_kind_name": STRING, "package_product_names": STRING,
}
# Package kinds as a Windows admin calls them (for messages: {package_kind_name}).
KIND_NAMES = {
    "hotpatch": "hotpatch", "baseline-planned": "hotpatch baseline (a planned cumulative update)",
    "baseline-unplanned": "unplanned hotpatch baseline (an out-of-band cumulative update)",
    "lcu": "monthly cumulative update", "checkpoint": "checkpoint cumulative update",
    "ssu": "servicing stack update", "dotnet": ".NET Framework update", "other": "update",
    "unknown": "unclassified update",
}
DERIVED_SYMBOLS: dict[str, Any] = {
    "hotpatch_program": STRING, "on_hotpatch_chain": BOOLEAN, "hotpatch_chain": STRINGS,
    "hotpatch_ineligibility": STRING, "product_name": STRING,
}
# Machine facts each derived symbol is computed from (named when the derived value is unknown).
DERIVED_NEEDS: dict[str, tuple[str, ...]] = {
    "hotpatch_program": PROGRAM_FACTS,
    "hotpatch_ineligibility": PROGRAM_FACTS,
    "product_name": ("product",),
    "on_hotpatch_chain": ("build", "product"),
    "hotpatch_chain": ("product",),
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
    values = {name: getattr(machine, name, None) for name in FACT_TYPES}
    build = Build.of(values.get("build"))
    values["build_number"], values["ubr"] = build if build else (None, None)
    return values


def package_values(package: UpdatePackage, classification: Classification) -> dict[str, Any]:
    """The package's and its classification's facts as symbol values.

    What a package does not say is a neutral value (0, ``""``, ``()``), never unknown: applicability rules
    then simply do not fire, instead of making every decision unknown.
    """
    primary = package.primary
    restart = primary.restart.value if primary else None
    build = package.build.value if package.build else None
    number, ubr = found if (found := Build.of(build)) else (None, None)
    if found is None and primary and primary.target_build:
        number = primary.target_build.value
    architecture = package.architecture.value if package.architecture else None
    families = package_families(package)
    return {
        "package_kb": package.kb.value if package.kb else 0,
        "package_kind": str(classification.kind),
        "package_kind_name": KIND_NAMES.get(classification.kind, classification.kind),
        "package_product_names": " or ".join(product_name(p) for p in families),
        "package_confidence": classification.confidence,
        "package_products": families,
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
        "package_build_numbers": tuple(number for number, _ in package_builds(package)),
    }


_MISS = object()


class Context(Mapping[str, Any]):
    """The symbol values of one machine × package, derived facts computed on first use.

    ``chains`` is shared between contexts of one package: the calendar's chain is computed once per package.
    """

    __slots__ = ("_calendar", "_chains", "_derived", "_machine", "_package")

    def __init__(self, machine: Mapping[str, Any], package: Mapping[str, Any], calendar: Calendar,
                 chains: dict[tuple[str, str, str], frozenset[str] | None]) -> None:
        self._machine = machine
        self._package = package
        self._calendar = calendar
        self._chains = chains
        self._derived: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        value = self.get(name, _MISS)
        if value is _MISS:
            raise KeyError(name)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        """``self[name]``, or ``default`` for a name that is no symbol (without Mapping.get's overhead)."""
        value = self._machine.get(name, _MISS)
        if value is _MISS:
            value = self._package.get(name, _MISS)
            if value is _MISS:
                if name not in DERIVED_SYMBOLS:
                    return default
                value = self._derived.get(name, _MISS)
                if value is _MISS:
                    value = self._derived[name] = self._derive(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(SYMBOLS)

    def __len__(self) -> int:
        return len(SYMBOLS)

    def _calendar_product(self) -> str:
        """The calendar product whose hotpatch chain applies to this machine.

        The machine's own product when the package serves several (one 26100 file serves Windows 11 24H2 and
        Server 2025, whose out-of-band histories differ), else the package's classification product.
        """
        machine_product = self._machine.get("product")
        if machine_product and machine_product in self._package["package_products"]:
            number = self._package["package_build_number"] or None
            found = self._calendar.product_for(machine_product, number)
            if found:
                return found
        return str(self._package["package_calendar_product"])

    def _chain(self) -> frozenset[str] | None:
        product, month = self._calendar_product(), self._package["package_month"]
        key = (product, month, self._package["package_build"])
        if key not in self._chains:
            builds = None
            if product and month and product in self._calendar.products():
                builds = frozenset(b for b in self._calendar.chain_builds(product, month)
                                   if b != self._package["package_build"]) or None
            self._chains[key] = builds
        return self._chains[key]

    def _derive(self, name: str) -> Any:
        machine = self._machine
        if name == "hotpatch_program":
            return hotpatch_program(machine.get("product"), machine.get("edition"), machine.get("platform"))
        if name == "product_name":
            return product_name(machine["product"]) if machine.get("product") else None
        if name == "hotpatch_ineligibility":
            return ineligibility(machine.get("product"), machine.get("edition"), machine.get("platform"))
        chain = self._chain()
        if name == "hotpatch_chain":
            return tuple(sorted(chain)) if chain else ()
        if chain is None or machine.get("build") is None:
            return None
        return machine["build"] in chain

    def dependencies(self, name: str) -> tuple[str, ...]:
        """The machine facts a derived symbol is computed from."""
        return DERIVED_NEEDS.get(name, ())

    def explain(self, name: str) -> tuple[str, ...]:
        """What to name when ``name`` is unknown: the missing machine facts, or the missing calendar data."""
        if name == "on_hotpatch_chain" and self._chain() is None:
            product, month = self._calendar_product(), self._package["package_month"]
            return (f"the calendar's hotpatch chain for {product or 'this product'} {month or '(month unknown)'}",)
        needs = DERIVED_NEEDS.get(name)
        if needs:
            return tuple(fact for fact in needs if self._machine.get(fact) is None) or needs
        return (name,)
