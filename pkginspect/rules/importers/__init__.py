"""Machine facts from files and exports: facts JSON/TOML, fleet CSV, ``az vm``, Resource Graph and Azure Arc."""

from __future__ import annotations

from pkginspect.rules.importers.arc import machine_from_arc
from pkginspect.rules.importers.azure import machine_from_az_vm
from pkginspect.rules.importers.common import Fleet, SkippedMachine
from pkginspect.rules.importers.detect import (
    SHAPES,
    DocumentKind,
    document_kind,
    fleet_from_json,
    machine_from_document,
    machines_from_json,
    machines_from_resource_graph,
)
from pkginspect.rules.importers.files import (
    MAX_FACTS_BYTES,
    load_machine,
    load_machines,
    machines_from_csv,
    read_fleet,
)

__all__ = [
    "MAX_FACTS_BYTES",
    "SHAPES",
    "DocumentKind",
    "Fleet",
    "SkippedMachine",
    "document_kind",
    "fleet_from_json",
    "load_machine",
    "load_machines",
    "machine_from_arc",
    "machine_from_az_vm",
    "machine_from_document",
    "machines_from_csv",
    "machines_from_json",
    "machines_from_resource_graph",
    "read_fleet",
]
