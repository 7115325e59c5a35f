"""Azure virtual machines to facts: ``az vm show`` / ``az vm get-instance-view`` JSON and Resource Graph VM rows.

Which field gives which fact (a fact no field tells stays None, i.e. unknown):

=================  ==================================================================================================
fact               source
=================  ==================================================================================================
name               ``name`` (else ``osProfile.computerName``, else ``instanceView.computerName``)
product            ``storageProfile.imageReference``: offer ``WindowsServer`` + the year in the sku
                   (``2022-datacenter-azure-edition-core`` → ``windows-server-2022``; ``2012-r2-…`` → ``…-2012-r2``);
                   offer/sku naming Windows 11 / 10 (``windows-11``, ``win11-24h2-ent``) → ``windows-11`` /
                   ``windows-10``. Custom images (no offer/sku): the build of ``instanceView.osVersion`` (else of
                   ``imageReference.exactVersion``) narrowed by ``instanceView.osName`` (server or client).
edition            sku: ``…-azure-edition…`` → ``ServerTurbine``, ``datacenter`` → ``ServerDatacenter``, ``standard`` →
                   ``ServerStandard``, each with a ``core`` word → its Server Core EditionID (``2016-Datacenter-
                   Server-Core`` → ``ServerDatacenterCor``, ``…-azure-edition-core`` → ``ServerTurbineCor``);
                   client skus ``ent``/``entn``/``pro``/``pron``/``avd`` (multi-session: ``ServerRdsh``), ``ltsc`` →
                   ``EnterpriseS``. Else from ``instanceView.osName``.
build              ``instanceView.osVersion`` (``10.0.20348.2402`` → ``20348.2402``); ``az vm show`` without the
                   instance view has no build (``imageReference.exactVersion`` is the image the VM was created
                   from, not what it runs now, so it is never used as the build).
architecture       ``hardwareProfile.vmSize``: Azure size names carry ``p`` among their lower-case feature letters
                   for Arm64 sizes (``Standard_D2ps_v5``) → ``arm64``, any other parsable size → ``amd64``; an
                   image offer/sku naming ``arm64`` → ``arm64``. Unparsable size → unknown.
installation       sku: a ``core`` word → ``core``, else ``desktop`` (Windows Server offers); client images →
                   ``desktop``; ``nano`` → unknown.
hotpatch_enrolled  ``osProfile.windowsConfiguration.patchSettings``: ``enableHotpatching`` true with ``patchMode``
                   ``AutomaticByPlatform`` (or no patchMode in the export) → true. ``enableHotpatching`` true with
                   another patchMode → **false**: Azure delivers hotpatches only through platform orchestration and
                   its API refuses that combination, so no hotpatch is being installed. ``enableHotpatching`` false or
                   null (not set) → false. No ``patchSettings`` at all → unknown.
vbs                never (no export field tells it) → unknown.
secure_boot        ``securityProfile``: ``securityType`` ``TrustedLaunch``/``ConfidentialVM`` with
                   ``uefiSettings.secureBootEnabled`` → that value (unknown when uefiSettings is missing); no security
                   profile, no ``securityType`` or ``Standard`` → false (Azure offers Secure Boot only with Trusted
                   Launch or confidential VMs); a Generation 1 VM → false.
vm_generation      ``instanceView.hyperVGeneration`` (``V1``/``V2``); else Trusted Launch / confidential VMs → 2 (they
                   exist only as Generation 2); else a ``g2``/``gen2`` sku word → 2, ``gen1`` → 1; else unknown.
chpe_disabled      never → unknown (meaningful only on Arm64 and only in the guest's registry).
reboot_pending     ``instanceView.patchStatus.availablePatchSummary.rebootPending`` (the last patch assessment).
platform           always ``azure``.
=================  ==================================================================================================

A Resource Graph row (``resources`` table, type ``microsoft.compute/virtualmachines``) holds the same fields under
``properties`` with the instance view at ``properties.extended.instanceView``; a raw ARM resource (``az rest``,
``az resource show``) has the same ``properties`` nesting. A non-Windows VM is refused with a clear error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pkginspect.machines.common import (
    ExportImporter,
    NotWindowsError,
    Reader,
    Source,
    build_of_os_version,
    edition_of_os_name,
    product_of,
)
from pkginspect.machines.editions import CLIENT_SKU_EDITIONS, CORE_VARIANTS, edition_id
from pkginspect.machines.facts import KNOWN_PRODUCTS, Machine

VM_TYPES: tuple[str, ...] = (
    "microsoft.compute/virtualmachines",
    "microsoft.compute/virtualmachinescalesets/virtualmachines",
)
_SECURE_TYPES = ("trustedlaunch", "confidentialvm")
_VM_SIZE = re.compile(r"(?:Standard|Basic)_([A-Z]+)([0-9]+)(?:-[0-9]+)?([a-z]*)(?:_.*)?", re.ASCII)
_YEAR = re.compile(r"20[0-9]{2}", re.ASCII)


def _body(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The VM's own fields: top level for ``az vm`` output, ``properties`` for ARM resources and graph rows."""
    properties = data.get("properties")
    return properties if isinstance(properties, Mapping) else data


