"""Bytes out of archives: cabinets and WIMs, nested navigation, limits and safe extraction.

This layer knows nothing of Windows Update; it turns package files into members and streams.
"""

from pkginspect.containers.base import Container, Member, sniff
from pkginspect.containers.cab import CabHeader, CabinetReader
from pkginspect.containers.cabformat import CabFolder
from pkginspect.containers.extract import Extracted, extract, sanitize
from pkginspect.containers.limits import DEFAULT_LIMITS, Budget, Limits
from pkginspect.containers.tree import SEPARATOR, Entry, Package, join, open_container, open_package

__all__ = [
    "DEFAULT_LIMITS",
    "SEPARATOR",
    "Budget",
    "CabFolder",
    "CabHeader",
    "CabinetReader",
    "Container",
    "Entry",
    "Extracted",
    "Limits",
    "Member",
    "Package",
    "extract",
    "join",
    "open_container",
    "open_package",
    "sanitize",
    "sniff",
]
