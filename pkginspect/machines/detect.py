"""Parsed JSON or TOML to machines: recognises facts objects, fleets, az/Arc exports and Resource Graph results.

Shapes read (``SHAPES`` lists them for error messages):

- one machine's facts, a list of them, or ``{"machines": [...]}``;
- ``az vm show`` / ``az vm get-instance-view`` output, and ``az vm list`` (a list of them);
- a VM's bare instance view (REST ``…/virtualMachines/{vm}/instanceView``);
- ``az connectedmachine show`` / ``list`` (Azure Arc);
- an ARM list envelope ``{"value": [...], "nextLink": ...}`` of VMs or Arc machines (``az rest``, the REST API);
- Resource Graph results: ``az graph query`` (``{"count", "data", "skip_token", "total_records"}``), the REST
  response (``{"totalRecords", "count", "resultTruncated", "facets", "data"}``) with ``data`` as an array of rows
  or as a table ``{"columns": [...], "rows": [...]}``, or a bare list of rows.

In a list, a non-Windows machine (a Linux VM in ``az vm list``) is skipped and counted in ``Fleet.skipped``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pkginspect.errors import FactsError
from pkginspect.machines.arc import ARC, is_arc
from pkginspect.machines.azure import AZ_VM, INSTANCE_VIEW, is_az_vm
from pkginspect.machines.common import DocumentKind, Fleet, Importer, NotWindowsError, SkippedMachine, Source
from pkginspect.machines.facts import FACT_NAMES, Machine, show

IMPORTERS: tuple[Importer, ...] = (AZ_VM, ARC, INSTANCE_VIEW)  # in this order: an az vm export may look like a view
_GRAPH_KEYS = frozenset({"count", "data", "skip_token", "total_records", "$skipToken", "skipToken", "totalRecords",
                         "resultTruncated", "facets"})
_ARM_LIST_KEYS = frozenset({"value", "nextLink", "@odata.nextLink", "@odata.context", "count", "@odata.count"})
SHAPES = ("a facts object, a list of them or {\"machines\": [...]}; az vm show / list / get-instance-view output; "
          "az connectedmachine show / list; an ARM list {\"value\": [...]} (az rest, REST API) of VMs or Arc "
          "machines; a Resource Graph result (az graph query, or the REST response with its data rows or table)")


def _located(location: str | None, message: str) -> str:
    return f"{location}: {message}" if location else message


def document_kind(data: Mapping[str, Any]) -> DocumentKind:
    """What a JSON object is: one machine's facts, an export of one machine, or a list of them (by its shape)."""
    for importer in IMPORTERS:
        if importer.detect(data):
            return importer.kind
    if "data" in data and isinstance(data.get("data"), (list, Mapping)) and set(data) <= _GRAPH_KEYS:
        return "resource-graph"
    if isinstance(data.get("value"), list) and set(data) <= _ARM_LIST_KEYS:
        return "arm-list"
    if "machines" in data:
        return "fleet"
    if not any(key in FACT_NAMES for key in data):
        return "unknown"
    return "facts"


def _unknown_shape(data: Mapping[str, Any]) -> str:
    keys = ", ".join(repr(str(key)) for key in list(data)[:4]) + (", …" if len(data) > 4 else "")
    return f"not a shape pkginspect reads (an object with keys {keys}); it reads {SHAPES}"


def machine_from_document(data: object, *, source: Source = None, location: str | None = None) -> Machine:
    """One machine from a facts object or a single az vm / Arc / instance view / graph-row export, by its shape."""
    if not isinstance(data, Mapping):
        raise FactsError(source, _located(location, f"expected a machine object, got {show(data)}"))
    for importer in IMPORTERS:
        if importer.detect(data):
            return importer.read(data, source=source, location=location)
    kind = document_kind(data)
    resource_type = data.get("type")
    if isinstance(resource_type, str) and ("id" in data or "properties" in data):
        raise FactsError(source, _located(location, f"unsupported resource type {resource_type!r} (expected "
                                                    "Microsoft.Compute/virtualMachines or "
                                                    "Microsoft.HybridCompute/machines)"))
    if kind == "unknown":
        raise FactsError(source, _located(location, _unknown_shape(data)))
    if kind != "facts":
        raise FactsError(source, _located(location, "a list of machines cannot be nested in another"))
    return Machine.from_dict(data, source=source, location=location)


def _graph_rows(data: object, source: Source) -> tuple[list[Any], list[str]]:
    """The rows of a Resource Graph result (objects, whatever the result format) and notes on what is missing."""
    notes: list[str] = []
    rows: object = data
    if isinstance(data, Mapping):
        rows = data.get("data")
        truncated = data.get("resultTruncated")
        token = data.get("$skipToken") or data.get("skipToken") or data.get("skip_token")
        if str(truncated).casefold() == "true" or token:
            notes.append("the Resource Graph result is one page of a longer one (resultTruncated / $skipToken "
                         "set): machines on later pages are not read; page with --skip-token or --first")
    if isinstance(rows, Mapping):  # the table format: {"columns": [{"name", "type"}], "rows": [[...]]}
        columns, table = rows.get("columns"), rows.get("rows")
        if not isinstance(columns, list) or not isinstance(table, list) or not all(
                isinstance(column, Mapping) and isinstance(column.get("name"), str) for column in columns):
            raise FactsError(source, "data: expected Resource Graph rows or a table with 'columns' (each with a "
                                     "'name') and 'rows'")
        names = [column["name"] for column in columns]
        objects = []
        for number, row in enumerate(table, 1):
            if not isinstance(row, list) or len(row) != len(names):
                raise FactsError(source, f"row {number}: expected a list of {len(names)} values (one per column)")
            objects.append(dict(zip(names, row, strict=True)))
        rows = objects
    if not isinstance(rows, list):
        raise FactsError(source, f"expected a Resource Graph result ({{\"data\": [...]}}), got {show(data)}")
    return rows, notes


