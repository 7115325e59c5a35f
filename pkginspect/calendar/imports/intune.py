"""Intune (Microsoft Graph beta): a saved ``/deviceManagement/windowsUpdateCatalogItems`` response.

Each ``windowsQualityUpdateCatalogItem`` has ``kbArticleId``, ``classification`` (security, nonSecurity),
``qualityUpdateCadence`` (monthly, outOfBand), ``releaseDateTime`` and ``productRevisions``
(``windowsQualityUpdateCatalogProductRevision``: ``productName``, ``versionName``, ``osBuild`` {buildNumber,
updateBuildRevision, …}, ``releaseDateTime``, ``knowledgeBaseArticle`` {articleId}). The item does not say
whether it is a hotpatch beyond its display name. Feature update items are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pkginspect.calendar.imports.common import (
    ImportProblem,
    Observed,
    date_of,
    field,
    kb_of,
    odata_type,
    other_type,
    product_for,
    read_each,
)
from pkginspect.calendar.imports.graph import cadence_of, os_build

NAME = "Intune windowsQualityUpdateCatalogItems (with productRevisions)"
_QUALITY = "windowsqualityupdatecatalogitem"


def matches(items: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the objects are Intune Windows update catalog items."""
    return any(_QUALITY in odata_type(item) or "kbArticleId" in item for item in items)


def read(items: Sequence[Mapping[str, Any]], name: str) -> list[Observed]:
    """The releases of the catalog items (one per product revision of a calendar product)."""
    return read_each(items, name, _item, skip=lambda entry: other_type(entry, _QUALITY))


def _item(item: Mapping[str, Any], source: str) -> list[Observed]:
    classification = str(field(item, "classification")).casefold()
    cadence = cadence_of(field(item, "qualityUpdateCadence"), classification != "nonsecurity")
    released = date_of(field(item, "releaseDateTime"), "releaseDateTime")
    item_kb = kb_of(item.get("kbArticleId"), "kbArticleId")
    title = str(item.get("displayName") or "")
    hotpatch = True if "hotpatch" in title.casefold() else None
    revisions = item.get("productRevisions")
    if not isinstance(revisions, list):
        raise ImportProblem("no productRevisions list: the product and build cannot be told (save the beta "
                            "response, which carries them)")
    found = []
    for revision in revisions:
        if not isinstance(revision, Mapping):
            raise ImportProblem(f"a productRevision is not an object: {revision!r}")
        build = os_build(revision)
        product = product_for(revision.get("productName"), revision.get("versionName"), build)
        if product is None:
            continue
        article = revision.get("knowledgeBaseArticle")
        kb = kb_of(article.get("articleId") or article.get("id"), "knowledgeBaseArticle.articleId") \
            if isinstance(article, Mapping) else None
        day = date_of(revision["releaseDateTime"], "releaseDateTime") if revision.get("releaseDateTime") \
            else released
        found.append(Observed(product, day, build, kb or item_kb, cadence, hotpatch, None, None, "P", source))
    return found
