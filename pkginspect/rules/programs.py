"""Which hotpatch program a machine falls under, from its product, edition, platform and architecture.

Programs (``domain/hotpatch.md``): Windows Server 2022 and 2025 Datacenter: Azure Edition on Azure or Azure
Local; Windows Server 2025 Standard/Datacenter connected through Azure Arc; Windows 11 Enterprise 24H2 and later
(x64 and Arm64). Anything else is in no program and takes cumulative updates, restarting.
"""

from __future__ import annotations

from typing import Any

AZURE_EDITIONS = frozenset({"serverturbine", "serverturbinecor"})
ARC_EDITIONS = frozenset({"serverstandard", "serverstandardcor", "serverdatacenter", "serverdatacentercor"})
# ServerRdsh is the EditionID of Windows 11 Enterprise multi-session (Azure Virtual Desktop), which hotpatches.
CLIENT_EDITIONS = frozenset({"enterprise", "enterprisen", "education", "educationn", "enterprisecloud", "serverrdsh"})
NO_PROGRAM = "none"
PROGRAMS = ("server-2022-azure-edition", "server-2025-azure-edition", "server-2025-arc", "windows-11-enterprise")
PROGRAM_FACTS = ("product", "edition", "platform")


def hotpatch_program(product: str | None, edition: str | None, platform: str | None) -> str | None:
    """The program name, ``"none"``, or None when a fact it needs is unknown."""
    if product is None or edition is None:
        return None
    editions = edition.casefold()
    if product == "windows-11":
        return "windows-11-enterprise" if editions in CLIENT_EDITIONS else NO_PROGRAM
    if product not in ("windows-server-2022", "windows-server-2025"):
        return NO_PROGRAM
    if platform is None:
        return None
    if editions in AZURE_EDITIONS:
        if platform in ("azure", "azure-local"):
            return "server-2022-azure-edition" if product == "windows-server-2022" else "server-2025-azure-edition"
        return NO_PROGRAM
    if product == "windows-server-2025" and editions in ARC_EDITIONS and platform == "arc":
        return "server-2025-arc"
    return NO_PROGRAM


def describe(values: dict[str, Any]) -> str:
    """A short phrase for a machine's product, edition and platform (for messages)."""
    return " ".join(str(values.get(k)) for k in PROGRAM_FACTS if values.get(k) is not None)
