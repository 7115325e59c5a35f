"""Classify update packages — hotpatch, planned or unplanned baseline, regular cumulative update, … — with evidence.

Signals, strongest first: the release calendar's entry for the KB (bundled, or a user file merged over it); a
known checkpoint build; package markers (a ``*-Hotpatch-<arch>.cab`` member, a ``HotpatchCompDB``, "Hotpatch"
in the WSUS title); the servicing identity (``Package_for_RollupFix``, ``…ServicingStack``, ``…DotNetRollup``);
the release month against the planned baseline months; and, in a batch, a hotpatch for the same product and
month beside a cumulative update (which makes that update the regular channel). Every signal seen is kept as
evidence, the rule that decided is named, and signals that disagree are listed as conflicts — the classifier
never turns a weak guess into a confident answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pkginspect import products
from pkginspect.calendar import Calendar, CalendarMatch, Month, bundled_calendar, is_baseline_month, staleness
from pkginspect.package import UpdatePackage, require_update_package
from pkginspect.types import Build, Kind

KINDS: tuple[Kind, ...] = tuple(Kind)
CONFIDENCES = ("high", "medium", "low", "none")
# Checkpoint cumulative updates: later monthly updates of the build need them installed first (Microsoft
# documentation for 24H2 / Server 2025).
CHECKPOINTS = {"26100.1742": 5043080}
_TITLE_MONTH = re.compile(r"^\s*([0-9]{4})-([0-9]{2})\b", re.ASCII)
_ROLE_KIND: dict[str, Kind] = {
    "hotpatch": Kind.HOTPATCH,
    "baseline-planned": Kind.BASELINE_PLANNED,
    "baseline-unplanned": Kind.BASELINE_UNPLANNED,
    "lcu": Kind.LCU,
    "oob-lcu": Kind.LCU,
    "oob-hotpatch": Kind.HOTPATCH,
    "preview": Kind.LCU,
}


@dataclass(frozen=True)
class Evidence:
    """One signal: what it is, what it said, where it was read, and which kind it points to."""

    signal: str
    value: str
    source: str
    points_to: str | None = None


@dataclass(frozen=True)
class Classification:
    """The kind of one update package, how sure the classifier is, and why."""

    package: str
    kb: int | None
    kind: Kind
    product: str | None
    """The calendar product (``windows-server-2022-azure-edition`` …) or, outside the calendar, the family."""
    month: str | None
    build: str | None
    baseline: str | None
    """For a hotpatch: the baseline build it requires; for a baseline: its own build; for an LCU: the
    baseline of its quarter (when the calendar knows it)."""
    confidence: str
    rule: str
    evidence: tuple[Evidence, ...]
    conflicts: tuple[str, ...] = ()
    stale: str | None = None
    """A warning when the package's month is past the newest month the calendar knows for its product."""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (validates against ``schemas/classify.schema.json``)."""
        return {
            "package": self.package,
            "kb": self.kb,
            "kind": self.kind,
            "product": self.product,
            "month": self.month,
            "build": self.build,
            "baseline": self.baseline,
            "confidence": self.confidence,
            "rule": self.rule,
            "evidence": [
                {"signal": e.signal, "value": e.value, "source": e.source, "points_to": e.points_to}
                for e in self.evidence
            ],
            "conflicts": list(self.conflicts),
            "stale": self.stale,
        }


def _month(package: UpdatePackage) -> tuple[str | None, Evidence | None]:
    if package.title is not None:
        match = _TITLE_MONTH.match(package.title.value)
        if match and 1 <= int(match.group(2)) <= 12:
            month = f"{match.group(1)}-{match.group(2)}"
            return month, Evidence("release-month", f"{month} (WSUS title)", package.title.source)
    if package.creation_date is not None:
        text = str(package.creation_date.value)
        match = re.match(r"^(\d{4})[-/](\d{2})", text)
        if match:
            month = f"{match.group(1)}-{match.group(2)}"
            return month, Evidence("release-month", f"{month} (creation date {text})", package.creation_date.source)
    return None, None


