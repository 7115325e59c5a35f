"""Machine facts: the one frozen record the reboot rules read, and the validation every facts source goes through."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, get_args

from pkginspect import products
from pkginspect.errors import FactsError, wrong_type
from pkginspect.machines.editions import INSTALLATION_WORDS, canonical_edition
from pkginspect.suggest import suggest
from pkginspect.types import Build

Architecture = Literal["amd64", "arm64"]
Installation = Literal["core", "desktop"]
VbsState = Literal["running", "enabled", "off"]
VmGeneration = Literal[1, 2]
Platform = Literal["azure", "azure-local", "arc", "other"]

ARCHITECTURES: tuple[Architecture, ...] = get_args(Architecture)
INSTALLATIONS: tuple[Installation, ...] = get_args(Installation)
VBS_STATES: tuple[VbsState, ...] = get_args(VbsState)
VM_GENERATIONS: tuple[VmGeneration, ...] = get_args(VmGeneration)
PLATFORMS: tuple[Platform, ...] = get_args(Platform)

# Every product the build table knows, plus the hotpatch products DESIGN.md names.
KNOWN_PRODUCTS: tuple[str, ...] = tuple(sorted(
    {product for candidates, _ in products.BUILDS.values() for product in candidates}
    | {"windows-server-2022", "windows-server-2025", "windows-11", "windows-10"}
))

FactType = type | tuple[str, ...] | tuple[int, ...]
FACT_TYPES: Mapping[str, FactType] = MappingProxyType({
    "name": str,
    "product": KNOWN_PRODUCTS,
    "edition": str,
    "build": str,
    "architecture": ARCHITECTURES,
    "installation": INSTALLATIONS,
    "hotpatch_enrolled": bool,
    "vbs": VBS_STATES,
    "secure_boot": bool,
    "vm_generation": VM_GENERATIONS,
    "chpe_disabled": bool,
    "reboot_pending": bool,
    "platform": PLATFORMS,
})
"""Fact name → its Python type (``str``, ``bool``) or the tuple of its allowed values (all ``str`` or all ``int``).

The one machine schema: ``Machine``'s fields (a test keeps them equal) and the rules' machine symbols."""
FACT_NAMES: tuple[str, ...] = tuple(FACT_TYPES)

DERIVED_FACTS: Mapping[str, tuple[type, str]] = MappingProxyType({
    "build_number": (int, "build"),
    "ubr": (int, "build"),
})
"""Properties computed from a fact: name → (type, the fact it is read from). ``20348.2402`` → 20348 and 2402."""

_BOOLEANS = ("hotpatch_enrolled", "secure_boot", "chpe_disabled", "reboot_pending")
_TRUE_WORDS = frozenset({"true", "yes", "1"})
_FALSE_WORDS = frozenset({"false", "no", "0"})
_ALIASES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "architecture": {"x64": "amd64", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64"},
    "installation": INSTALLATION_WORDS,
})
_GENERATION_WORDS = {"1": 1, "2": 2, "v1": 1, "v2": 2}
_EDITION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_NAME = 255


class _Problem(ValueError):
    """One invalid value; the caller adds the file and the location."""


def show(value: object) -> str:
    """A short, JSON-flavoured rendering of a value for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _one_of(fact: str, value: object, allowed: tuple[object, ...]) -> _Problem:
    listed = ", ".join(str(choice) for choice in allowed)
    hint = suggest(value, allowed) if isinstance(value, str) else ""
    return _Problem(f"{fact}: {show(value)} is not one of {listed}{hint}")


def _coerce(fact: str, value: object, text: bool) -> object:
    """The canonical value of ``fact`` (None when unknown); raises _Problem naming the fact.

    ``text`` is for sources where every value is a string (CSV): booleans and numbers are then read from words.
    """
    # A fleet repeats few words (products, builds, editions): each is read once. Only exact ``str`` values are
    # cached, as True, 1 and 1.0 would share a key; names are unique per machine, so they are not.
    if type(value) is str and fact != "name":
        return _coerce_word(fact, value, text)
    return _coerce_value(fact, value, text)


def _coerce_value(fact: str, value: object, text: bool) -> object:
    if text and isinstance(value, str):
        value = value.strip() or None
    if value is None:
        if fact == "name":
            raise _Problem("name: missing (every machine needs a name)")
        return None
    kind = FACT_TYPES[fact]
    if fact in _BOOLEANS:
        return _coerce_bool(fact, value, text)
    if fact == "vm_generation":
        return _coerce_generation(value, text)
    if not isinstance(value, str):
        if fact == "build" and isinstance(value, (int, float)) and not isinstance(value, bool):
            raise _Problem(f"build: {show(value)} is a number; write the build as a string such as \"20348.2402\"")
        raise _Problem(f"{fact}: expected a string, got {show(value)}")
    if fact == "name":
        return _coerce_name(value)
    if fact == "build":
        build = Build.of(value.strip())
        if build is None:
            raise _Problem(f"build: {show(value)} is not a build like \"20348.2402\" (CurrentBuildNumber.UBR)")
        return str(build)
    if fact == "edition":
        if not _EDITION.fullmatch(value.strip()):
            raise _Problem(f"edition: {show(value)} is not an EditionID (letters and digits, such as ServerDatacenter,"
                           f" ServerTurbineCor, Enterprise)")
        return canonical_edition(value)
    assert isinstance(kind, tuple)
    word = value.strip().casefold()
    word = _ALIASES.get(fact, {}).get(word, word)
    if word not in kind:
        raise _one_of(fact, value, kind)
    return word


