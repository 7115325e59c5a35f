"""Reboot decisions: the declarative rules and ``evaluate``; machine facts re-exported from ``pkginspect.machines``."""

from __future__ import annotations

from pkginspect.machines import (
    ARCHITECTURES,
    DERIVED_FACTS,
    FACT_NAMES,
    FACT_TYPES,
    INSTALLATIONS,
    KNOWN_PRODUCTS,
    MAX_FACTS_BYTES,
    PLATFORMS,
    VBS_STATES,
    VM_GENERATIONS,
    Fleet,
    Machine,
    load_machine,
    load_machines,
    machine_from_arc,
    machine_from_az_vm,
    machines_from_csv,
    machines_from_json,
    machines_from_resource_graph,
    read_fleet,
)
from pkginspect.rules.decide import Decision, Evaluator, default_ruleset, evaluate
from pkginspect.rules.engine import VERDICTS, Reason, Rule, Ruleset, load_ruleset

__all__ = ["ARCHITECTURES", "DERIVED_FACTS", "FACT_NAMES", "FACT_TYPES", "INSTALLATIONS", "KNOWN_PRODUCTS",
           "MAX_FACTS_BYTES", "PLATFORMS", "VBS_STATES", "VERDICTS", "VM_GENERATIONS", "Decision", "Evaluator", "Fleet",
           "Machine", "Reason", "Rule", "Ruleset", "default_ruleset", "evaluate", "load_machine",
           "load_machines", "load_ruleset", "machine_from_arc", "machine_from_az_vm", "machines_from_csv",
           "machines_from_json", "machines_from_resource_graph", "read_fleet"]
