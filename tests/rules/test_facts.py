"""The Machine record: exactly DESIGN.md's facts, validation and normalisation, and its helpers."""

from __future__ import annotations

import dataclasses
import json
import typing

import pytest

from pkginspect import products
from pkginspect.errors import FactsError
from pkginspect.rules import (
    ARCHITECTURES,
    DERIVED_FACTS,
    FACT_NAMES,
    FACT_TYPES,
    INSTALLATIONS,
    KNOWN_PRODUCTS,
    PLATFORMS,
    VBS_STATES,
    VM_GENERATIONS,
    Machine,
)
from tests.rules import MACHINES

FULL = {
    "name": "az-ws22-core-01",
    "product": "windows-server-2022",
    "edition": "ServerTurbineCor",
    "build": "20348.2402",
    "architecture": "amd64",
    "installation": "core",
    "hotpatch_enrolled": True,
    "vbs": "running",
    "secure_boot": True,
    "vm_generation": 2,
    "chpe_disabled": False,
    "reboot_pending": False,
    "platform": "azure",
}


def test_fact_names_are_design_md_and_the_dataclass_fields() -> None:
    assert FACT_NAMES == (
        "name", "product", "edition", "build", "architecture", "installation", "hotpatch_enrolled", "vbs",
        "secure_boot", "vm_generation", "chpe_disabled", "reboot_pending", "platform",
    )
    assert tuple(field.name for field in dataclasses.fields(Machine)) == FACT_NAMES
    assert tuple(FACT_TYPES) == FACT_NAMES


def test_fact_names_match_the_fixture_machine_files() -> None:
    for path in MACHINES.glob("*.json"):
        if path.name in ("index.json", "fleet.json"):
            continue
        assert tuple(json.loads(path.read_text())) == FACT_NAMES, path.name


def test_fact_types() -> None:
    assert FACT_TYPES["name"] is str and FACT_TYPES["edition"] is str and FACT_TYPES["build"] is str
    for fact in ("hotpatch_enrolled", "secure_boot", "chpe_disabled", "reboot_pending"):
        assert FACT_TYPES[fact] is bool
    assert FACT_TYPES["architecture"] == ARCHITECTURES == ("amd64", "arm64")
    assert FACT_TYPES["installation"] == INSTALLATIONS == ("core", "desktop")
    assert FACT_TYPES["vbs"] == VBS_STATES == ("running", "enabled", "off")
    assert FACT_TYPES["vm_generation"] == VM_GENERATIONS == (1, 2)
    assert FACT_TYPES["platform"] == PLATFORMS == ("azure", "azure-local", "arc", "other")
    assert FACT_TYPES["product"] == KNOWN_PRODUCTS
    assert dict(DERIVED_FACTS) == {"build_number": (int, "build"), "ubr": (int, "build")}
    with pytest.raises(TypeError):
        FACT_TYPES["vbs"] = ("x",)  # type: ignore[index]  # writing the read-only table on purpose


def test_known_products_cover_the_build_table_and_the_hotpatch_products() -> None:
    for candidates, _ in products.BUILDS.values():
        assert set(candidates) <= set(KNOWN_PRODUCTS)
    assert {"windows-server-2022", "windows-server-2025", "windows-11", "windows-10"} <= set(KNOWN_PRODUCTS)
    assert list(KNOWN_PRODUCTS) == sorted(set(KNOWN_PRODUCTS))


def test_only_name_is_required() -> None:
    machine = Machine("web01")
    assert machine.to_dict() == {fact: ("web01" if fact == "name" else None) for fact in FACT_NAMES}
    assert machine.missing() == FACT_NAMES[1:]
    assert machine.build_number is None and machine.ubr is None


def test_round_trip_and_frozen() -> None:
    machine = Machine.from_dict(FULL)
    assert machine.to_dict() == FULL
    assert Machine(**FULL) == machine  # type: ignore[arg-type]  # facts as loaded: plain values, not Literals
    assert hash(machine) == hash(Machine.from_dict(FULL))
    with pytest.raises(dataclasses.FrozenInstanceError):
        machine.vbs = "off"  # type: ignore[misc]  # writing a frozen field on purpose


def test_build_parts() -> None:
    machine = Machine.from_dict(FULL)
    assert (machine.build_number, machine.ubr) == (20348, 2402)
    assert Machine("x", build="26100.32230").ubr == 32230


