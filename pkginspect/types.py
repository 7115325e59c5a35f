"""Value types every layer shares: the rules' verdicts and the package kinds, named once.

Each is a ``str`` enum (``StrEnum`` needs Python 3.11): a member equals, hashes, prints and serialises (JSON,
CSV) as its value, so outputs read the same as with plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType


class Verdict(str, Enum):
    """Whether installing a package restarts a machine, as the rules decide it."""

    REBOOT_REQUIRED = "reboot-required"
    REBOOT_POSSIBLE = "reboot-possible"
    UNKNOWN = "unknown"
    NO_REBOOT = "no-reboot"
    NOT_APPLICABLE = "not-applicable"

    def __str__(self) -> str:
        return self.value


VERDICT_ORDER: tuple[Verdict, ...] = tuple(Verdict)
"""Worst first: the order every summary counts and lists verdicts in."""

# One character per month of a schedule: R restart, r may restart, . no restart, - nothing to install, ? unknown.
VERDICT_MARKS: Mapping[Verdict, str] = MappingProxyType({
    Verdict.REBOOT_REQUIRED: "R",
    Verdict.REBOOT_POSSIBLE: "r",
    Verdict.UNKNOWN: "?",
    Verdict.NO_REBOOT: ".",
    Verdict.NOT_APPLICABLE: "-",
})
MARKS_LEGEND = "R restart · r may restart · . no restart · - nothing to install · ? unknown"


class Kind(str, Enum):
    """What an update package is, as the classifier tells it."""

    HOTPATCH = "hotpatch"
    BASELINE_PLANNED = "baseline-planned"
    BASELINE_UNPLANNED = "baseline-unplanned"
    LCU = "lcu"
    CHECKPOINT = "checkpoint"
    SSU = "ssu"
    DOTNET = "dotnet"
    OTHER = "other"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


__all__ = ["MARKS_LEGEND", "VERDICT_MARKS", "VERDICT_ORDER", "Kind", "Verdict"]
