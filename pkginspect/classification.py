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

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pkginspect.calendar import Calendar, CalendarMatch, bundled_calendar, is_baseline_month
from pkginspect.package import UpdatePackage

KINDS = (
    "hotpatch", "baseline-planned", "baseline-unplanned", "lcu", "checkpoint", "ssu", "dotnet", "other", "unknown",
)
CONFIDENCES = ("high", "medium", "low", "none")
# Checkpoint cumulative updates: later monthly updates of the build need them installed first (Microsoft
# documentation for 24H2 / Server 2025).
CHECKPOINTS = {"26100.1742": 5043080}
_TITLE_MONTH = re.compile(r"^\s*([0-9]{4})-([0-9]{2})\b", re.ASCII)
_ROLE_KIND = {
    "hotpatch": "hotpatch",
    "baseline-planned": "baseline-planned",
    "baseline-unplanned": "baseline-unplanned",
    "lcu": "lcu",
    "out-of-band": "lcu",
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
    kind: str
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


def _products(package: UpdatePackage, calendar: Calendar) -> list[str]:
    """Calendar products the package can belong to (from its product families and build number)."""
    if package.products is None:
        return []
    primary = package.primary
    build = primary.target_build.value if primary and primary.target_build else None
    found = [calendar.product_for(family, build) for family in package.products.value]
    return [p for p in found if p]


def classify(package: UpdatePackage, calendar: Calendar | None = None) -> Classification:
    """Classify one package on its own (see ``classify_batch`` for packages that tell about each other)."""
    return _classify(package, calendar or bundled_calendar())


def _classify(package: UpdatePackage, calendar: Calendar) -> Classification:
    evidence: list[Evidence] = []
    conflicts: list[str] = []
    kb = package.kb.value if package.kb else None
    build = package.build.value if package.build else None
    month, month_evidence = _month(package)
    products = _products(package, calendar)
    family = package.products.value[0] if package.products and package.products.value else None
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

    matches: list[CalendarMatch] = []
    if kb is not None:
        matches = [m for m in calendar.by_kb(kb) if not products or m.product in products]
        for match in matches:
            where = f"{match.release.source} ({match.product} {match.month})"
            evidence.append(Evidence("calendar", f"KB{kb} is the {match.role} release", where, _ROLE_KIND[match.role]))

    def result(kind: str, confidence: str, rule: str, product: str | None = None, month_: str | None = None,
               baseline: str | None = None) -> Classification:
        chosen_product = product or (products[0] if products else family)
        if baseline is None and chosen_product and (month_ or month) and chosen_product in calendar.products():
            base = calendar.baseline_for(chosen_product, month_ or month or "")
            if base is not None and kind in ("hotpatch", "lcu"):
                baseline = base.build
        return Classification(package.path, kb, kind, chosen_product, month_ or month, build, baseline, confidence,
                              rule, tuple(evidence), tuple(conflicts))

    # 1. The calendar names the KB.
    if matches:
        roles = {_ROLE_KIND[m.role] for m in matches}
        match = matches[0]
        if len(roles) > 1:
            conflicts.append(f"the calendar gives KB{kb} several roles: {', '.join(sorted(roles))}")
        if package.hotpatch_markers and "hotpatch" not in roles:
            conflicts.append(f"the package carries hotpatch markers but the calendar says {match.role}")
        if month and str(match.month) != month:
            conflicts.append(f"release month {month} differs from the calendar's {match.month}")
        confidence = "high" if match.release.confidence == "P" and len(roles) == 1 else "medium"
        kind = _ROLE_KIND[match.role]
        baseline = match.release.build if kind.startswith("baseline") else None
        return result(kind, confidence, "calendar", match.product, str(match.month), baseline)

    # 2. A known checkpoint build.
    if build in CHECKPOINTS and "cumulative" in kinds:
        source = package.build.source if package.build else package.path
        evidence.append(Evidence("checkpoint", f"{build} is a checkpoint cumulative update", source, "checkpoint"))
        return result("checkpoint", "high", "checkpoint-table")

    # 3. Package markers.
    if package.hotpatch_markers:
        confidence = "high" if len(package.hotpatch_markers) >= 2 else "medium"
        return result("hotpatch", confidence, "package-markers")

    # 4. The servicing identity.
    if not kinds:
        return result("unknown", "none", "no-evidence")
    if kinds == {"servicing-stack"}:
        return result("ssu", "high", "identity")
    if "cumulative" not in kinds and "dotnet" in kinds:
        return result("dotnet", "high", "identity")
    if "cumulative" not in kinds:
        return result("other", "high", "identity")

    # 5. A cumulative update the calendar does not know: the month rule, with low confidence.
    if not products:
        # Products outside the hotpatch programs have no baselines: every cumulative update is the regular one.
        return result("lcu", "medium", "not-a-hotpatch-product")
    if month is None:
        conflicts.append("a cumulative update of a hotpatch product with no release month and no calendar entry")
        return result("unknown", "none", "no-evidence")
    if is_baseline_month(month):
        evidence.append(Evidence("month-rule", f"{month} is a planned baseline month", month_evidence.source
                                 if month_evidence else package.path, "baseline-planned"))
        return result("baseline-planned", "low", "month-rule", baseline=build)
    evidence.append(Evidence("month-rule", f"{month} is a hotpatch month: an unplanned baseline cannot be told from "
                             "the package alone", month_evidence.source if month_evidence else package.path, "lcu"))
    return result("lcu", "low", "month-rule")


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
    calendar = calendar or bundled_calendar()
    results = [_classify(p, calendar) for p in packages]
    hotpatches: dict[tuple[str | None, str | None], Classification] = {
        (c.product, c.month): c for c in results if c.kind == "hotpatch" and c.month
    }
    for index, item in enumerate(results):
        partner = hotpatches.get((item.product, item.month))
        if partner is None or item.rule != "month-rule":
            continue
        evidence = (*item.evidence, Evidence("batch", f"hotpatch KB{partner.kb} of the same month is in the batch",
                                             partner.package, "lcu"))
        results[index] = replace(item, kind="lcu", confidence="medium", rule="batch", evidence=evidence,
                                 baseline=partner.baseline)
    return results

