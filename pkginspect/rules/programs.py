"""Which hotpatch program a machine falls under, from its product, edition, platform and architecture.

Programs (``domain/hotpatch.md``): Windows Server 2022 and 2025 Datacenter: Azure Edition on Azure or Azure
Local; Windows Server 2025 Standard/Datacenter connected through Azure Arc; Windows 11 Enterprise 24H2 and later
(x64 and Arm64). Anything else is in no program and takes cumulative updates, restarting.
"""

from __future__ import annotations

from typing import Any

from pkginspect.machines.editions import edition_name

AZURE_EDITIONS = frozenset({"serverturbine", "serverturbinecor"})
ARC_EDITIONS = frozenset({"serverstandard", "serverstandardcor", "serverdatacenter", "serverdatacentercor"})
# ServerRdsh is the EditionID of Windows 11 Enterprise multi-session (Azure Virtual Desktop), which hotpatches.
CLIENT_EDITIONS = frozenset({"enterprise", "enterprisen", "education", "educationn", "enterprisecloud", "serverrdsh"})
NO_PROGRAM = "none"
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


_PLATFORM_PHRASES = {"azure": "on Azure", "azure-local": "on Azure Local", "arc": "connected through Azure Arc"}


def product_name(product: str) -> str:
    """``windows-server-2022`` → ``Windows Server 2022``, ``windows-11`` → ``Windows 11``."""
    return " ".join(word.upper() if word == "r2" else word.capitalize() for word in product.split("-"))


def ineligibility(product: str | None, edition: str | None, platform: str | None) -> str | None:
    """Why a machine is in no hotpatch program, in a Windows admin's words, or None when it is in one or unknown.

    ``Windows Server 2022 Datacenter (not Azure Edition, not on Azure or Arc)``: the product and edition as
    Windows names them, then what the programs need that the machine lacks.
    """
    if hotpatch_program(product, edition, platform) != NO_PROGRAM or product is None or edition is None:
        return None
    subject = f"{product_name(product)} {edition_name(edition)}"
    editions = edition.casefold()
    if product == "windows-11":
        return f"{subject} (hotpatch needs Enterprise or Education)"
    if product not in ("windows-server-2022", "windows-server-2025"):
        return f"{subject} (hotpatch exists only for Windows Server 2022 and 2025 and Windows 11)"
    where = _PLATFORM_PHRASES.get(platform or "", "not on Azure or Arc")
    if editions in AZURE_EDITIONS:  # Azure Edition outside Azure / Azure Local
        return f"{subject} {where} (Azure Edition hotpatches only on Azure or Azure Local)"
    gaps = ["not Azure Edition"]
    if product == "windows-server-2022":
        gaps.append("through Azure Arc only Windows Server 2025 hotpatches" if platform == "arc"
                    else "" if platform in ("azure", "azure-local") else "not on Azure")
    elif editions not in ARC_EDITIONS:
        gaps.append("through Azure Arc only Standard and Datacenter hotpatch")
    elif platform != "arc":
        gaps.append("not connected through Azure Arc" if platform in ("azure", "azure-local")
                    else "not on Azure or Arc")
    return f"{subject} ({', '.join(gap for gap in gaps if gap)})"