_coerce_word = functools.lru_cache(maxsize=4096)(_coerce_value)


def _coerce_name(value: str) -> str:
    name = value.strip()
    if not name:
        raise _Problem("name: empty (every machine needs a name)")
    if _CONTROL.search(name):
        raise _Problem(f"name: {show(name)} contains control characters")
    if len(name) > _MAX_NAME:
        raise _Problem(f"name: longer than {_MAX_NAME} characters")
    return name


def _coerce_bool(fact: str, value: object, text: bool) -> bool:
    if isinstance(value, bool):
        return value
    if text and isinstance(value, str):
        word = value.casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise _Problem(f"{fact}: expected true/false, yes/no or 1/0, got {show(value)}")
    raise _Problem(f"{fact}: expected true or false, got {show(value)}")


def _coerce_generation(value: object, text: bool) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if value in VM_GENERATIONS:
            return value
        raise _one_of("vm_generation", value, VM_GENERATIONS)
    if isinstance(value, str):
        number = _GENERATION_WORDS.get(value.strip().casefold())
        if number is not None and (text or not value.strip().isdigit()):
            return number
        hint = "" if text else " (write a number, or Azure's \"V1\"/\"V2\")"
        raise _Problem(f"vm_generation: {show(value)} is not one of 1, 2{hint}")
    raise _Problem(f"vm_generation: expected 1 or 2, got {show(value)}")


def _cross_check(values: Mapping[str, object]) -> list[str]:
    """Problems between facts: a product that does not ship the given build."""
    product, build = values.get("product"), values.get("build")
    if not isinstance(product, str) or not isinstance(build, str):
        return []
    number = Build.parse(build).number
    shipped = products.candidates(number)
    if shipped and product not in shipped:
        return [f"build {build} is not a {product} build ({number} is {' or '.join(shipped)})"]
    return []


def _check_keys(data: Mapping[Any, object], allow_name: bool = True) -> list[str]:
    problems = []
    for key in data:
        if not isinstance(key, str):
            problems.append(f"fact names must be strings, got {show(key)}")
        elif key == "name" and not allow_name:
            problems.append("name: a machine's name cannot have a default")
        elif key not in FACT_TYPES:
            problems.append(f"unknown fact {key!r}{suggest(key, FACT_NAMES)}")
    return problems