def package_builds(package: UpdatePackage) -> tuple[tuple[int, int | None], ...]:
    """Every (build number, UBR) the package applies to.

    Its own build, then the builds of every parent of its primary package and of that package's sub-packages
    (UBR None: a parent names the base, not the package). KB2465285 names parents for both 7600 and 7601
    (Windows 7 / Server 2008 R2 RTM and SP1), so it is for both.
    """
    found: dict[int, int | None] = {}
    own = Build.of(package.build.value) if package.build is not None else None
    if own is not None:
        found[own.number] = own.ubr
    primary = package.primary
    if primary is None:
        return tuple(found.items())
    if primary.target_build is not None:
        found.setdefault(primary.target_build.value, None)
    versions = [*primary.manifest.parent_versions, *(v for sub in primary.sub_packages for v in sub.parents)]
    if primary.kind != "dotnet":  # .NET packages name framework parents as well; their target build is enough
        for version in versions:
            build = products.build_of_version(version)
            if build is not None:
                found.setdefault(build.number, None)
    return tuple(found.items())


def package_families(package: UpdatePackage) -> tuple[str, ...]:
    """The product families (``windows-server-2025``, ``windows-11`` …) the package applies to.

    Every build it names, each narrowed by UBR range (26100 since 2026) or, without a UBR, by the WSUS title.
    """
    title = package.title.value if package.title else None
    return products.package_products(package_builds(package), title)


def _products(package: UpdatePackage, calendar: Calendar) -> list[str]:
    """Calendar products the package can belong to, the WSUS title's side first."""
    title = package.title.value if package.title else None
    found: list[str] = []
    for number, ubr in package_builds(package):
        for family in products.by_title_first(products.package_products([(number, ubr)], title), title):
            product = calendar.product_for(family, number)
            if product and product not in found:
                found.append(product)
    return found


def classify(package: UpdatePackage, calendar: Calendar | None = None) -> Classification:
    """Classify one package on its own (see ``classify_batch`` for packages that tell about each other)."""
    require_update_package(package, "classify")
    return _classify(package, calendar or bundled_calendar())


