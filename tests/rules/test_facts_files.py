"""Facts files: every fixture machine and fleet loads, every shape and format, and every error message."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkginspect.errors import FactsError
from pkginspect.machines.files import file_format
from pkginspect.rules import FACT_NAMES, MAX_FACTS_BYTES, Machine, load_machine, load_machines
from tests.rules import AZURE, MACHINES

MACHINE_FILES = sorted(path for path in MACHINES.glob("*.json") if path.name not in ("index.json", "fleet.json"))
WEB01 = {"name": "web01", "product": "windows-server-2022", "build": "20348.2402", "vbs": "running"}
needs_toml = pytest.mark.skipif(
    importlib.util.find_spec("tomllib") is None and importlib.util.find_spec("tomli") is None,
    reason="TOML needs tomllib (Python 3.11+) or tomli",
)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", MACHINE_FILES, ids=lambda path: path.name)
def test_every_fixture_machine_loads(path: Path) -> None:
    machine = load_machine(path)
    assert machine.to_dict() == json.loads(path.read_text())
    assert load_machines(path) == [machine]
    assert machine.missing() == ()


def test_index_names_every_machine_file() -> None:
    index = json.loads((MACHINES / "index.json").read_text())
    assert sorted(entry["file"] for entry in index) == [path.name for path in MACHINE_FILES]


def test_fleet_json_and_csv_are_the_same_machines() -> None:
    from_json = load_machines(MACHINES / "fleet.json")
    from_csv = load_machines(MACHINES / "fleet.csv")
    assert len(from_json) == 36
    assert from_json == from_csv
    assert [machine.to_dict() for machine in from_json] == json.loads((MACHINES / "fleet.json").read_text())


def test_fleet_object_form(tmp_path: Path) -> None:
    path = write(tmp_path, "fleet.json", json.dumps({"machines": [WEB01, {"name": "web02"}]}))
    assert [machine.name for machine in load_machines(path)] == ["web01", "web02"]


def test_null_and_absent_facts_are_unknown(tmp_path: Path) -> None:
    machine = load_machine(write(tmp_path, "m.json", json.dumps({"name": "m", "vbs": None})))
    assert machine.missing() == FACT_NAMES[1:]


def test_csv_unknown_cells_comments_bom_and_column_order(tmp_path: Path) -> None:
    text = ("\ufeff# our fleet\n"
            "Name , vbs,secure_boot,build\n"
            "\n"
            "web01,running,yes,20348.2402\n"
            "# retired: web02\n"
            "web03,,0,\n")
    machines = load_machines(write(tmp_path, "fleet.csv", text))
    assert machines == [Machine("web01", vbs="running", secure_boot=True, build="20348.2402"),
                        Machine("web03", secure_boot=False)]


def test_csv_quoted_fields(tmp_path: Path) -> None:
    text = 'name,edition\n"web, the first",ServerDatacenter\n'
    assert load_machine(write(tmp_path, "f.csv", text)).name == "web, the first"


@needs_toml
def test_toml_single_and_fleet(tmp_path: Path) -> None:
    single = write(tmp_path, "web01.toml", 'name = "web01"\nproduct = "windows-server-2022"\n'
                                           'build = "20348.2402"\nsecure_boot = true\nvm_generation = 2\n')
    assert load_machine(single) == Machine("web01", product="windows-server-2022", build="20348.2402",
                                           secure_boot=True, vm_generation=2)
    fleet = write(tmp_path, "fleet.toml", '[[machines]]\nname = "a"\n\n[[machines]]\nname = "b"\nvbs = "off"\n')
    assert load_machines(fleet) == [Machine("a"), Machine("b", vbs="off")]


def test_utf16_from_windows_powershell_redirection(tmp_path: Path) -> None:
    content = json.dumps(WEB01).encode("utf-16")  # BOM + UTF-16LE, what `>` writes in PowerShell 5.1
    assert load_machine(write(tmp_path, "web01.json", content)).name == "web01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"name": "a"}', "json"),
        ('  [ {"name": "a"} ]', "json"),
        ("[]", "json"),
        ('# facts\nname = "a"', "toml"),
        ('[[machines]]\nname = "a"', "toml"),
        ("[machine]\nname = 'a'", "toml"),
        ("name,vbs\na,off", "csv"),
        ("name\na", "toml"),
    ],
)
def test_format_is_sniffed_without_a_known_extension(text: str, expected: str) -> None:
    assert file_format("facts", text) == expected
    assert file_format("facts.txt", text) == expected


def test_extension_wins_over_content() -> None:
    assert file_format("facts.CSV", "{") == "csv"
    assert file_format("facts.json", "name,vbs") == "json"


def test_sniffed_files_load(tmp_path: Path) -> None:
    assert load_machine(write(tmp_path, "web01", json.dumps(WEB01))).name == "web01"
    assert load_machine(write(tmp_path, "web01.facts", "name,vbs\nweb01,off\n")).vbs == "off"


def test_load_machine_accepts_a_list_of_one(tmp_path: Path) -> None:
    assert load_machine(write(tmp_path, "one.json", json.dumps([WEB01]))).name == "web01"


def test_exports_load_through_the_same_entry_point() -> None:
    assert load_machine(AZURE / "az-vm-show-ws2022-azure-edition-core.json").name == "az-ws22-core-01"
    assert len(load_machines(AZURE / "az-graph-query-arc-machines.json")) == 3


# One row per error message: (file name, content, expected message after "<path>: ").
ERRORS: list[tuple[str, str, str | bytes, str]] = [
    ("unknown-key", "web01.json", json.dumps({"name": "web01", "vbs_status": "running"}),
     "unknown fact 'vbs_status' (did you mean 'vbs'?)"),
    ("bad-enum", "web01.json", json.dumps({"name": "web01", "vbs": "on"}),
     "vbs: 'on' is not one of running, enabled, off"),
    ("bad-build", "web01.json", json.dumps({"name": "web01", "build": "20348-2402"}),
     "build: '20348-2402' is not a build like \"20348.2402\" (CurrentBuildNumber.UBR)"),
    ("build-as-number", "web01.json", '{"name": "web01", "build": 20348.2400}',
     "build: 20348.24 is a number; write the build as a string such as \"20348.2402\""),
    ("bad-bool", "web01.json", json.dumps({"name": "web01", "secure_boot": "yes"}),
     "secure_boot: expected true or false, got 'yes'"),
    ("bad-type", "web01.json", json.dumps({"name": "web01", "vm_generation": [2]}),
     "vm_generation: expected 1 or 2, got a list"),
    ("no-name", "web01.json", json.dumps({"vbs": "off"}), "name: missing (every machine needs a name)"),
    ("product-build", "web01.json", json.dumps({"name": "web01", "product": "windows-11", "build": "20348.1"}),
     "build 20348.1 is not a windows-11 build (20348 is windows-server-2022)"),
    ("list-entry", "fleet.json", json.dumps([WEB01, {"name": "web02", "reboot_pending": "no"}]),
     "entry 2 (web02): reboot_pending: expected true or false, got 'no'"),
    ("list-entry-not-object", "fleet.json", json.dumps([WEB01, "web02"]),
     "entry 2: expected a machine object, got 'web02'"),
    ("empty-list", "fleet.json", "[]", "no machines in the file (the list is empty)"),
    ("fleet-extra-key", "fleet.json", json.dumps({"machines": [], "owner": "ops"}),
     "unknown key 'owner' beside 'machines'"),
    ("fleet-not-list", "fleet.json", json.dumps({"machines": {"name": "a"}}),
     "machines: expected a list of machines, got an object"),
    ("nested-fleet", "fleet.json", json.dumps([{"machines": []}]),
     "entry 1: a list of machines cannot be nested in another"),
    ("scalar", "web01.json", "42", "expected a machine object, a list of them"),
    ("invalid-json", "web01.json", '{"name": "web01",}',
     "invalid JSON at line 1 column 18: Expecting property name enclosed in double quotes"),
    ("nan", "web01.json", '{"name": "web01", "vm_generation": NaN}', "invalid JSON: NaN is not a JSON value"),
    ("duplicate-key", "web01.json", '{"name": "web01", "vbs": "off", "vbs": "running"}',
     "invalid JSON: key 'vbs' appears twice in one object"),
    ("deep", "web01.json", "[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply"),
    ("empty-file", "web01.json", "", "empty file"),
    ("blank-file", "web01.json", " \n\t\n", "empty file"),
    ("not-utf8", "web01.json", b'{"name": "caf\xe9"}', "not UTF-8 text (bad byte at offset 13)"),
    ("bad-utf16", "web01.json", b"\xff\xfe{\x00\x00\xd8", "not UTF-16 text (bad byte at offset"),
    ("csv-bad-line", "fleet.csv", "name,hotpatch_enrolled\nweb01,true\nweb02,maybe\n",
     "line 3 (web02): hotpatch_enrolled: expected true/false, yes/no or 1/0, got 'maybe'"),
    ("csv-empty-name", "fleet.csv", "name,vbs\nweb01,off\n ,running\n",
     "line 3: name: missing (every machine needs a name)"),
    ("csv-field-count", "fleet.csv", "name,vbs\nweb01,off\nweb02,off,extra\n", "line 3: 3 fields, the header has 2"),
    ("csv-unknown-column", "fleet.csv", "# fleet\nname,secureboot\nweb01,true\n",
     "line 2: unknown fact 'secureboot' (did you mean 'secure_boot'?)"),
    ("csv-duplicate-column", "fleet.csv", "name,vbs,vbs\na,off,off\n", "line 1: column 'vbs' appears twice"),
    ("csv-no-name", "fleet.csv", "vbs,build\noff,20348.1\n", "line 1: no 'name' column"),
    ("csv-header-only", "fleet.csv", "name,vbs\n", "no machines in the file (only a header)"),
    ("csv-comments-only", "fleet.csv", "# nothing yet\n", "empty file (no header line)"),
    ("csv-invalid", "fleet.csv", 'name,vbs\n"web01,off\n', "line 2: not valid CSV"),
    ("several-for-one", "fleet.json", json.dumps([WEB01, {"name": "web02"}]),
     "holds 2 machines, expected one (read it as a fleet)"),
    ("resource-type", "res.json", json.dumps({"id": "/x", "type": "Microsoft.Storage/storageAccounts", "name": "s"}),
     "unsupported resource type 'Microsoft.Storage/storageAccounts'"),
    ("graph-row", "graph.json", json.dumps({"count": 1, "data": [{"name": "n", "type": "microsoft.web/sites"}]}),
     "row 1: not a virtual machine or Arc machine row (type 'microsoft.web/sites')"),
    ("graph-empty", "graph.json", json.dumps({"count": 0, "data": [], "skip_token": None}),
     "no machines in the file (the Resource Graph query returned no rows)"),
]


@pytest.mark.parametrize(("file_name", "content", "message"), [row[1:] for row in ERRORS],
                         ids=[row[0] for row in ERRORS])
def test_error_messages(tmp_path: Path, file_name: str, content: str | bytes, message: str) -> None:
    path = write(tmp_path, file_name, content)
    with pytest.raises(FactsError) as caught:
        if message.startswith("holds"):
            load_machine(path)
        else:
            load_machines(path)
    assert str(caught.value).startswith(f"{path}: "), str(caught.value)
    assert message in str(caught.value), str(caught.value)
    assert caught.value.source == str(path)
    assert "\n" not in str(caught.value)


def test_error_names_the_file_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "machines").mkdir()
    write(tmp_path / "machines", "web01.json", json.dumps({"name": "web01", "vbs_status": "running"}))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FactsError) as caught:
        load_machine("machines/web01.json")
    assert str(caught.value) == "machines/web01.json: unknown fact 'vbs_status' (did you mean 'vbs'?)"


def test_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(FactsError, match=r": file not found$") as caught:
        load_machines(path)
    assert str(caught.value) == f"{path}: file not found"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(FactsError) as caught:
        load_machines(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a machine facts file"


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.json", json.dumps(WEB01) + " " * 2000)
    with pytest.raises(FactsError) as caught:
        load_machines(path, limit=1000)
    assert str(caught.value).startswith(f"{path}: too large: more than 1000 bytes")
    assert MAX_FACTS_BYTES == 50 * 1024 * 1024


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.json", json.dumps(WEB01))
    path.chmod(0)
    with pytest.raises(FactsError, match=r"secret.json: cannot read: Permission denied"):
        load_machines(path)


def test_toml_without_tomllib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tomllib", None)  # what Python 3.10 without tomli looks like
    monkeypatch.setitem(sys.modules, "tomli", None)
    path = write(tmp_path, "web01.toml", 'name = "web01"\n')
    with pytest.raises(FactsError) as caught:
        load_machines(path)
    assert str(caught.value) == (f"{path}: TOML facts files need Python 3.11 or later (or the tomli package); "
                                 "use a JSON facts file (same keys) on this Python")


@needs_toml
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('name = "web01"\nvbs = \n', "invalid TOML: "),
        ('name = "web01"\nbuild = 1979-05-27\n', "build: expected a string, got a date"),
        ('name = "web01"\nvbs_status = "off"\n', "unknown fact 'vbs_status' (did you mean 'vbs'?)"),
    ],
)
def test_toml_errors(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "web01.toml", content)
    with pytest.raises(FactsError) as caught:
        load_machines(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=30,
)
FACT_VALUES = st.dictionaries(
    st.sampled_from((*FACT_NAMES, "vbs_status")),
    st.none() | st.booleans() | st.integers(-3, 30000) | st.sampled_from(
        ("running", "x64", "core", "20348.2402", "10.0.26100.1", "V2", "windows-11", "ServerTurbine", "", "yes")),
)
EXPORT_KEYS = ("name", "type", "properties", "storageProfile", "osProfile", "securityProfile", "instanceView",
               "hardwareProfile", "osVersion", "osSku", "osEdition", "agentVersion", "osType", "kind", "data",
               "machines", "detectedProperties", "licenseProfile", "extended", "enableHotpatching", "patchSettings",
               "windowsConfiguration", "imageReference", "sku", "offer", "status")
EXPORT_LIKE = st.recursive(
    JSON | st.sampled_from(("Microsoft.Compute/virtualMachines", "Microsoft.HybridCompute/machines", "Windows",
                            "10.0.20348.2402", "AutomaticByPlatform", "TrustedLaunch", "V2", "Standard_D2ps_v5")),
    lambda children: st.dictionaries(st.sampled_from(EXPORT_KEYS), children, max_size=6)
    | st.lists(children, max_size=3),
    max_leaves=25,
)


def _loads_or_facts_error(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        try:
            machines = load_machines(path)
        except FactsError as error:
            assert str(error).startswith(f"{path}: ")
            return
        assert machines and all(isinstance(machine, Machine) for machine in machines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON | FACT_VALUES | st.lists(FACT_VALUES, max_size=3) | EXPORT_LIKE)
def test_any_json_loads_or_raises_facts_error(value: object) -> None:
    _loads_or_facts_error(json.dumps(value).encode(), ".json")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=300), suffix=st.sampled_from(("", ".json", ".csv", ".toml", ".txt")))
def test_any_bytes_load_or_raise_facts_error(content: bytes, suffix: str) -> None:
    _loads_or_facts_error(content, suffix)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.sampled_from(("", "a", "true", "maybe", "2", "running", "x64", '"', ",", "\n")),
                              min_size=1, max_size=4), max_size=4),
       header=st.lists(st.sampled_from(("name", "vbs", "secure_boot", "vm_generation", "bogus")), min_size=1,
                       max_size=4))
def test_any_csv_loads_or_raises_facts_error(rows: list[list[str]], header: list[str]) -> None:
    text = ",".join(header) + "\n" + "\n".join(",".join(row) for row in rows)
    _loads_or_facts_error(text.encode(), ".csv")


def test_a_parse_error_keeps_its_cause_for_debug() -> None:
    from pkginspect.machines.files import parse_json

    with pytest.raises(FactsError, match=r"invalid JSON at line 1") as caught:
        parse_json("{", "m.json")
    assert isinstance(caught.value.__cause__, json.JSONDecodeError)