def _raise(source: str | os.PathLike[str] | None, location: str | None, name: object, problems: list[str]) -> None:
    if not problems:
        return
    where = location or ""
    if isinstance(name, str) and name.strip() and not _CONTROL.search(name):
        if location:
            where = f"{location} ({name.strip()[:60]})"
        elif source is None:
            where = f"machine {name.strip()[:60]!r}"
    shown = problems[:10] + ([f"and {len(problems) - 10} more problems"] if len(problems) > 10 else [])
    message = "; ".join(shown)
    raise FactsError(source, f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class Machine:
    """The facts of one machine that decide whether an update restarts it; None means unknown.

    Values are validated and normalised when the record is made (``architecture="x64"`` becomes ``"amd64"``);
    an invalid value raises FactsError. Only ``name`` is required.
    """

    name: str
    product: str | None = None
    edition: str | None = None
    build: str | None = None
    architecture: Architecture | None = None
    installation: Installation | None = None
    hotpatch_enrolled: bool | None = None
    vbs: VbsState | None = None
    secure_boot: bool | None = None
    vm_generation: VmGeneration | None = None
    chpe_disabled: bool | None = None
    reboot_pending: bool | None = None
    platform: Platform | None = None

    def __post_init__(self) -> None:
        problems = []
        values: dict[str, object] = {}
        for fact in FACT_NAMES:
            value = getattr(self, fact)
            try:
                canonical = _coerce(fact, value, text=False)
            except _Problem as problem:
                problems.append(str(problem))
                continue
            values[fact] = canonical
        problems.extend(_cross_check(values) if not problems else [])
        _raise(None, None, self.name, problems)
        self._set(values)

    def _set(self, values: Mapping[str, object]) -> None:
        for fact, value in values.items():
            if type(value) is str and fact != "name":
                value = sys.intern(value)  # a fleet repeats few values: one string each
            object.__setattr__(self, fact, value)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, object],
        *,
        source: str | os.PathLike[str] | None = None,
        location: str | None = None,
        text: bool = False,
    ) -> Machine:
        """A Machine from a mapping of fact names to values (parsed JSON or TOML, a CSV row with ``text=True``).

        Absent keys and ``null`` are unknown facts; with ``text=True`` values are strings and an empty one is
        unknown, booleans are ``true/false/yes/no/1/0``. Unknown keys, wrong types and bad values raise FactsError
        whose message starts with ``source`` and ``location`` (``"fleet.json: entry 3 (web01): vbs: …"``) and
        lists every problem found in the mapping.
        """
        if not isinstance(data, Mapping):
            raise FactsError(source, f"{location + ': ' if location else ''}expected an object of facts, "
                                     f"got {show(data)}")
        problems = _check_keys(data)
        values: dict[str, Any] = {}
        for fact in FACT_NAMES:
            try:
                values[fact] = _coerce(fact, data.get(fact), text)
            except _Problem as problem:
                problems.append(str(problem))
        if not problems:
            problems.extend(_cross_check(values))
        _raise(source, location, data.get("name"), problems)
        machine = object.__new__(cls)  # the values are checked and canonical: no second pass of __post_init__
        machine._set(values)
        return machine

    def to_dict(self) -> dict[str, object]:
        """The facts as plain JSON-able data, in ``FACT_NAMES`` order, unknown facts as None."""
        return {fact: getattr(self, fact) for fact in FACT_NAMES}

    def missing(self, *names: str) -> tuple[str, ...]:
        """The unknown facts among ``names`` (all facts when none are given), each once, in the order asked.

        A derived name (``build_number``, ``ubr``) stands for the fact it is read from (``build``). An unknown
        fact name is a programming error: ValueError, with a suggestion.
        """
        wanted = names or FACT_NAMES
        unknown: list[str] = []
        for name in wanted:
            fact = DERIVED_FACTS[name][1] if name in DERIVED_FACTS else name
            if fact not in FACT_TYPES:
                raise ValueError(f"unknown fact {name!r}{suggest(name, FACT_NAMES + tuple(DERIVED_FACTS))}")
            if getattr(self, fact) is None and fact not in unknown:
                unknown.append(fact)
        return tuple(unknown)

    def with_defaults(
        self, defaults: Machine | Mapping[str, object], *, source: str | os.PathLike[str] | None = None
    ) -> Machine:
        """A copy where every unknown fact takes its value from ``defaults`` (a Machine or a mapping of facts).

        ``name`` is never taken from the defaults. Bad keys or values in a mapping raise FactsError naming
        ``source``.
        """
        given = defaults.to_dict() if isinstance(defaults, Machine) else defaults
        if not isinstance(defaults, Machine):
            problems = _check_keys(given, allow_name=False)
            for fact in FACT_NAMES[1:]:
                try:
                    _coerce(fact, given.get(fact), text=False)
                except _Problem as problem:
                    problems.append(str(problem))
            _raise(source, "defaults", None, problems)
        merged = self.to_dict()
        for fact in FACT_NAMES[1:]:
            if merged[fact] is None and given.get(fact) is not None:
                merged[fact] = given[fact]
        return type(self).from_dict(merged, source=source, location="defaults")

    @functools.cached_property
    def build_number(self) -> int | None:
        """CurrentBuildNumber from ``build`` (``20348`` for ``"20348.2402"``), or None when the build is unknown."""
        return Build.parse(self.build).number if self.build else None

    @functools.cached_property
    def ubr(self) -> int | None:
        """The update build revision from ``build`` (``2402`` for ``"20348.2402"``), or None when unknown."""
        return Build.parse(self.build).ubr if self.build else None


def require_machine(value: object, function: str, argument: str = "machine") -> Any:
    """``value`` if it can stand for a machine, else an ArgumentTypeError that says how to get one.

    A Machine, or any object with a ``name`` attribute and fact attributes (absent ones are unknown).
    """
    if isinstance(value, Machine):
        return value
    if type(value).__name__ in ("UpdatePackage", "Package"):
        hint = "a package: the arguments are (package, machine)"
    elif isinstance(value, Mapping):
        hint = "a mapping of facts; make a Machine with Machine.from_dict(facts)"
    elif isinstance(value, (list, tuple)):
        hint = "a list; pass one machine, or use evaluate_all / audit for a fleet"
    elif isinstance(value, (str, os.PathLike)):
        hint = "a path; read it first with pkginspect.load_machines(path)"
    elif value is not None and isinstance(getattr(value, "name", None), str):
        return value  # a machine-like record: its attributes are read as facts
    else:
        hint = "from pkginspect.load_machines(path) or Machine(...)"
    raise wrong_type(function, argument, "a Machine", value, hint)


__all__ = ["ARCHITECTURES", "DERIVED_FACTS", "FACT_NAMES", "FACT_TYPES", "INSTALLATIONS", "KNOWN_PRODUCTS", "PLATFORMS",
           "VBS_STATES", "VM_GENERATIONS", "Architecture", "FactType", "Installation", "Machine", "Platform",
           "VbsState", "VmGeneration", "require_machine"]