def _classify(package: UpdatePackage, calendar: Calendar) -> Classification:
    evidence: list[Evidence] = []
    conflicts: list[str] = []
    kb = package.kb.value if package.kb else None
    build = package.build.value if package.build else None
    month, month_evidence = _month(package)
    products_ = _products(package, calendar)
    families = package_families(package)
    family = families[0] if families else None
    title = package.title.value if package.title else None
    primary = package.primary
    kinds = {p.kind for p in package.packages}

    if primary is not None:
        source = primary.manifest.source
        evidence.append(Evidence("identity", primary.identity.name, source, _identity_kind(kinds)))
    if package.release_type is not None:
        evidence.append(Evidence("release-type", package.release_type.value, package.release_type.source))
    for marker in package.hotpatch_markers:
        evidence.append(Evidence("hotpatch-marker", marker.value, marker.source, "hotpatch"))
    if month_evidence is not None:
        evidence.append(month_evidence)
    by_build = products.package_products(package_builds(package))
    if products.title_contradicts(by_build, title):
        conflicts.append(f"the WSUS title names the {products.title_side(title)} but build {build} is "
                         f"{', '.join(by_build)}'s")

    matches: list[CalendarMatch] = []
    if kb is not None:
        matches = [m for m in calendar.by_kb(kb) if not products_ or m.product in products_]
        for match in matches:
            where = f"{match.entry.source} ({match.product} {match.month})"
            evidence.append(Evidence("calendar", f"KB{kb} is the {match.role} release", where, _ROLE_KIND[match.role]))

    def result(kind: Kind, confidence: str, rule: str, product: str | None = None, month_: str | None = None,
               baseline: str | None = None) -> Classification:
        chosen_product = product or (products_[0] if products_ else family)
        if baseline is None and chosen_product and (month_ or month) and chosen_product in calendar.products():
            base = calendar.baseline_for(chosen_product, month_ or month or "")
            if base is not None and kind in (Kind.HOTPATCH, Kind.LCU):
                baseline = base.build
        stale = None if rule == "calendar" else staleness(calendar, chosen_product, month_ or month)
        return Classification(package.path, kb, kind, chosen_product, month_ or month, build, baseline, confidence,
                              rule, tuple(evidence), tuple(conflicts), stale)

    # 1. The calendar names the KB.
    if matches:
        roles = {_ROLE_KIND[m.role] for m in matches}
        match = matches[0]
        if len(roles) > 1:
            conflicts.append(f"the calendar gives KB{kb} several roles: {', '.join(sorted(roles))}")
        if package.hotpatch_markers and "hotpatch" not in roles:
            conflicts.append(f"the package carries hotpatch markers but the calendar says {match.role}")
        if month and month not in (str(match.month), str(Month.of(match.entry.date))):
            conflicts.append(f"release month {month} differs from the calendar's {match.month}")
        confidence = "high" if match.confidence == "P" and len(roles) == 1 else "medium"
        kind = _ROLE_KIND[match.role]
        baseline = match.release.build if kind.startswith("baseline") else None
        return result(kind, confidence, "calendar", match.product, str(match.month), baseline)

    # 2. A known checkpoint build.
    if build in CHECKPOINTS and "cumulative" in kinds:
        source = package.build.source if package.build else package.path
        evidence.append(Evidence("checkpoint", f"{build} is a checkpoint cumulative update", source, "checkpoint"))
        return result(Kind.CHECKPOINT, "high", "checkpoint-table")

    # 3. Package markers.
    if package.hotpatch_markers:
        confidence = "high" if len(package.hotpatch_markers) >= 2 else "medium"
        return result(Kind.HOTPATCH, confidence, "package-markers")

    # 4. The servicing identity.
    if not kinds:
        return result(Kind.UNKNOWN, "none", "no-evidence")
    if kinds == {"servicing-stack"}:
        return result(Kind.SSU, "high", "identity")
    if "cumulative" not in kinds and "dotnet" in kinds:
        return result(Kind.DOTNET, "high", "identity")
    if "cumulative" not in kinds:
        return result(Kind.OTHER, "high", "identity")

    # 5. A cumulative update the calendar does not know: the month rule, with low confidence.
    if not products_:
        # Products outside the hotpatch programs have no baselines: every cumulative update is the regular one.
        return result(Kind.LCU, "medium", "not-a-hotpatch-product")
    if month is None:
        conflicts.append("a cumulative update of a hotpatch product with no release month and no calendar entry")
        return result(Kind.UNKNOWN, "none", "no-evidence")
    if is_baseline_month(month):
        evidence.append(Evidence("month-rule", f"{month} is a planned baseline month", month_evidence.source
                                 if month_evidence else package.path, "baseline-planned"))
        return result(Kind.BASELINE_PLANNED, "low", "month-rule", baseline=build)
    evidence.append(Evidence("month-rule", f"{month} is a hotpatch month: an unplanned baseline cannot be told from "
                             "the package alone", month_evidence.source if month_evidence else package.path, "lcu"))
    return result(Kind.LCU, "low", "month-rule")


def _identity_kind(kinds: set[str]) -> str | None:
    if "cumulative" in kinds:
        return None  # a cumulative identity fits a baseline, an LCU or a checkpoint alike
    if kinds == {"servicing-stack"}:
        return "ssu"
    if "dotnet" in kinds:
        return "dotnet"
    return "other"


def classify_batch(packages: Sequence[UpdatePackage], calendar: Calendar | None = None) -> list[Classification]:
    """Classify packages together, using what they say about each other.

    A hotpatch beside a cumulative update of the same product and month makes that update the regular
    channel, not a baseline.
    """
    for package in packages:
        require_update_package(package, "classify_batch", "packages[]")
    calendar = calendar or bundled_calendar()
    results = [_classify(p, calendar) for p in packages]
    hotpatches: dict[tuple[str | None, str | None], Classification] = {
        (c.product, c.month): c for c in results if c.kind == Kind.HOTPATCH and c.month
    }
    for index, item in enumerate(results):
        partner = hotpatches.get((item.product, item.month))
        if partner is None or item.rule != "month-rule":
            continue
        evidence = (*item.evidence, Evidence("batch", f"hotpatch KB{partner.kb} of the same month is in the batch",
                                             partner.package, "lcu"))
        results[index] = replace(item, kind=Kind.LCU, confidence="medium", rule="batch", evidence=evidence,
                                 baseline=partner.baseline)
    return results



def stale_warnings(results: Sequence[Classification]) -> list[str]:
    """The distinct staleness warnings of ``results``, each prefixed with its package's file name."""
    found: dict[str, None] = {}
    for item in results:
        if item.stale:
            found[f"{os.path.basename(item.package)}: {item.stale}"] = None
    return list(found)