@pytest.mark.parametrize(
    ("fact", "given", "canonical"),
    [
        ("architecture", "x64", "amd64"),
        ("architecture", "AMD64", "amd64"),
        ("architecture", "x86_64", "amd64"),
        ("architecture", "ARM64", "arm64"),
        ("architecture", "aarch64", "arm64"),
        ("installation", "Server Core", "core"),
        ("installation", "Server", "desktop"),
        ("installation", "Client", "desktop"),
        ("vbs", "Running", "running"),
        ("platform", "Azure-Local", "azure-local"),
        ("product", "Windows-Server-2025", "windows-server-2025"),
        ("build", "10.0.20348.2402", "20348.2402"),
        ("build", " 20348.02402 ", "20348.2402"),
        ("edition", " ServerTurbine ", "ServerTurbine"),
        ("name", "  web01 ", "web01"),
        ("vm_generation", "V2", 2),
        ("vm_generation", "v1", 1),
    ],
)
def test_aliases_are_normalised(fact: str, given: object, canonical: object) -> None:
    data = {"name": "web01", fact: given}
    assert getattr(Machine.from_dict(data), fact) == canonical
    assert getattr(Machine(**data), fact) == canonical  # type: ignore[arg-type]  # an alias the Literal omits


@pytest.mark.parametrize(
    ("given", "value"),
    [("true", True), ("TRUE", True), ("yes", True), ("1", True), ("false", False), ("No", False), ("0", False),
     ("", None), ("  ", None)],
)
def test_text_booleans(given: str, value: bool | None) -> None:
    assert Machine.from_dict({"name": "a", "secure_boot": given}, text=True).secure_boot is value


def test_text_numbers_and_empty_cells() -> None:
    machine = Machine.from_dict({"name": "a", "vm_generation": "2", "vbs": "", "build": ""}, text=True)
    assert (machine.vm_generation, machine.vbs, machine.build) == (2, None, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "a", "vbs_status": "on"}, "unknown fact 'vbs_status' (did you mean 'vbs'?)"),
        ({"name": "a", "Build": "20348.1"}, "unknown fact 'Build' (did you mean 'build'?)"),
        ({"name": "a", "zzz": 1}, "unknown fact 'zzz'"),
        ({"name": "a", "vbs": "runing"}, "vbs: 'runing' is not one of running, enabled, off (did you mean 'running'?)"),
        ({"name": "a", "architecture": "x86"}, "architecture: 'x86' is not one of amd64, arm64"),
        ({"name": "a", "platform": "azurelocal"}, "(did you mean 'azure-local'?)"),
        ({"name": "a", "installation": "nano"}, "installation: 'nano' is not one of core, desktop"),
        ({"name": "a", "product": "windows-server-2024"}, "product: 'windows-server-2024' is not one of"),
        ({"name": "a", "build": "20348"}, "build: '20348' is not a build like \"20348.2402\""),
        ({"name": "a", "build": 20348.24}, "build: 20348.24 is a number; write the build as a string"),
        ({"name": "a", "build": 20348}, "build: 20348 is a number"),
        ({"name": "a", "edition": "Server Datacenter"}, "edition: 'Server Datacenter' is not an EditionID"),
        ({"name": "a", "edition": 5}, "edition: expected a string, got 5"),
        ({"name": "a", "hotpatch_enrolled": "yes"}, "hotpatch_enrolled: expected true or false, got 'yes'"),
        ({"name": "a", "secure_boot": 1}, "secure_boot: expected true or false, got 1"),
        ({"name": "a", "vm_generation": 3}, "vm_generation: 3 is not one of 1, 2"),
        ({"name": "a", "vm_generation": "2"}, "vm_generation: '2' is not one of 1, 2 (write a number"),
        ({"name": "a", "vm_generation": True}, "vm_generation: expected 1 or 2, got true"),
        ({"name": "a", "vm_generation": 2.0}, "vm_generation: expected 1 or 2, got 2.0"),
        ({"product": "windows-11"}, "name: missing (every machine needs a name)"),
        ({"name": None}, "name: missing"),
        ({"name": ""}, "name: empty"),
        ({"name": 7}, "name: expected a string, got 7"),
        ({"name": "a\nb"}, "contains control characters"),
        ({"name": "x" * 300}, "name: longer than 255 characters"),
        ({"name": "a", "vbs": ["running"]}, "vbs: expected a string, got a list"),
        ({"name": "a", "vbs": {"x": 1}}, "vbs: expected a string, got an object"),
        ({"name": "a", "product": "windows-server-2022", "build": "26100.6899"},
         "build 26100.6899 is not a windows-server-2022 build (26100 is windows-11 or windows-server-2025)"),
    ],
)
def test_bad_values(data: dict[str, object], message: str) -> None:
    with pytest.raises(FactsError) as caught:
        Machine.from_dict(data, source="machines/web01.json")
    assert str(caught.value).startswith("machines/web01.json: ")
    assert message in str(caught.value)


