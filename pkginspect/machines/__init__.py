"""Machines: the facts record the rules read, and its importers (facts files, fleet CSV, az/Arc exports, graph).

Each single-machine export format is an ``Importer`` (detect + read); ``IMPORTERS`` lists them.
"""

from __future__ import annotations

from pkginspect.machines.arc import machine_from_arc
from pkginspect.machines.azure import machine_from_az_vm
from pkginspect.machines.common import Fleet, Importer, SkippedMachine
from pkginspect.machines.detect import (
    IMPORTERS,
    SHAPES,
    DocumentKind,
    document_kind,
    fleet_from_json,
    machine_from_document,
    machines_from_json,
    machines_from_resource_graph,
)
from pkginspect.machines.facts import (
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
    require_machine,
)
from pkginspect.machines.files import MAX_FACTS_BYTES, load_machine, load_machines, machines_from_csv, read_fleet

__all__ = ["ARCHITECTURES", "DERIVED_FACTS", "FACT_NAMES", "FACT_TYPES", "IMPORTERS", "INSTALLATIONS", "KNOWN_PRODUCTS",
           "MAX_FACTS_BYTES", "PLATFORMS", "SHAPES", "VBS_STATES", "VM_GENERATIONS", "DocumentKind", "Fleet",
           "Importer", "Machine", "SkippedMachine", "document_kind", "fleet_from_json", "load_machine", "load_machines",
           "machine_from_arc", "machine_from_az_vm", "machine_from_document", "machines_from_csv", "machines_from_json",
           "machines_from_resource_graph", "read_fleet", "require_machine"]