def _read_entries(entries: list[Any], source: Source, label: str, *, rows: bool = False) -> Fleet:
    """Machines of a list of exports or facts objects; non-Windows entries are skipped, not errors."""
    machines: list[Machine] = []
    skipped: list[SkippedMachine] = []
    for number, entry in enumerate(entries, 1):
        location = f"{label} {number}"
        if rows and (not isinstance(entry, Mapping) or not (is_az_vm(entry) or is_arc(entry))):
            kind = entry.get("type") if isinstance(entry, Mapping) else None
            raise FactsError(source, f"{location}: not a virtual machine or Arc machine row (type {show(kind)}); "
                                     "query the resources with their full 'properties' column")
        try:
            machines.append(machine_from_document(entry, source=source, location=location))
        except NotWindowsError as error:
            skipped.append(SkippedMachine(error.name, location, error.os_type))
    name = None if source is None else str(source)
    return Fleet(name, tuple(machines), tuple(skipped))


def machines_from_resource_graph(data: object, *, source: Source = None) -> list[Machine]:
    """Machines from a Resource Graph result: ``az graph query`` output, the REST response or a bare list of rows.

    Each row is an Azure VM (``microsoft.compute/virtualmachines``) or an Arc machine
    (``microsoft.hybridcompute/machines``) with its ``properties``; errors name the row (from 1).
    """
    rows, _ = _graph_rows(data, source)
    return list(_read_entries(rows, source, "row", rows=True).machines)


def fleet_from_json(data: object, *, source: Source = None) -> Fleet:
    """Machines from parsed JSON or TOML, whatever its shape (``SHAPES``), with the entries skipped.

    Errors name the entry (``entry 3``) or row (``row 2``), counted from 1. An empty list, or a list with no
    Windows machine, is an error; a single non-Windows export is an error too.
    """
    if isinstance(data, Mapping):
        kind = document_kind(data)
        if kind == "resource-graph":
            rows, page_notes = _graph_rows(data, source)
            fleet = _read_entries(rows, source, "row", rows=True)
            return _nonempty(Fleet(fleet.source, fleet.machines, fleet.skipped, tuple(page_notes)), source,
                             "the Resource Graph query returned no rows")
        if kind == "arm-list":
            link = data.get("nextLink") or data.get("@odata.nextLink")
            fleet = _read_entries(data["value"], source, "entry")
            notes: tuple[str, ...] = ((
                "the list is one page of a longer one (nextLink is set): machines on later pages are not read; "
                "'az vm list' and 'az connectedmachine list' return every page",) if link else ())
            return _nonempty(Fleet(fleet.source, fleet.machines, fleet.skipped, notes), source, "'value' is empty")
        if kind == "fleet":
            extra = sorted(str(key) for key in data if key != "machines")
            if extra:
                raise FactsError(source, f"unknown key {extra[0]!r} beside 'machines' (a fleet file holds only "
                                         "\"machines\": [...])")
            entries = data["machines"]
            if not isinstance(entries, list):
                raise FactsError(source, f"machines: expected a list of machines, got {show(entries)}")
            return _nonempty(_read_entries(entries, source, "entry"), source, "the list is empty")
        machine = machine_from_document(data, source=source)
        return Fleet(None if source is None else str(source), (machine,))
    if isinstance(data, list):
        return _nonempty(_read_entries(data, source, "entry"), source, "the list is empty")
    raise FactsError(source, f"expected a machine object, a list of them, {{\"machines\": [...]}} or an Azure export "
                             f"(see --help), got {show(data)}")


def _nonempty(fleet: Fleet, source: Source, why: str) -> Fleet:
    if fleet.machines:
        return fleet
    if fleet.skipped:
        count = len(fleet.skipped)
        raise FactsError(source, f"no Windows machines in the file ({count} non-Windows machine"
                                 f"{'s' if count != 1 else ''} skipped: "
                                 f"{', '.join(str(entry) for entry in fleet.skipped[:5])})")
    raise FactsError(source, f"no machines in the file ({why})")


def machines_from_json(data: object, *, source: Source = None) -> list[Machine]:
    """The machines of ``fleet_from_json`` as a list (the skipped entries are dropped silently)."""
    return list(fleet_from_json(data, source=source).machines)


__all__ = ["SHAPES", "DocumentKind", "document_kind", "fleet_from_json", "machine_from_document",
           "machines_from_json", "machines_from_resource_graph"]