def _tokens(*texts: str | None) -> list[str]:
    return [token for text in texts if text for token in text.casefold().split("-")]


def _image_facts(offer: str | None, sku: str | None) -> dict[str, Any]:
    """Product, edition, installation, architecture and generation hints from a marketplace image."""
    facts: dict[str, Any] = {}
    offer_cf, sku_cf = (offer or "").casefold(), (sku or "").casefold()
    tokens = _tokens(sku)
    if "arm64" in offer_cf or "arm64" in sku_cf:
        facts["architecture"] = "arm64"
    if "g2" in tokens or "gen2" in tokens:
        facts["vm_generation"] = 2
    elif "gen1" in tokens:
        facts["vm_generation"] = 1
    if "windowsserver" in offer_cf.replace("-", ""):
        year = next((token for token in tokens if _YEAR.fullmatch(token)), None)
        if year:
            product = f"windows-server-{year}" + ("-r2" if "r2" in tokens else "")
            facts["product"] = product if product in KNOWN_PRODUCTS else None
        if "nano" in tokens:
            return facts
        facts["installation"] = "core" if "core" in tokens else "desktop"
        edition = edition_id(" ".join(tokens), facts["installation"])
        facts["edition"] = edition if edition in CORE_VARIANTS or edition in CORE_VARIANTS.values() else None
        return facts
    client = None
    if "windows-11" in offer_cf or "windows11" in offer_cf or sku_cf.startswith("win11"):
        client = "windows-11"
    elif "windows-10" in offer_cf or "windows10" in offer_cf or sku_cf.startswith("win10"):
        client = "windows-10"
    if client:
        facts["product"] = client
        facts["installation"] = "desktop"
        if "ltsc" in tokens:
            facts["edition"] = "EnterpriseSN" if "entn" in tokens else "EnterpriseS"
        else:
            facts["edition"] = next((CLIENT_SKU_EDITIONS[t] for t in tokens if t in CLIENT_SKU_EDITIONS), None)
    return facts


def _architecture_of_size(size: str | None) -> str | None:
    match = _VM_SIZE.fullmatch(size.strip()) if size else None
    if not match:
        return None
    return "arm64" if "p" in match[3] else "amd64"


def _hotpatch(reader: Reader, body: Mapping[str, Any]) -> bool | None:
    settings = reader.obj("osProfile", "windowsConfiguration", "patchSettings", base=body)
    if settings is None:
        return None
    enabled = reader.flag("enableHotpatching", base=settings)
    mode = reader.text("patchMode", base=settings)
    if not enabled:
        return False
    return mode is None or mode.casefold() == "automaticbyplatform"


def _security(reader: Reader, body: Mapping[str, Any], generation: int | None) -> tuple[bool | None, int | None]:
    """(secure_boot, vm_generation implied by the security type)."""
    profile = reader.obj("securityProfile", base=body)
    security_type = (reader.text("securityType", base=profile) or "") if profile is not None else ""
    if security_type.casefold() in _SECURE_TYPES:
        enabled = reader.flag("uefiSettings", "secureBootEnabled", base=profile)
        return (False if generation == 1 else enabled), 2
    return False, None


