"""Azure Arc-enabled servers to facts: ``az connectedmachine show`` JSON and Resource Graph ``machines`` rows.

Which field gives which fact (a fact no field tells stays None, i.e. unknown):

=================  ==================================================================================================
fact               source
=================  ==================================================================================================
name               ``name`` (else ``displayName``, else ``osProfile.computerName``)
product            the build of ``osVersion`` narrowed by ``osSku`` / ``osEdition`` (server or client):
                   ``10.0.26100.6899`` + ``Windows Server 2025 Datacenter`` → ``windows-server-2025``
edition            ``osEdition`` in any case, an EditionID (``serverdatacenter`` → ``ServerDatacenter``) or a marketing
                   word (``Standard`` → ``ServerStandard``, ``Enterprise``), through ``pkginspect.machines.editions``;
                   ``unknown`` or nothing → from ``osSku`` (``… Datacenter`` → ``ServerDatacenter``, ``Windows 11
                   Enterprise`` → ``Enterprise``)
build              ``osVersion`` (``10.0.26100.6899`` → ``26100.6899``)
architecture       ``detectedProperties.architecture`` (``amd64``, ``arm64``; recent agents); else inferred from
                   ``detectedProperties.processorNames``: Intel or AMD processors → ``amd64`` on Windows Server and
                   Windows 11 (no 32-bit editions exist), Ampere / Cobalt / Snapdragon / Qualcomm → ``arm64``;
                   anything else → unknown.
installation       an EditionID ending in ``Cor`` (``ServerTurbineCor``) → ``core``; ``ServerTurbine`` and client
                   editions → ``desktop``; other server editions (``ServerDatacenter`` is both) → unknown.
hotpatch_enrolled  ``osProfile.windowsConfiguration.patchSettings``: ``enableHotpatching`` false → false; else by
                   ``status.hotpatchEnablementStatus``: ``Enabled`` → true; ``ActionRequired`` → **true** (the
                   machine is enrolled and licensed but a prerequisite such as VBS or Secure Boot is missing — the
                   rules find which from those facts, as a hand-written file of that machine says);
                   ``Disabled`` → false; ``PendingEvaluation`` / ``Unknown`` → unknown (requested, not confirmed);
                   no status → ``enableHotpatching``. With no patch settings at all, the licence feature
                   ``licenseProfile.productProfile.productFeatures[name=Hotpatch].subscriptionStatus``
                   ``Enabled``/``Disabled`` decides, else unknown.
vbs, secure_boot,  never (Arc exports carry none of them) → unknown.
vm_generation,
chpe_disabled,
reboot_pending
platform           ``arc``; a machine of ``kind`` ``HCI`` (an Azure Local VM projected into Arc) → ``azure-local``.
=================  ==================================================================================================

``status`` (Connected / Disconnected / Expired) is not a fact: a disconnected machine's facts are its last report.
A Resource Graph row (type ``microsoft.hybridcompute/machines``) holds the same fields under ``properties``. A
non-Windows machine is refused with a clear error.
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
from pkginspect.machines.editions import edition_id, installation_of
from pkginspect.machines.facts import Machine

ARC_TYPES: tuple[str, ...] = ("microsoft.hybridcompute/machines",)
_EDITION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}", re.ASCII)
_NO_EDITION = frozenset({"unknown", "none", "null", "na"})
_ARCHITECTURES: Mapping[str, str] = {"amd64": "amd64", "x64": "amd64", "x86_64": "amd64", "arm64": "arm64",
                                     "aarch64": "arm64"}
_X64_CPU = re.compile(r"\b(intel|amd)\b", re.IGNORECASE)
_ARM_CPU = re.compile(r"\b(ampere|cobalt|snapdragon|qualcomm|arm|armv[0-9]+|neoverse)\b", re.IGNORECASE)
_ENROLLED_BY_STATUS: Mapping[str, bool | None] = {
    "enabled": True,
    "actionrequired": True,
    "disabled": False,
    "pendingevaluation": None,
    "unknown": None,
}


def _body(data: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = data.get("properties")
    return properties if isinstance(properties, Mapping) else data


def _hotpatch(reader: Reader, body: Mapping[str, Any]) -> bool | None:
    settings = reader.obj("osProfile", "windowsConfiguration", "patchSettings", base=body)
    if settings is not None:
        enabled = reader.flag("enableHotpatching", base=settings)
        status = reader.text("status", "hotpatchEnablementStatus", base=settings)
        if enabled is False:
            return False
        if status is not None:
            return _ENROLLED_BY_STATUS.get(status.casefold())
        if enabled is not None:
            return enabled
    features = reader.raw("licenseProfile", "productProfile", "productFeatures", base=body)
    for feature in features if isinstance(features, list) else ():
        if isinstance(feature, Mapping) and str(feature.get("name", "")).casefold() == "hotpatch":
            state = reader.text("subscriptionStatus", base=feature)
            return {"enabled": True, "disabled": False}.get((state or "").casefold())
    return None


def _architecture(processors: str | None, product: str | None) -> str | None:
    if not processors:
        return None
    if _ARM_CPU.search(processors):
        return "arm64"
    if _X64_CPU.search(processors) and product is not None and (
        product.startswith("windows-server-20") or product == "windows-11"
    ):
        return "amd64"
    return None


def machine_from_arc(data: Mapping[str, Any], *, source: Source = None, location: str | None = None) -> Machine:
    """Facts of an Arc-enabled server from ``az connectedmachine show``, an ARM resource or a graph row.

    Reads ``az connectedmachine show`` output, a raw ARM resource or a Resource Graph ``hybridcompute/machines``
    row; the module docstring gives the field behind each fact.

    ``source`` and ``location`` name the file and entry in error messages.
    """
    reader = Reader(data, source, location)
    body = _body(data)
    name = (reader.text("name") or reader.text("displayName", base=body)
            or reader.text("osProfile", "computerName", base=body))
    if not name:
        raise reader.error("no machine name (expected 'name' in the Arc export)")
    os_type = reader.text("osType", base=body)
    if os_type and os_type.casefold() != "windows":
        raise NotWindowsError(reader.source, reader.located(
            f"{name} is not a Windows machine (osType {os_type!r}); filter the export, e.g. "
            "az connectedmachine list --query \"[?osType=='windows']\""), name=name, os_type=os_type)
    os_sku = reader.text("osSku", base=body)
    os_edition = reader.text("osEdition", base=body)
    build = build_of_os_version(reader.text("osVersion", base=body))
    product = product_of(build, [os_sku, os_edition])
    edition = edition_id(os_edition)
    if edition is None and os_edition and _EDITION.fullmatch(os_edition.strip()) and (
            os_edition.strip().casefold() not in _NO_EDITION):
        edition = os_edition.strip()  # an EditionID the table does not list: kept as Windows reports it
    installation = installation_of(edition, product)
    edition = edition or edition_of_os_name(os_sku, installation)
    kind = reader.text("kind") or reader.text("kind", base=body)
    facts: dict[str, Any] = {
        "name": name,
        "product": product,
        "edition": edition,
        "build": build,
        "architecture": _ARCHITECTURES.get((reader.text("detectedProperties", "architecture", base=body) or "")
                                           .strip().casefold())
        or _architecture(reader.text("detectedProperties", "processorNames", base=body), product),
        "installation": installation,
        "hotpatch_enrolled": _hotpatch(reader, body),
        "platform": "azure-local" if kind and kind.casefold() == "hci" else "arc",
    }
    return Machine.from_dict(facts, source=source, location=location)


def is_arc(data: Mapping[str, Any]) -> bool:
    """Whether a JSON object looks like an Arc machine export (by ``type``, else by its agent fields)."""
    kind = data.get("type")
    if isinstance(kind, str):
        return kind.casefold() in ARC_TYPES
    body = _body(data)
    return "agentVersion" in body and ("osVersion" in body or "osSku" in body)


ARC = ExportImporter("arc", is_arc, machine_from_arc)

__all__ = ["ARC", "ARC_TYPES", "is_arc", "machine_from_arc"]
