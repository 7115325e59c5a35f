"""The documented REST API shapes (tests/rules/data/azure-rest/): each is read with the facts it states."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkginspect.errors import FactsError
from pkginspect.machines import SHAPES, SkippedMachine, document_kind, fleet_from_json
from pkginspect.machines.editions import canonical_edition, edition_id, installation_of
from pkginspect.rules import FACT_NAMES, Machine, load_machine, load_machines, machines_from_resource_graph, read_fleet
from tests.rules import AZURE

REST = Path(__file__).parent / "data" / "azure-rest"


def _facts(**given: object) -> dict[str, object]:
    return {fact: given.get(fact) for fact in FACT_NAMES}


WS16_CORE_ARM = _facts(name="web-ws16-core-01", product="windows-server-2016", edition="ServerDatacenterCor",
                       architecture="amd64", installation="core", hotpatch_enrolled=False, secure_boot=False,
                       platform="azure")
WS22_AZE_ARM = _facts(name="app-ws22-aze-01", product="windows-server-2022", edition="ServerTurbine",
                      architecture="amd64", installation="desktop", hotpatch_enrolled=True, secure_boot=True,
                      vm_generation=2, platform="azure")
WS22_AZE_GRAPH = {**WS22_AZE_ARM, "build": "20348.4294"}
ARC_DC = _facts(name="ams-ws25-dc-01", product="windows-server-2025", edition="ServerDatacenter", build="26100.6899",
                architecture="amd64", hotpatch_enrolled=True, platform="arc")
ARC_STD = _facts(name="ams-ws25-std-02", product="windows-server-2025", edition="ServerStandard", build="26100.6899",
                 architecture="amd64", platform="arc")
ARC_CORE = _facts(name="ams-ws25-core-03", product="windows-server-2025", edition="ServerDatacenterCor",
                  build="26100.6899", architecture="amd64", installation="core", hotpatch_enrolled=False,
                  platform="arc")
ARC_W11 = _facts(name="ams-w11-ent-04", product="windows-11", edition="Enterprise", build="26100.6899",
                 architecture="arm64", installation="desktop", platform="arc")

EXPECTED: dict[str, tuple[list[dict[str, object]], list[SkippedMachine]]] = {
    "arm-list-virtual-machines.json": (
        [WS16_CORE_ARM, WS22_AZE_ARM], [SkippedMachine("lnx-ubuntu-01", "entry 3", "Linux")]),
    "arm-list-arc-machines.json": (
        [ARC_DC, ARC_STD, ARC_CORE, ARC_W11], [SkippedMachine("ams-ubuntu-05", "entry 5", "linux")]),
    "resource-graph-rest-objects.json": (
        [WS22_AZE_GRAPH, ARC_DC], [SkippedMachine("lnx-ubuntu-01", "row 3", "Linux")]),
    "resource-graph-rest-table.json": ([WS22_AZE_GRAPH, ARC_DC], []),
    "vm-instance-view-ws2016.json": (
        [_facts(name="web-ws16-core-01", product="windows-server-2016", edition="ServerDatacenter", build="14393.7428",
                vm_generation=1, reboot_pending=True, platform="azure")], []),
}


def _load(name: str) -> Any:
    return json.loads((REST / name).read_text(encoding="utf-8"))


def test_every_rest_fixture_is_covered() -> None:
    assert set(EXPECTED) == {path.name for path in REST.glob("*.json")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rest_shape_gives_the_facts_it_states(name: str) -> None:
    machines, skipped = EXPECTED[name]
    fleet = read_fleet(REST / name)
    assert [machine.to_dict() for machine in fleet.machines] == machines
    assert list(fleet.skipped) == skipped
    assert load_machines(REST / name) == list(fleet.machines)


def test_skipped_machines_are_reported_in_one_warning() -> None:
    fleet = read_fleet(REST / "arm-list-virtual-machines.json")
    assert fleet.warnings() == [f"{REST / 'arm-list-virtual-machines.json'}: skipped 1 non-Windows machine: "
                                "entry 3 (lnx-ubuntu-01, osType Linux)"]
    assert read_fleet(REST / "resource-graph-rest-table.json").warnings() == []


def test_document_kinds_of_the_rest_shapes() -> None:
    assert document_kind(_load("arm-list-virtual-machines.json")) == "arm-list"
    assert document_kind(_load("arm-list-arc-machines.json")) == "arm-list"
    assert document_kind(_load("resource-graph-rest-objects.json")) == "resource-graph"
    assert document_kind(_load("resource-graph-rest-table.json")) == "resource-graph"
    assert document_kind(_load("vm-instance-view-ws2016.json")) == "instance-view"


def test_table_and_object_graph_results_agree() -> None:
    objects = machines_from_resource_graph(_load("resource-graph-rest-objects.json"))
    table = machines_from_resource_graph(_load("resource-graph-rest-table.json"))
    assert table == objects


def test_a_later_page_is_noted() -> None:
    data = _load("arm-list-arc-machines.json")
    data["nextLink"] = ("https://management.azure.com/subscriptions/x/providers/Microsoft.HybridCompute/machines"
                        "?api-version=2024-07-10&$skiptoken=abc")
    assert any("nextLink is set" in note for note in fleet_from_json(data, source="arc.json").notes)
    graph = _load("resource-graph-rest-objects.json")
    graph.update(resultTruncated="true", **{"$skipToken": "ew0KICAiJGlkIjogIjEiLA0K"})
    assert any("one page of a longer one" in note for note in fleet_from_json(graph).notes)


def test_a_list_of_only_linux_machines_is_an_error(tmp_path: Path) -> None:
    data = _load("arm-list-virtual-machines.json")
    data["value"] = data["value"][2:]
    path = tmp_path / "vms.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FactsError, match=r"vms.json: no Windows machines in the file \(1 non-Windows machine "
                                         r"skipped: entry 1 \(lnx-ubuntu-01, osType Linux\)\)"):
        load_machines(path)


def test_a_single_linux_export_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "lnx.json"
    path.write_text(json.dumps(_load("arm-list-virtual-machines.json")["value"][2]))
    with pytest.raises(FactsError, match="lnx-ubuntu-01 is not a Windows machine"):
        load_machine(path)


def test_az_vm_list_with_a_linux_vm_skips_it(tmp_path: Path) -> None:
    vm = json.loads((AZURE / "az-vm-get-instance-view-ws2022-azure-edition-core.json").read_text())
    linux = copy.deepcopy(vm)
    linux["name"] = "lnx-01"
    linux["storageProfile"]["osDisk"]["osType"] = "Linux"
    path = tmp_path / "az-vm-list.json"
    path.write_text(json.dumps([vm, linux]))
    fleet = read_fleet(path)
    assert [machine.name for machine in fleet.machines] == ["az-ws22-core-01"]
    assert fleet.skipped == (SkippedMachine("lnx-01", "entry 2", "Linux"),)


@pytest.mark.parametrize(
    "data",
    [
        {"platformUpdateDomain": 1, "platformFaultDomain": 1},  # part of an instance view without computerName
        {"id": "/subscriptions/x", "location": "westeurope"},
        {"value": "not a list"},
    ],
)
def test_an_unknown_shape_lists_the_shapes_read(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data))
    with pytest.raises(FactsError) as caught:
        load_machines(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a shape pkginspect reads (an object with keys ")
    assert message.endswith(SHAPES)
    assert "unknown fact" not in message


def test_a_graph_table_with_bad_rows_is_refused() -> None:
    table = _load("resource-graph-rest-table.json")
    table["data"]["rows"][0] = table["data"]["rows"][0][:2]
    with pytest.raises(FactsError, match="row 1: expected a list of 7 values"):
        fleet_from_json(table, source="graph.json")
    table["data"] = {"columns": "id", "rows": []}
    with pytest.raises(FactsError, match="data: expected Resource Graph rows or a table"):
        fleet_from_json(table, source="graph.json")


# --- the edition table ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "installation", "expected"),
    [
        ("serverdatacenter", None, "ServerDatacenter"),
        ("SERVERSTANDARDCOR", None, "ServerStandardCor"),
        ("Standard", None, "ServerStandard"),
        ("Datacenter", "core", "ServerDatacenterCor"),
        ("Datacenter: Azure Edition", "core", "ServerTurbineCor"),
        ("enterprise", None, "Enterprise"),
        ("Windows Server 2025 Datacenter", None, "ServerDatacenter"),
        ("Windows 11 Enterprise multi-session", None, "ServerRdsh"),
        ("Windows 11 Pro", None, "Professional"),
        ("Windows 10 Enterprise LTSC 2021", None, "EnterpriseS"),
        ("2016 datacenter server core", "core", "ServerDatacenterCor"),
        ("unknown", None, None),
        ("", None, None),
    ],
)
def test_edition_table(text: str, installation: str | None, expected: str | None) -> None:
    assert edition_id(text, installation) == expected


def test_installation_of_editions() -> None:
    assert installation_of("ServerTurbineCor") == "core"
    assert installation_of("ServerTurbine") == "desktop"
    assert installation_of("Enterprise") == "desktop"
    assert installation_of("ServerDatacenter") is None  # Server Core machines report it too
    assert installation_of(None) is None


def test_facts_files_take_editions_in_any_case() -> None:
    assert Machine("a", edition="serverturbinecor").edition == "ServerTurbineCor"
    assert Machine.from_dict({"name": "a", "edition": "ENTERPRISE"}).edition == "Enterprise"
    assert canonical_edition("ServerSolution") == "ServerSolution"
    assert Machine("a", edition="SomeFutureEdition").edition == "SomeFutureEdition"


def test_arc_detected_architecture_wins_over_the_processor_name() -> None:
    data = _load("arm-list-arc-machines.json")
    machine = data["value"][0]
    machine["properties"]["detectedProperties"]["processorNames"] = "Unknown processor"
    assert fleet_from_json(machine).machines[0].architecture == "amd64"
    del machine["properties"]["detectedProperties"]["architecture"]
    assert fleet_from_json(machine).machines[0].architecture is None


# --- eligibility in a Windows admin's words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("product", "edition", "platform", "expected"),
    [
        ("windows-server-2022", "ServerDatacenter", "other",
         "Windows Server 2022 Datacenter (not Azure Edition, not on Azure)"),
        ("windows-server-2022", "ServerDatacenter", "arc",
         "Windows Server 2022 Datacenter (not Azure Edition, through Azure Arc only Windows Server 2025 hotpatches)"),
        ("windows-server-2022", "ServerStandardCor", "azure", "Windows Server 2022 Standard (Server Core) "
                                                              "(not Azure Edition)"),
        ("windows-server-2022", "ServerTurbine", "other",
         "Windows Server 2022 Datacenter: Azure Edition not on Azure or Arc (Azure Edition hotpatches only on Azure "
         "or Azure Local)"),
        ("windows-server-2025", "ServerDatacenter", "other",
         "Windows Server 2025 Datacenter (not Azure Edition, not on Azure or Arc)"),
        ("windows-server-2025", "ServerStandard", "azure",
         "Windows Server 2025 Standard (not Azure Edition, not connected through Azure Arc)"),
        ("windows-11", "Professional", "other", "Windows 11 Pro (hotpatch needs Enterprise or Education)"),
        ("windows-server-2019", "ServerDatacenter", "azure",
         "Windows Server 2019 Datacenter (hotpatch exists only for Windows Server 2022 and 2025 and Windows 11)"),
        ("windows-server-2025", "ServerDatacenter", "arc", None),  # eligible
        ("windows-server-2025", None, "arc", None),  # unknown
    ],
)
def test_ineligibility_in_plain_words(product: str, edition: str | None, platform: str, expected: str | None) -> None:
    from pkginspect.rules.programs import ineligibility

    assert ineligibility(product, edition, platform) == expected


# --- hostile shapes: only FactsError, never another exception --------------------------------------------------


_scalars = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(
    ["", "windows", "Linux", "serverdatacenter", "Standard", "amd64", "10.0.26100.6899", "Microsoft Windows NT 10.0",
     "microsoft.compute/virtualmachines", "microsoft.hybridcompute/machines", "V2", "true", "x"])
_keys = st.sampled_from(["value", "nextLink", "data", "columns", "rows", "name", "type", "properties", "osType",
                         "osEdition", "osSku", "osVersion", "detectedProperties", "architecture", "computerName",
                         "osName", "platformUpdateDomain", "storageProfile", "imageReference", "sku", "offer",
                         "osDisk", "hardwareProfile", "vmSize", "count", "totalRecords", "resultTruncated", "facets",
                         "$skipToken", "agentVersion", "machines", "instanceView", "extended"])
_json = st.recursive(_scalars, lambda children: st.lists(children, max_size=4)
                     | st.dictionaries(_keys, children, max_size=6), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(_json)
def test_any_json_gives_machines_or_a_facts_error(data: object) -> None:
    try:
        fleet = fleet_from_json(data, source="export.json")
    except FactsError as error:
        assert str(error).startswith("export.json: ")
    else:
        assert fleet.machines and all(isinstance(machine, Machine) for machine in fleet.machines)


def test_installation_words_come_from_the_edition_table() -> None:
    # The constructor normalises these words although its Literal annotation admits only the canonical values.
    assert Machine("a", installation="Server Core").installation == "core"  # type: ignore[arg-type]
    desktop = Machine("a", installation="Server with Desktop Experience")  # type: ignore[arg-type]
    assert desktop.installation == "desktop"
    assert Machine.from_dict({"name": "a", "installation": "ServerCore"}).installation == "core"
