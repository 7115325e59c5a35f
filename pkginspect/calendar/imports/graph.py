"""Microsoft Graph, Windows Updates API: a saved ``/admin/windows/updates/catalog/entries`` response.

Each ``qualityUpdateCatalogEntry`` has ``releaseDateTime``, ``qualityUpdateClassification`` (security,
nonSecurity), ``qualityUpdateCadence`` (monthly, outOfBand) and, with ``$expand=productRevisions``, one
``productRevision`` per OS build it ships: ``product``, ``version``, ``osBuild`` {majorVersion, minorVersion,
buildNumber, updateBuildRevision}, ``isHotpatchUpdate``, ``releaseDateTime`` and ``knowledgeBaseArticle`` {id}.
Feature update entries are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pkginspect.calendar.imports.common import (
    Cadence,
    ImportProblem,
    Observed,
    build_of,
    date_of,
    field,
    flag,
    kb_of,
    odata_type,
    other_type,
    product_for,
    read_each,
)
from pkginspect.types import Build

NAME = "Microsoft Graph Windows Updates catalog entries (qualityUpdateCatalogEntry with productRevisions)"
_QUALITY = "windowsupdates.qualityupdatecatalogentry"


def matches(items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the objects are Windows Updates catalog entries."""
    return any(_QUALITY in odata_type(item) or ("qualityUpdateClassification" in item and "catalogName" in item)
               for item in items)


def os_build(revision: Mapping[str, Any]) -> str | None:
    """``buildNumber.updateBuildRevision`` of a revision's ``osBuild`` object (None when absent)."""
    details = revision.get("osBuild")
    if details is None:
        return None
    if not isinstance(details, Mapping):
        raise ImportProblem(f"osBuild {details!r} is not an object")
    number, ubr = details.get("buildNumber"), details.get("updateBuildRevision")
    if not isinstance(number, int) or not isinstance(ubr, int) or isinstance(number, bool):
        raise ImportProblem(f"osBuild {dict(details)!r} has no whole buildNumber and updateBuildRevision")
    return build_of(str(Build(number, ubr)), "osBuild")


def cadence_of(value: Any, security: bool) -> Cadence:
    """Monthly (a security update), preview (a monthly non-security update) or out-of-band."""
    text = str(value).casefold()
    if text == "outofband":
        return "out-of-band"
    if text != "monthly":
        raise ImportProblem(f"qualityUpdateCadence {value!r} is neither monthly nor outOfBand")
    return "monthly" if security else "preview"


def read(items: Sequence[Mapping[str, Any]], name: str) -> list[Observed]:
    """The releases of the catalog entries (one per product revision of a calendar product)."""
    return read_each(items, name, _entry, skip=lambda entry: other_type(entry, _QUALITY))


def _entry(entry: Mapping[str, Any], source: str) -> list[Observed]:
    classification = str(field(entry, "qualityUpdateClassification")).casefold()
    cadence = cadence_of(field(entry, "qualityUpdateCadence"), classification != "nonsecurity")
    released = date_of(field(entry, "releaseDateTime"), "releaseDateTime")
    revisions = entry.get("productRevisions")
    if not isinstance(revisions, list):
        raise ImportProblem("no productRevisions list (save the response with $expand=productRevisions)")
    found = []
    for revision in revisions:
        if not isinstance(revision, Mapping):
            raise ImportProblem(f"a productRevision is not an object: {revision!r}")
        build = os_build(revision)
        product = product_for(revision.get("product"), revision.get("version"), build)
        if product is None:
            continue
        article = revision.get("knowledgeBaseArticle")
        kb = kb_of(article.get("id") if isinstance(article, Mapping) else None, "knowledgeBaseArticle.id")
        day = date_of(revision["releaseDateTime"], "releaseDateTime") if revision.get("releaseDateTime") \
            else released
        hotpatch = flag(revision.get("isHotpatchUpdate"), "isHotpatchUpdate")
        found.append(Observed(product, day, build, kb, cadence, hotpatch, None, None, "P", source,
                              str(entry.get("shortName") or "")))
    return found
