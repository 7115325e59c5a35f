"""Parsed JSON or TOML to machines: recognises facts objects, fleets, az/Arc exports and Resource Graph results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pkginspect.errors import FactsError
from pkginspect.rules.facts import Machine, show
from pkginspect.rules.importers.arc import is_arc, machine_from_arc
from pkginspect.rules.importers.azure import is_az_vm, machine_from_az_vm
from pkginspect.rules.importers.common import Source

DocumentKind = Literal["facts", "az-vm", "arc", "resource-graph", "fleet"]
_GRAPH_KEYS = frozenset({"count", "data", "skip_token", "total_records", "$skipToken", "totalRecords"})
_SHAPES = 'a machine object, a list of them, {"machines": [...]}, or an az / Arc / Resource Graph export'


def _located(location: str | None, message: str) -> str:
    return f"{location}: {message}" if location else message


def document_kind(data: Mapping[str, Any]) -> DocumentKind:
    """What a JSON object is: one machine's facts, a fleet, an Azure VM, an Arc machine or a Resource Graph result."""
    if is_az_vm(data):
        return "az-vm"
    if is_arc(data):
        return "arc"
    if isinstance(data.get("data"), list) and set(data) <= _GRAPH_KEYS:
        return "resource-graph"
    if "machines" in data:
        return "fleet"
    return "facts"


def machine_from_document(data: object, *, source: Source = None, location: str | None = None) -> Machine:
    """One machine from a facts object or a single az vm / Arc / graph-row export, detected by its shape."""
    if not isinstance(data, Mapping):
        raise FactsError(source, _located(location, f"expected a machine object, got {show(data)}"))
    kind = document_kind(data)
    if kind == "az-vm":
        return machine_from_az_vm(data, source=source, location=location)
    if kind == "arc":
        return machine_from_arc(data, source=source, location=location)
    resource_type = data.get("type")
    if isinstance(resource_type, str) and ("id" in data or "properties" in data):
        raise FactsError(source, _located(location, f"unsupported resource type {resource_type!r} (expected "
                                                    "Microsoft.Compute/virtualMachines or "
                                                    "Microsoft.HybridCompute/machines)"))
    if kind != "facts":
        raise FactsError(source, _located(location, "a list of machines cannot be nested in another"))
    return Machine.from_dict(data, source=source, location=location)


def machines_from_resource_graph(data: object, *, source: Source = None) -> list[Machine]:
    """Machines from ``az graph query`` output: ``{"data": [rows]}`` or a bare list of rows.

    Each row is an Azure VM (``microsoft.compute/virtualmachines``) or an Arc machine
    (``microsoft.hybridcompute/machines``) with its ``properties``; errors name the row (from 1).
    """
    rows = data.get("data") if isinstance(data, Mapping) else data
    if not isinstance(rows, list):
        raise FactsError(source, f"expected a Resource Graph result ({{\"data\": [...]}}), got {show(data)}")
    machines = []
    for number, row in enumerate(rows, 1):
        location = f"row {number}"
        if not isinstance(row, Mapping) or not (is_az_vm(row) or is_arc(row)):
            kind = row.get("type") if isinstance(row, Mapping) else None
            raise FactsError(source, f"{location}: not a virtual machine or Arc machine row (type {show(kind)}); "
                                     "query the resources with their full 'properties' column")
        machines.append(machine_from_document(row, source=source, location=location))
    return machines


def machines_from_json(data: object, *, source: Source = None) -> list[Machine]:
    """Machines from parsed JSON or TOML, whatever its shape.

    Accepted: one machine's facts; a list of facts objects or exports; ``{"machines": [...]}``; ``az vm show`` /
    ``az vm get-instance-view`` / ``az connectedmachine show`` objects (alone or in a list, as ``az vm list``
    prints); ``az graph query`` results. Errors name the entry (``entry 3``) or row (``row 2``), counted from 1.
    An empty list is an error.
    """
    if isinstance(data, Mapping):
        kind = document_kind(data)
        if kind == "resource-graph":
            machines = machines_from_resource_graph(data, source=source)
            if not machines:
                raise FactsError(source, "no machines in the file (the Resource Graph query returned no rows)")
            return machines
        if kind == "fleet":
            extra = sorted(str(key) for key in data if key != "machines")
            if extra:
                raise FactsError(source, f"unknown key {extra[0]!r} beside 'machines' (a fleet file holds only "
                                         "\"machines\": [...])")
            entries = data["machines"]
            if not isinstance(entries, list):
                raise FactsError(source, f"machines: expected a list of machines, got {show(entries)}")
            return _entries(entries, source)
        return [machine_from_document(data, source=source)]
    if isinstance(data, list):
        return _entries(data, source)
    raise FactsError(source, f"expected {_SHAPES}, got {show(data)}")


def _entries(entries: list[Any], source: Source) -> list[Machine]:
    if not entries:
        raise FactsError(source, "no machines in the file (the list is empty)")
    return [machine_from_document(entry, source=source, location=f"entry {number}")
            for number, entry in enumerate(entries, 1)]


__all__ = ["DocumentKind", "document_kind", "machine_from_document", "machines_from_json",
           "machines_from_resource_graph"]