def test_every_problem_is_reported_once_with_the_location_and_name() -> None:
    with pytest.raises(FactsError) as caught:
        Machine.from_dict({"name": "web01", "vbs": "x", "secure_boot": "no", "colour": "red"},
                          source="fleet.json", location="entry 3")
    assert str(caught.value) == (
        "fleet.json: entry 3 (web01): unknown fact 'colour'; vbs: 'x' is not one of running, enabled, off; "
        "secure_boot: expected true or false, got 'no'"
    )


def test_many_problems_are_capped() -> None:
    data: dict[str, object] = {"name": "a", **{f"extra{i}": 1 for i in range(15)}}
    with pytest.raises(FactsError, match=r"and 5 more problems$"):
        Machine.from_dict(data, source="f.json")


def test_direct_construction_validates() -> None:
    # Wrong types and values on purpose: the constructor refuses them at run time as mypy does here.
    with pytest.raises(FactsError, match=r"^machine 'web01': vbs: 'on' is not one of"):
        Machine("web01", vbs="on")  # type: ignore[arg-type]
    with pytest.raises(FactsError, match="name: missing"):
        Machine(None)  # type: ignore[arg-type]
    with pytest.raises(FactsError, match="name: expected a string, got 3"):
        Machine(3)  # type: ignore[arg-type]


def test_from_dict_needs_a_mapping() -> None:
    with pytest.raises(FactsError, match=r"^f.json: entry 2: expected an object of facts, got a list$"):
        Machine.from_dict([1], source="f.json", location="entry 2")  # type: ignore[arg-type]  # a list on purpose


def test_missing() -> None:
    machine = Machine("a", build="20348.2402", vbs="off")
    assert machine.missing("vbs", "secure_boot", "build") == ("secure_boot",)
    assert Machine("a").missing("ubr", "build_number", "build", "vbs") == ("build", "vbs")
    assert machine.missing("build_number") == ()
    with pytest.raises(ValueError, match=r"unknown fact 'vbs_state' \(did you mean 'vbs'\?\)"):
        machine.missing("vbs_state")


def test_with_defaults() -> None:
    machine = Machine("a", vbs="off")
    filled = machine.with_defaults({"vbs": "running", "secure_boot": True, "architecture": "x64"})
    assert (filled.name, filled.vbs, filled.secure_boot, filled.architecture) == ("a", "off", True, "amd64")
    assert machine.with_defaults(Machine("b", platform="arc")).to_dict() == {**machine.to_dict(), "platform": "arc"}
    with pytest.raises(FactsError, match=r"^defaults.toml: defaults: unknown fact 'vbs_status'"):
        machine.with_defaults({"vbs_status": "running"}, source="defaults.toml")
    with pytest.raises(FactsError, match=r"name: a machine's name cannot have a default"):
        machine.with_defaults({"name": "b"}, source="defaults.toml")
    with pytest.raises(FactsError, match=r"secure_boot: expected true or false"):
        machine.with_defaults({"secure_boot": "yes"}, source="defaults.toml")


def test_rules_reexports_the_machines_package() -> None:
    from pkginspect import machines, rules

    path = MACHINES / "azure-edition-core.json"
    assert rules.load_machine is machines.load_machine and rules.Machine is machines.Machine
    assert rules.load_machine(path) == machines.machine_from_document(json.loads(path.read_text(encoding="utf-8")),
                                                                       source=path)


def test_literal_types_match_the_allowed_values() -> None:
    hints = typing.get_type_hints(Machine)
    for fact, kind in FACT_TYPES.items():
        if isinstance(kind, tuple) and fact != "product":
            literal = next(arg for arg in typing.get_args(hints[fact]) if arg is not type(None))
            assert typing.get_args(literal) == kind, fact


def test_repeated_words_are_read_once_and_bad_ones_fail_every_time() -> None:
    from pkginspect.machines.files import machines_from_csv

    rows = "name,vbs,vm_generation,hotpatch_enrolled\na,Running,2,yes\nb,Running,2,yes\n"
    first, second = machines_from_csv(rows, source="fleet.csv")
    assert (first.vbs, first.vm_generation, first.hotpatch_enrolled) == ("running", 2, True)
    assert first.vbs is second.vbs
    for name in ("c", "d"):  # a bad word is refused each time it is read, not only the first
        with pytest.raises(FactsError, match="vbs: 'sometimes' is not one of"):
            machines_from_csv(f"name,vbs\n{name},sometimes\n", source="fleet.csv")
    # The cache is keyed by exact strings: True and 1 are still told apart where JSON gives them.
    assert Machine.from_dict({"name": "e", "vm_generation": 1}).vm_generation == 1
    with pytest.raises(FactsError, match="vm_generation"):
        Machine.from_dict({"name": "f", "vm_generation": True})
