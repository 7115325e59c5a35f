"""Machine facts from files and exports: facts JSON/TOML, fleet CSV, ``az vm``, Resource Graph and Azure Arc."""

from __future__ import annotations

from pkginspect.rules.importers.arc import machine_from_arc
from pkginspect.rules.importers.azure import machine_from_az_vm
from pkginspect.rules.importers.detect import (
    DocumentKind,
    document_kind,
    machine_from_document,
    machines_from_json,
    machines_from_resource_graph,
)
from pkginspect.rules.importers.files import MAX_FACTS_BYTES, load_machine, load_machines, machines_from_csv

__all__ = [
    "MAX_FACTS_BYTES",
    "DocumentKind",
    "document_kind",
    "load_machine",
    "load_machines",
    "machine_from_arc",
    "machine_from_az_vm",
    "machine_from_document",
    "machines_from_csv",
    "machines_from_json",
    "machines_from_resource_graph",
]
