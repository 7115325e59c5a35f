r"""Windows editions: the one table that turns what exports and people write into EditionIDs and installations.

An EditionID is the registry value ``HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\EditionID`` (and what
``Get-WindowsEdition`` prints): ``ServerDatacenter``, ``ServerStandardCor``, ``ServerTurbine``, ``Enterprise``….
Exports spell them in any case (Azure Arc's ``osEdition`` is often ``serverdatacenter``), use marketing words
(``Standard``, ``Datacenter: Azure Edition``, ``Pro``) or OS names (``Windows Server 2025 Datacenter``). Everything
here matches case-insensitively; every importer and the facts validation go through it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

# Server editions with a Server Core EditionID of their own (the desktop one + "Cor").
CORE_VARIANTS: Mapping[str, str] = MappingProxyType({
    "ServerDatacenter": "ServerDatacenterCor",
    "ServerStandard": "ServerStandardCor",
    "ServerTurbine": "ServerTurbineCor",
})

# Every EditionID pkginspect names, in its canonical spelling.
KNOWN_EDITIONS: tuple[str, ...] = (
    *CORE_VARIANTS, *CORE_VARIANTS.values(),
    "ServerAzureStackHCICor", "ServerRdsh", "ServerSolution", "ServerWeb", "ServerWebCor",
    "Enterprise", "EnterpriseN", "EnterpriseS", "EnterpriseSN", "EnterpriseG", "EnterpriseCloud",
    "Professional", "ProfessionalN", "ProfessionalWorkstation", "ProfessionalEducation",
    "Education", "EducationN", "Core", "CoreN", "CoreSingleLanguage", "IoTEnterprise", "IoTEnterpriseS",
)

# Marketing words and OS-name phrases (casefolded, single spaces, no colon) → EditionID. Longest phrase first.
_WORDS: tuple[tuple[str, str], ...] = (
    ("datacenter azure edition", "ServerTurbine"),
    ("azure edition", "ServerTurbine"),
    ("enterprise multi-session", "ServerRdsh"),
    ("multi-session", "ServerRdsh"),
    ("enterprise ltsc", "EnterpriseS"),
    ("enterprise n", "EnterpriseN"),
    ("enterprise", "Enterprise"),
    ("education n", "EducationN"),
    ("education", "Education"),
    ("pro for workstations", "ProfessionalWorkstation"),
    ("pro education", "ProfessionalEducation"),
    ("pro n", "ProfessionalN"),
    ("professional", "Professional"),
    ("pro", "Professional"),
    ("datacenter", "ServerDatacenter"),
    ("standard", "ServerStandard"),
    ("home", "Core"),
)
# Words of Azure Marketplace client image skus (win11-24h2-ent, win10-22h2-avd) → EditionID.
CLIENT_SKU_EDITIONS: Mapping[str, str] = MappingProxyType({
    "ent": "Enterprise", "entn": "EnterpriseN", "pro": "Professional", "pron": "ProfessionalN",
    "avd": "ServerRdsh", "evd": "ServerRdsh", "edu": "Education",
})

# What people and exports write for the installation fact (casefolded) → ``core`` / ``desktop``.
INSTALLATION_WORDS: Mapping[str, str] = MappingProxyType({
    "core": "core", "server core": "core", "servercore": "core", "desktop": "desktop", "server": "desktop",
    "client": "desktop", "desktop experience": "desktop", "server with desktop experience": "desktop",
})

# EditionID → the name Windows shows (winver, Settings), for messages.
EDITION_NAMES: Mapping[str, str] = MappingProxyType({
    "ServerDatacenter": "Datacenter", "ServerDatacenterCor": "Datacenter (Server Core)",
    "ServerStandard": "Standard", "ServerStandardCor": "Standard (Server Core)",
    "ServerTurbine": "Datacenter: Azure Edition", "ServerTurbineCor": "Datacenter: Azure Edition (Server Core)",
    "ServerAzureStackHCICor": "Azure Stack HCI", "ServerRdsh": "Enterprise multi-session",
    "Enterprise": "Enterprise", "EnterpriseN": "Enterprise N", "EnterpriseS": "Enterprise LTSC",
    "EnterpriseSN": "Enterprise N LTSC", "Professional": "Pro", "ProfessionalN": "Pro N",
    "ProfessionalWorkstation": "Pro for Workstations", "Education": "Education", "EducationN": "Education N",
    "Core": "Home", "IoTEnterprise": "IoT Enterprise", "IoTEnterpriseS": "IoT Enterprise LTSC",
})
_BY_FOLDED: Mapping[str, str] = MappingProxyType({edition.casefold(): edition for edition in KNOWN_EDITIONS})
_SERVER_ONLY = frozenset({"ServerTurbine", "ServerDatacenter", "ServerStandard"})


def _words(text: str) -> str:
    return " ".join(text.casefold().replace(":", " ").replace("_", " ").split())


def edition_id(text: str | None, installation: str | None = None) -> str | None:
    """The EditionID ``text`` names, or None when it names none.

    ``text`` is an EditionID in any case (``serverdatacentercor``), a marketing word (``Standard``, ``Pro``,
    ``Datacenter: Azure Edition``) or an OS name (``Windows Server 2025 Datacenter``, ``Windows 11 Enterprise``).
    With ``installation="core"`` a server edition becomes its Server Core EditionID (``ServerDatacenterCor``).
    """
    if not text or not text.strip():
        return None
    edition = _BY_FOLDED.get(text.strip().casefold())
    if edition is None:
        words = _words(text)
        client = re.search(r"\bwindows 1[01]\b", words) is not None
        for phrase, named in _WORDS:
            if client and named in _SERVER_ONLY:
                continue
            if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", words):
                edition = named
                break
    if edition is not None and installation == "core":
        edition = CORE_VARIANTS.get(edition, edition)
    return edition


def canonical_edition(value: str) -> str:
    """``value`` in its canonical spelling when it is a known EditionID in another case, else unchanged."""
    return _BY_FOLDED.get(value.strip().casefold(), value.strip())


def edition_name(edition: str) -> str:
    """The name Windows shows for an EditionID (``ServerTurbine`` → ``Datacenter: Azure Edition``), else the ID."""
    return EDITION_NAMES.get(canonical_edition(edition), edition)


def installation_of(edition: str | None, product: str | None = None) -> str | None:
    """``core`` or ``desktop`` as far as an EditionID tells it, else None.

    An EditionID ending in ``Cor`` is Server Core; ``ServerTurbine`` (Azure Edition with Desktop Experience) and
    client editions are desktop. ``ServerDatacenter`` / ``ServerStandard`` are reported by some Server Core
    machines too (the registry EditionID), so they tell nothing.
    """
    if edition is None:
        return None
    if edition.endswith("Cor"):
        return "core"
    if edition == "ServerTurbine" or not edition.startswith("Server") or (
        product is not None and "server" not in product
    ):
        return "desktop"
    return None


__all__ = [
    "CLIENT_SKU_EDITIONS",
    "CORE_VARIANTS",
    "EDITION_NAMES",
    "INSTALLATION_WORDS",
    "KNOWN_EDITIONS",
    "canonical_edition",
    "edition_id",
    "edition_name",
    "installation_of",
]
