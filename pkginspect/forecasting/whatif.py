"""What a failing hotpatch prerequisite is called, and the machine facts that fix it (for what-if runs).

Each hotpatch rule of the default rules names one prerequisite. Persistent ones (enrolment, VBS, CHPE, VM
generation, Secure Boot, the program itself) have a fix: the facts a machine would have once it is fixed.
Transient ones (off the chain, below the minimum build, a pending restart) go away by themselves after the next
baseline and have none. A rule the table does not know (an organisation's own) is shown by its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pkginspect.rules.programs import ARC_EDITIONS, AZURE_EDITIONS, CLIENT_EDITIONS


@dataclass(frozen=True)
class Fix:
    """A change of machine facts that removes a failing prerequisite."""

    id: str
    label: str
    """What to do, in a few words (``enable VBS``)."""
    changes: tuple[tuple[str, Any], ...]

    def apply(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """``facts`` with the changes made."""
        return {**facts, **dict(self.changes)}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {"id": self.id, "label": self.label, "changes": dict(self.changes)}


CAUSES: Mapping[str, str] = {
    "hotpatch.program": "in no hotpatch program",
    "hotpatch.enrolled": "not enrolled in hotpatch",
    "hotpatch.vbs": "VBS not running",
    "hotpatch.azure-gen2": "generation 1 VM",
    "hotpatch.arc-secure-boot": "no Secure Boot",
    "hotpatch.arm64-chpe": "CHPE on (Arm64)",
    "hotpatch.arc-minimum-build": "below 26100.1742 (Arc minimum)",
    "hotpatch.windows-11-minimum-build": "below the Windows 11 hotpatch minimum build",
    "hotpatch.chain": "off the hotpatch chain until the next baseline",
    "reboot-pending": "a restart was pending",
    "kind.cumulative": "cumulative update",
}
"""A short name for the cause each rule stands for."""

_SIMPLE: Mapping[str, Fix] = {
    "hotpatch.enrolled": Fix("enrol", "enrol in hotpatch", (("hotpatch_enrolled", True),)),
    "hotpatch.vbs": Fix("enable-vbs", "enable VBS", (("vbs", "running"),)),
    "hotpatch.azure-gen2": Fix("gen2-vm", "redeploy as a generation 2 VM", (("vm_generation", 2),)),
    "hotpatch.arc-secure-boot": Fix("secure-boot", "turn on UEFI Secure Boot", (("secure_boot", True),)),
    "hotpatch.arm64-chpe": Fix("disable-chpe", "disable CHPE (HotPatchRestrictions=1)", (("chpe_disabled", True),)),
}


def cause(rule: str) -> str:
    """The short cause a rule id stands for (the id itself when unknown)."""
    return CAUSES.get(rule, rule)


def fix_for(rule: str, facts: Mapping[str, Any]) -> Fix | None:
    """The fix of the prerequisite ``rule`` names, for a machine with ``facts``; None when there is none."""
    if rule in _SIMPLE:
        return _SIMPLE[rule]
    if rule == "hotpatch.program":
        return _program_fix(facts)
    return None


def _program_fix(facts: Mapping[str, Any]) -> Fix | None:
    product, edition, platform = facts.get("product"), str(facts.get("edition") or "").casefold(), facts.get("platform")
    if product == "windows-11":
        if edition in CLIENT_EDITIONS:
            return None
        return Fix("windows-11-enterprise", "move to Windows 11 Enterprise", (("edition", "Enterprise"),))
    if product == "windows-server-2025" and edition in ARC_EDITIONS and platform not in ("azure", "azure-local"):
        return Fix("connect-arc", "connect to Azure Arc", (("platform", "arc"),))
    if product in ("windows-server-2022", "windows-server-2025"):
        if edition in AZURE_EDITIONS:
            return Fix("run-on-azure", "run on Azure or Azure Local", (("platform", "azure"),))
        changes: tuple[tuple[str, Any], ...] = (("edition", "ServerTurbine"),)
        if platform not in ("azure", "azure-local"):
            changes += (("platform", "azure"),)
            return Fix("azure-edition-on-azure", "move to Datacenter: Azure Edition on Azure", changes)
        return Fix("azure-edition", "move to Datacenter: Azure Edition", changes)
    return None