def machine_from_az_vm(data: Mapping[str, Any], *, source: Source = None, location: str | None = None) -> Machine:
    """Facts of an Azure VM from ``az vm show`` output, an ARM resource or a Resource Graph row.

    Reads ``az vm show`` (with or without ``-d`` / the instance view), ``az vm get-instance-view``, a raw ARM
    resource or a Resource Graph ``virtualmachines`` row; the module docstring gives the field behind each fact.

    ``source`` and ``location`` name the file and entry in error messages.
    """
    reader = Reader(data, source, location)
    body = _body(data)
    view = reader.obj("instanceView", base=body) or reader.obj("extended", "instanceView", base=body) or {}
    name = (reader.text("name") or reader.text("osProfile", "computerName", base=body)
            or reader.text("computerName", base=view))
    if not name:
        raise reader.error("no machine name (expected 'name' in the az vm export)")
    os_type = reader.text("storageProfile", "osDisk", "osType", base=body)
    if os_type and os_type.casefold() != "windows":
        raise NotWindowsError(reader.source, reader.located(
            f"{name} is not a Windows machine (osType {os_type!r}); filter the export, e.g. "
            "az vm list --query \"[?storageProfile.osDisk.osType=='Windows']\""), name=name, os_type=os_type)
    image = reader.obj("storageProfile", "imageReference", base=body) or {}
    facts = _image_facts(reader.text("offer", base=image), reader.text("sku", base=image))
    os_name = reader.text("osName", base=view)
    build = build_of_os_version(reader.text("osVersion", base=view))
    if facts.get("product") is None:
        family = build or build_of_os_version(reader.text("exactVersion", base=image))
        facts["product"] = product_of(family, [os_name, reader.text("offer", base=image)])
    if facts.get("edition") is None:
        facts["edition"] = edition_of_os_name(os_name, facts.get("installation"))
    generation = {"v1": 1, "v2": 2}.get((reader.text("hyperVGeneration", base=view) or "").casefold())
    secure_boot, implied_generation = _security(reader, body, generation or facts.get("vm_generation"))
    facts.update(
        name=name,
        build=build,
        architecture=facts.get("architecture") or _architecture_of_size(
            reader.text("hardwareProfile", "vmSize", base=body)),
        hotpatch_enrolled=_hotpatch(reader, body),
        secure_boot=secure_boot,
        vm_generation=generation or implied_generation or facts.get("vm_generation"),
        reboot_pending=reader.flag("patchStatus", "availablePatchSummary", "rebootPending", base=view),
        platform="azure",
    )
    return Machine.from_dict(facts, source=source, location=location)


def machine_from_instance_view(
    data: Mapping[str, Any], *, source: Source = None, location: str | None = None
) -> Machine:
    """Facts of an Azure VM from its bare instance view (REST ``virtualMachines/{vm}/instanceView``).

    The view holds ``computerName``, ``osName``, ``osVersion`` (``Microsoft Windows NT 10.0.14393.0``),
    ``hyperVGeneration`` and ``patchStatus``; it says nothing of the image, size, patch settings or security
    profile, so those facts stay unknown. ``osName`` gives the edition (an Azure Edition name only with the
    installation, which the view does not tell).
    """
    reader = Reader(data, source, location)
    name = reader.text("computerName")
    if not name:
        raise reader.error("no machine name (expected 'computerName' in the VM instance view)")
    os_name = reader.text("osName")
    build = build_of_os_version(reader.text("osVersion"))
    facts: dict[str, Any] = {
        "name": name,
        "product": product_of(build, [os_name]),
        "edition": edition_of_os_name(os_name),
        "build": build,
        "vm_generation": {"v1": 1, "v2": 2}.get((reader.text("hyperVGeneration") or "").casefold()),
        "reboot_pending": reader.flag("patchStatus", "availablePatchSummary", "rebootPending"),
        "platform": "azure",
    }
    return Machine.from_dict(facts, source=source, location=location)


def is_instance_view(data: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a bare VM instance view (``computerName`` with the view's agent or status keys)."""
    return "computerName" in data and "storageProfile" not in data and any(
        key in data for key in ("vmAgent", "platformUpdateDomain", "platformFaultDomain", "statuses", "osName"))


def is_az_vm(data: Mapping[str, Any]) -> bool:
    """Whether a JSON object looks like an Azure VM export (by ``type``, else by its VM-only profiles)."""
    kind = data.get("type")
    if isinstance(kind, str):
        return kind.casefold() in VM_TYPES
    body = _body(data)
    return "storageProfile" in body and ("hardwareProfile" in body or "osProfile" in body)


AZ_VM = ExportImporter("az-vm", is_az_vm, machine_from_az_vm)
INSTANCE_VIEW = ExportImporter("instance-view", is_instance_view, machine_from_instance_view)

__all__ = ["AZ_VM", "INSTANCE_VIEW", "VM_TYPES", "is_az_vm", "is_instance_view", "machine_from_az_vm",
           "machine_from_instance_view"]
