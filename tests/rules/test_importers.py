"""Importers: the fixture az / Arc / Resource Graph exports give the facts the hand-written machine files give."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pkginspect.errors import FactsError
from pkginspect.machines import document_kind
from pkginspect.rules import (
    FACT_NAMES,
    Machine,
    load_machine,
    load_machines,
    machine_from_arc,
    machine_from_az_vm,
    machines_from_json,
    machines_from_resource_graph,
)
from tests.rules import AZURE, MACHINES

# Facts no field of the export tells: the importer must leave exactly these unknown.
AZ_VM_SHOW_UNKNOWN = {"build", "vbs", "chpe_disabled", "reboot_pending"}
AZ_INSTANCE_VIEW_UNKNOWN = {"vbs", "chpe_disabled"}
ARC_UNKNOWN = {"installation", "vbs", "secure_boot", "vm_generation", "chpe_disabled", "reboot_pending"}

# export file → (hand-written facts, or changes to one; the facts the export cannot tell)
PAIRS: dict[str, tuple[dict[str, Any], set[str]]] = {}


def _facts(file: str, **changes: object) -> dict[str, Any]:
    return {**json.loads((MACHINES / file).read_text()), **changes}


PAIRS = {
    "az-vm-show-ws2022-azure-edition-core.json": (_facts("azure-edition-core.json"), AZ_VM_SHOW_UNKNOWN),
    "az-vm-get-instance-view-ws2022-azure-edition-core.json": (_facts("azure-edition-core.json"),
                                                               AZ_INSTANCE_VIEW_UNKNOWN),
    "az-vm-get-instance-view-ws2022-azure-edition-hotpatch.json": (_facts("azure-edition-desktop.json"),
                                                                   AZ_INSTANCE_VIEW_UNKNOWN),
    "az-vm-show-ws2022-azure-edition-not-enrolled.json": (_facts("azure-edition-not-enrolled.json"),
                                                          AZ_VM_SHOW_UNKNOWN),
    "az-vm-get-instance-view-ws2025-azure-edition-core.json": (_facts("ws2025-azure-edition-core.json"),
                                                               AZ_INSTANCE_VIEW_UNKNOWN),
    # No machine file: the machine fixtures/machines.py builds this export from (Server 2022 Datacenter, Gen1).
    "az-vm-get-instance-view-ws2022-datacenter-gen1.json": (
        _facts("ws2022-datacenter-onprem.json", name="az-ws22-dc-gen1", vbs="off", secure_boot=False,
               vm_generation=1, platform="azure"),
        AZ_INSTANCE_VIEW_UNKNOWN,
    ),
    "az-connectedmachine-show-ws2025-hotpatch.json": (_facts("ws2025-arc-datacenter.json"), ARC_UNKNOWN),
    "az-connectedmachine-show-ws2025-action-required.json": (_facts("ws2025-arc-no-secure-boot.json"), ARC_UNKNOWN),
    # No machine file: fixtures/machines.py derives it from ws2025-arc-datacenter.json with enrolment off.
    "az-connectedmachine-show-ws2025-not-enrolled.json": (
        _facts("ws2025-arc-datacenter.json", name="arc-ws25-optout-01", hotpatch_enrolled=False), ARC_UNKNOWN),
}


def _expected(facts: dict[str, Any], unknown: set[str]) -> dict[str, Any]:
    return {fact: (None if fact in unknown else facts[fact]) for fact in FACT_NAMES}


def test_every_export_fixture_is_covered() -> None:
    assert {*PAIRS, "az-graph-query-arc-machines.json"} == {path.name for path in AZURE.glob("*.json")}


@pytest.mark.parametrize("file", sorted(PAIRS))
def test_export_gives_the_hand_written_facts(file: str) -> None:
    facts, unknown = PAIRS[file]
    machine = load_machine(AZURE / file)
    assert machine.to_dict() == _expected(facts, unknown)
    assert set(machine.missing()) == unknown


@pytest.mark.parametrize("file", sorted(PAIRS))
def test_importer_functions_match_the_loader(file: str) -> None:
    data = json.loads((AZURE / file).read_text())
    importer = machine_from_arc if "connectedmachine" in file else machine_from_az_vm
    assert importer(data) == load_machine(AZURE / file)


def test_resource_graph_rows_match_the_single_exports() -> None:
    machines = load_machines(AZURE / "az-graph-query-arc-machines.json")
    singles = [load_machine(AZURE / f"az-connectedmachine-show-ws2025-{kind}.json")
               for kind in ("hotpatch", "action-required", "not-enrolled")]
    assert machines == singles
    data = json.loads((AZURE / "az-graph-query-arc-machines.json").read_text())
    assert machines_from_resource_graph(data) == machines
    assert machines_from_resource_graph(data["data"]) == machines  # older az: a bare list of rows


def test_installation_known_facts_merge_with_collector_output() -> None:
    arc = load_machine(AZURE / "az-connectedmachine-show-ws2025-action-required.json")
    collected = load_machine(MACHINES / "ws2025-arc-no-secure-boot.json")
    assert arc.with_defaults(collected) == collected


def test_document_kinds() -> None:
    kinds = {path.name: document_kind(json.loads(path.read_text())) for path in AZURE.glob("*.json")}
    assert kinds["az-graph-query-arc-machines.json"] == "resource-graph"
    assert {kind for name, kind in kinds.items() if name.startswith("az-vm")} == {"az-vm"}
    assert {kind for name, kind in kinds.items() if name.startswith("az-connectedmachine")} == {"arc"}
    assert document_kind({"name": "a"}) == "facts"
    assert document_kind({"machines": []}) == "fleet"


# --- az vm: synthetic variants of the fixture export -------------------------------------------------------------


def _vm(**changes: Any) -> dict[str, Any]:
    data = json.loads((AZURE / "az-vm-get-instance-view-ws2022-azure-edition-core.json").read_text())
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = data
        for key in parents:
            target = target[key]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return data


_DELETE = object()


def test_vm_without_any_type_field_is_still_recognised() -> None:
    data = _vm(type=_DELETE)
    assert document_kind(data) == "az-vm"
    assert machines_from_json(data)[0].name == "az-ws22-core-01"


@pytest.mark.parametrize(
    ("changes", "fact", "value"),
    [
        ({"osProfile__windowsConfiguration__patchSettings__patchMode": "AutomaticByOS"}, "hotpatch_enrolled", False),
        ({"osProfile__windowsConfiguration__patchSettings__patchMode": None}, "hotpatch_enrolled", True),
        ({"osProfile__windowsConfiguration__patchSettings__enableHotpatching": None}, "hotpatch_enrolled", False),
        ({"osProfile__windowsConfiguration__patchSettings": None}, "hotpatch_enrolled", None),
        ({"osProfile__windowsConfiguration": None}, "hotpatch_enrolled", None),
        ({"securityProfile__uefiSettings__secureBootEnabled": False}, "secure_boot", False),
        ({"securityProfile__uefiSettings": None}, "secure_boot", None),
        ({"securityProfile__securityType": "ConfidentialVM"}, "secure_boot", True),
        ({"securityProfile": None}, "secure_boot", False),
        ({"securityProfile__securityType": "Standard"}, "secure_boot", False),
        ({"instanceView__hyperVGeneration": None}, "vm_generation", 2),
        ({"instanceView__hyperVGeneration": None, "securityProfile": None}, "vm_generation", None),
        ({"instanceView__hyperVGeneration": None, "securityProfile": None,
          "storageProfile__imageReference__sku": "2022-datacenter-g2"}, "vm_generation", 2),
        ({"instanceView__patchStatus__availablePatchSummary__rebootPending": True}, "reboot_pending", True),
        ({"instanceView__patchStatus": None}, "reboot_pending", None),
        ({"instanceView__osVersion": "10.0.20348"}, "build", None),
        ({"hardwareProfile__vmSize": "Standard_D4pds_v5"}, "architecture", "arm64"),
        ({"hardwareProfile__vmSize": "Standard_B2pts_v2"}, "architecture", "arm64"),
        ({"hardwareProfile__vmSize": "Standard_NC24ads_A100_v4"}, "architecture", "amd64"),
        ({"hardwareProfile__vmSize": "Standard_DS2_v2"}, "architecture", "amd64"),
        ({"hardwareProfile__vmSize": "custom"}, "architecture", None),
        ({"hardwareProfile": None}, "architecture", None),
        ({"storageProfile__imageReference__sku": "2022-datacenter-azure-edition"}, "edition", "ServerTurbine"),
        ({"storageProfile__imageReference__sku": "2022-datacenter-azure-edition-core-smalldisk"}, "installation",
         "core"),
        ({"storageProfile__imageReference__sku": "2022-datacenter"}, "edition", "ServerDatacenter"),
        ({"storageProfile__imageReference__sku": "2022-Datacenter-Core"}, "installation", "core"),
        ({"storageProfile__imageReference__sku": "2022-datacenter-smalldisk-g2"}, "installation", "desktop"),
    ],
)
def test_vm_field_mapping(changes: dict[str, Any], fact: str, value: object) -> None:
    assert getattr(machine_from_az_vm(_vm(**changes)), fact) == value


@pytest.mark.parametrize(
    ("offer", "sku", "version", "expected"),
    [
        ("WindowsServer", "2019-Datacenter", "10.0.17763.5830",
         {"product": "windows-server-2019", "edition": "ServerDatacenter", "installation": "desktop"}),
        ("WindowsServer", "2012-R2-Datacenter", "6.3.9600.21620", {"product": "windows-server-2012-r2"}),
        ("WindowsServer", "2025-datacenter-azure-edition-core-smalldisk", "10.0.26100.6899",
         {"product": "windows-server-2025", "edition": "ServerTurbineCor", "installation": "core"}),
        ("windows-11", "win11-24h2-ent", "10.0.26100.6899",
         {"product": "windows-11", "edition": "Enterprise", "installation": "desktop"}),
        ("windows-11", "win11-24h2-avd", "10.0.26100.6899", {"product": "windows-11", "edition": "ServerRdsh"}),
        ("windows-11", "win11-23h2-pro", "10.0.22631.4317", {"product": "windows-11", "edition": "Professional"}),
        ("Windows-10", "win10-22h2-entn-g2", "10.0.19045.5011",
         {"product": "windows-10", "edition": "EnterpriseN", "vm_generation": 2}),
        ("Windows-10", "win10-21h2-ent-ltsc", "10.0.19044.5011", {"edition": "EnterpriseS"}),
        ("windows11preview-arm64", "win11-24h2-ent", "10.0.26100.6899",
         {"product": "windows-11", "architecture": "arm64"}),
        ("WindowsServer", "2016-Nano-Server", None, {"product": "windows-server-2016", "installation": None}),
    ],
)
def test_vm_images(offer: str, sku: str, version: str | None, expected: dict[str, object]) -> None:
    data = _vm(storageProfile__imageReference__offer=offer, storageProfile__imageReference__sku=sku,
               instanceView__osVersion=version, instanceView__osName=None)
    facts = machine_from_az_vm(data).to_dict()
    assert {fact: facts[fact] for fact in expected} == expected


def test_vm_custom_image_falls_back_to_the_os_name_and_version() -> None:
    data = _vm(storageProfile__imageReference={"id": "/subscriptions/x/galleries/g/images/ws22"})
    machine = machine_from_az_vm(data)
    assert (machine.product, machine.build, machine.edition, machine.installation) == (
        "windows-server-2022", "20348.2402", None, None)  # Azure Edition, but Core or not is unknown
    client = machine_from_az_vm(_vm(storageProfile__imageReference=None, instanceView__osVersion="10.0.26100.6899",
                                    instanceView__osName="Windows 11 Enterprise multi-session"))
    assert (client.product, client.edition) == ("windows-11", "ServerRdsh")


def test_vm_without_instance_view_takes_only_the_image_family_from_exact_version() -> None:
    data = _vm(instanceView=None, storageProfile__imageReference={"exactVersion": "26100.6899.251010"})
    machine = machine_from_az_vm(data)
    assert machine.build is None  # the image version is not what the VM runs now
    assert machine.product is None  # 26100 is Windows 11 or Server 2025, and nothing says which


def test_resource_graph_vm_row_and_raw_arm_resource() -> None:
    flat = _vm()
    view = flat.pop("instanceView")
    properties = {key: value for key, value in flat.items()
                  if key not in ("id", "name", "type", "location", "resourceGroup", "tags")}
    properties["extended"] = {"instanceView": {"osName": view["osName"], "osVersion": view["osVersion"],
                                               "hyperVGeneration": view["hyperVGeneration"],
                                               "computerName": view["computerName"]}}
    row = {"id": flat["id"], "name": flat["name"], "type": "microsoft.compute/virtualmachines",
           "properties": properties}
    expected = machine_from_az_vm(_vm(instanceView__patchStatus=None))
    assert machines_from_resource_graph({"data": [row]}) == [expected]
    assert machines_from_json(row) == [expected]


def test_az_vm_list_output() -> None:
    second = _vm(name="az-ws22-core-02")
    machines = machines_from_json([_vm(), second])
    assert [machine.name for machine in machines] == ["az-ws22-core-01", "az-ws22-core-02"]


def test_name_falls_back_to_the_computer_name() -> None:
    assert machine_from_az_vm(_vm(name=None)).name == "az-ws22-core-01"
    with pytest.raises(FactsError, match="no machine name"):
        machine_from_az_vm(_vm(name=None, osProfile__computerName=None, instanceView__computerName=None))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"storageProfile__osDisk__osType": "Linux"},
         "no Windows machines in the file (1 non-Windows machine skipped: entry 1 (az-ws22-core-01, osType Linux))"),
        ({"osProfile__windowsConfiguration__patchSettings__enableHotpatching": "yes"},
         "entry 1: enableHotpatching: expected true or false, got 'yes'"),
        ({"instanceView__osVersion": 10}, "entry 1: osVersion: expected a string, got 10"),
        ({"securityProfile": "TrustedLaunch"}, "entry 1: securityProfile: expected an object, got 'TrustedLaunch'"),
    ],
)
def test_vm_errors(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = tmp_path / "vms.json"
    path.write_text(json.dumps([_vm(**changes)]))
    with pytest.raises(FactsError) as caught:
        load_machines(path)
    assert str(caught.value).startswith(f"{path}: {message}")


# --- Arc -------------------------------------------------------------------------------------------------------


def _arc(**changes: Any) -> dict[str, Any]:
    data = json.loads((AZURE / "az-connectedmachine-show-ws2025-hotpatch.json").read_text())
    data = copy.deepcopy(data)
    settings = data["osProfile"]["windowsConfiguration"]["patchSettings"]
    for key, value in changes.items():
        if key in ("enableHotpatching", "status"):
            settings[key] = value
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("changes", "enrolled"),
    [
        ({"status": {"hotpatchEnablementStatus": "Enabled"}}, True),
        ({"status": {"hotpatchEnablementStatus": "ActionRequired"}}, True),
        ({"status": {"hotpatchEnablementStatus": "Disabled"}}, False),
        ({"status": {"hotpatchEnablementStatus": "PendingEvaluation"}}, None),
        ({"status": {"hotpatchEnablementStatus": "Unknown"}}, None),
        ({"status": {"hotpatchEnablementStatus": "SomethingNew"}}, None),
        ({"enableHotpatching": False, "status": {"hotpatchEnablementStatus": "Enabled"}}, False),
        ({"status": None}, True),
        ({"status": None, "enableHotpatching": None}, True),  # nothing set: the licence feature decides
        ({"status": None, "enableHotpatching": None, "licenseProfile": None}, None),
        ({"osProfile": None}, True),  # the licence feature Hotpatch is Enabled
        ({"osProfile": None, "licenseProfile": None}, None),
    ],
)
def test_arc_enrolment(changes: dict[str, Any], enrolled: bool | None) -> None:
    assert machine_from_arc(_arc(**changes)).hotpatch_enrolled is enrolled


@pytest.mark.parametrize(
    ("changes", "fact", "value"),
    [
        ({"osEdition": "ServerTurbineCor", "osSku": "Windows Server 2025 Datacenter: Azure Edition"},
         "installation", "core"),
        ({"osEdition": "ServerTurbine"}, "installation", "desktop"),
        ({"osEdition": None}, "edition", "ServerDatacenter"),
        ({"osEdition": None, "osSku": "Windows Server 2025 Standard"}, "edition", "ServerStandard"),
        ({"osEdition": "Windows Server"}, "edition", "ServerDatacenter"),
        ({"osSku": "Windows 11 Enterprise", "osEdition": "Enterprise"}, "product", "windows-11"),
        ({"osSku": "Windows 11 Enterprise", "osEdition": "Enterprise"}, "installation", "desktop"),
        ({"osSku": None, "osEdition": None}, "product", None),
        ({"osVersion": "10.0.20348.2402", "osSku": "Windows Server 2022 Datacenter"}, "product",
         "windows-server-2022"),
        ({"detectedProperties": {"processorNames": "Ampere(R) Altra(R) Processor"}}, "architecture", "arm64"),
        ({"detectedProperties": {"processorNames": "AMD EPYC 7763 64-Core Processor"}}, "architecture", "amd64"),
        ({"detectedProperties": {}}, "architecture", None),
        ({"kind": "HCI"}, "platform", "azure-local"),
        ({"status": "Disconnected"}, "platform", "arc"),
    ],
)
def test_arc_field_mapping(changes: dict[str, Any], fact: str, value: object) -> None:
    assert getattr(machine_from_arc(_arc(**changes)), fact) == value


def test_arc_errors() -> None:
    with pytest.raises(FactsError, match=r"^arc.json: arc-ws25-01 is not a Windows machine \(osType 'linux'\)"):
        machine_from_arc(_arc(osType="linux"), source="arc.json")
    with pytest.raises(FactsError, match=r"^arc.json: row 2: osVersion: expected a string, got a list"):
        machine_from_arc(_arc(osVersion=[10]), source="arc.json", location="row 2")
    with pytest.raises(FactsError, match="no machine name"):
        machine_from_arc(_arc(name=None, displayName=None, osProfile=None))


def test_machine_type_is_returned() -> None:
    assert isinstance(machine_from_arc(_arc()), Machine)
