"""Value types every layer shares: the rules' verdicts, the package kinds, Windows builds and sourced facts.

Verdict and Kind are ``str`` enums (``StrEnum`` needs Python 3.11): a member equals, hashes, prints and serialises
(JSON, CSV) as its value. Records hold a build as its string ``str(Build)``; ``Build`` reads and compares it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any, Generic, NamedTuple, TypeVar


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


# What machines report (an optional "10.0." prefix, four or five digits) and what a release calendar holds.
_BUILD = re.compile(r"(?:10\.0\.)?([0-9]{4,5})\.([0-9]{1,6})", re.ASCII)
_CALENDAR_BUILD = re.compile(r"([0-9]{5})\.([0-9]{1,5})", re.ASCII)


class Build(NamedTuple):
    """A Windows build (CurrentBuildNumber, UBR): ordered, unpacked as a tuple, printed ``"26100.4349"``."""

    number: int
    ubr: int

    @classmethod
    def parse(cls, text: str, *, calendar: bool = False) -> Build:
        """Read ``"20348.2402"`` or ``"10.0.20348.2402"`` (four or five digits, a UBR of up to six); ValueError else.

        ``calendar`` accepts only a calendar's form: five digits, a dot and up to five digits.
        """
        match = (_CALENDAR_BUILD if calendar else _BUILD).fullmatch(text)
        if match is None:
            raise ValueError(f"not a build like 20348.2402: {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, value: object) -> Build | None:
        """The build a fact holds (``"20348.2402"``), None when it is unknown or not a build."""
        match = _BUILD.fullmatch(value) if isinstance(value, str) else None
        return cls(int(match[1]), int(match[2])) if match else None

    def __str__(self) -> str:
        return f"{self.number}.{self.ubr}"


T = TypeVar("T")


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value and the nested member path it was read from."""

    value: T
    source: str

    def to_dict(self) -> dict[str, Any]:
        """``{"value": …, "source": …}``."""
        return {"value": list(self.value) if isinstance(self.value, tuple) else self.value, "source": self.source}


__all__ = ["MARKS_LEGEND", "VERDICT_MARKS", "VERDICT_ORDER", "Build", "Fact", "Kind", "Verdict"]
