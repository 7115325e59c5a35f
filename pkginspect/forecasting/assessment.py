"""What Azure says: a VM's patch assessment (``az vm assess-patches``), compared with the forecast's first month.

The assessment (Azure Update Manager / Compute ``assessPatches``) lists ``availablePatches`` with ``kbId``,
``name``, ``classifications`` and ``rebootBehavior`` (``NeverReboots``, ``AlwaysRequiresReboot``,
``CanRequestReboot``), and says whether a restart is pending. It does not name the VM, so each file is paired
with a machine: ``NAME=FILE``, or the file's name without its extension.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pkginspect.errors import FactsError
from pkginspect.forecasting.model import MachineForecast
from pkginspect.textfiles import read_text
from pkginspect.types import Verdict

MAX_ASSESSMENT_BYTES = 16 * 1024 * 1024
REBOOT_BEHAVIORS = ("NeverReboots", "AlwaysRequiresReboot", "CanRequestReboot")
_OS_WORDS = ("cumulative update", "hotpatch", "security update for microsoft server operating system")


@dataclass(frozen=True)
class Patch:
    """One available patch as Azure lists it."""

    kb: int | None
    name: str
    classifications: tuple[str, ...]
    reboot_behavior: str | None

    @property
    def is_os_update(self) -> bool:
        """Whether the patch is a Windows cumulative update or hotpatch (by its name)."""
        name = self.name.casefold()
        return any(word in name for word in _OS_WORDS) and ".net" not in name


@dataclass(frozen=True)
class Assessment:
    """A machine's assessment: its available patches and whether Azure sees a restart pending."""

    machine: str
    source: str
    patches: tuple[Patch, ...]
    reboot_pending: bool | None
    time: str | None


@dataclass(frozen=True)
class Comparison:
    """An assessment beside the forecast's first month, and every way they disagree."""

    machine: str
    source: str
    month: str
    disagreements: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {"machine": self.machine, "source": self.source, "month": self.month,
                "agrees": not self.disagreements, "disagreements": list(self.disagreements)}


def _kb(value: object, where: str, name: str) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    text = text[2:] if text[:2].casefold() == "kb" else text
    if not text.isdigit() or len(text) > 9:
        raise FactsError(name, f"{where}: kbId {value!r} is not a KB number")
    return int(text)


def load_assessment(argument: str) -> Assessment:
    """Read ``FILE`` or ``NAME=FILE`` (an ``az vm assess-patches`` result); FactsError naming the file otherwise."""
    machine, sep, path = argument.partition("=")
    if not sep or not machine.strip():
        path, machine = argument, Path(argument).stem
    name = os.fspath(path)
    text = read_text(path, limit=MAX_ASSESSMENT_BYTES, error=FactsError, what="an Azure patch assessment",
                     utf16=True)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FactsError(name, f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    except RecursionError as exc:
        raise FactsError(name, "not valid JSON: nested too deeply") from exc
    if isinstance(document, dict) and isinstance(document.get("properties"), dict) and \
            "availablePatches" not in document:
        document = document["properties"]  # the REST envelope of some saved responses
    if not isinstance(document, dict) or "availablePatches" not in document:
        raise FactsError(name, "not an Azure patch assessment: expected an object with 'availablePatches' "
                               "(the output of az vm assess-patches)")
    listed = document["availablePatches"]
    if not isinstance(listed, list):
        raise FactsError(name, "'availablePatches' must be a list")
    patches = []
    for index, entry in enumerate(listed, 1):
        where = f"availablePatches entry {index}"
        if not isinstance(entry, dict):
            raise FactsError(name, f"{where}: expected an object")
        classes = entry.get("classifications") or []
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise FactsError(name, f"{where}: 'classifications' must be a list of strings")
        behavior = entry.get("rebootBehavior")
        if behavior is not None and behavior not in REBOOT_BEHAVIORS:
            raise FactsError(name, f"{where}: rebootBehavior {behavior!r} is not one of {', '.join(REBOOT_BEHAVIORS)}")
        patch_name = entry.get("name") or ""
        if not isinstance(patch_name, str):
            raise FactsError(name, f"{where}: 'name' must be a string")
        patches.append(Patch(_kb(entry.get("kbId"), where, name), patch_name, tuple(classes), behavior))
    pending = document.get("rebootPending")
    if pending is not None and not isinstance(pending, bool):
        raise FactsError(name, "'rebootPending' must be true or false")
    started = document.get("startDateTime")
    return Assessment(machine.strip(), name, tuple(patches), pending, started if isinstance(started, str) else None)


def compare(assessment: Assessment, forecast: MachineForecast) -> Comparison:
    """Where Azure's view of the machine disagrees with the forecast's first month."""
    month = forecast.schedule.months[0]
    found: list[str] = []
    facts_pending = getattr(forecast.machine, "reboot_pending", None)
    if assessment.reboot_pending is not None and facts_pending is not None and \
            assessment.reboot_pending != facts_pending:
        found.append(f"Azure says a restart is {'pending' if assessment.reboot_pending else 'not pending'}; the "
                     f"machine facts say reboot_pending={str(facts_pending).lower()}")
    by_kb = {patch.kb: patch for patch in assessment.patches if patch.kb is not None}
    expected = month.installs_kb or (month.kb if month.verdict != Verdict.NOT_APPLICABLE else None)
    month_kbs = {kb for kb in (month.kb, month.installs_kb) if kb}
    if month.source != "calendar":
        found.append(f"{month.month} is past the calendar's data (planned cadence): its KBs are not known, so "
                     "Azure's patches cannot be matched")
    elif month.verdict == Verdict.NOT_APPLICABLE:
        listed = sorted(kb for kb in month_kbs if kb in by_kb)
        found += [f"Azure offers KB{kb}; the forecast says nothing to install ({month.cause})" for kb in listed]
    elif expected:
        patch = by_kb.get(expected)
        other = sorted(kb for kb in month_kbs if kb != expected and kb in by_kb)
        if patch is None and not other:
            found.append(f"Azure does not list KB{expected}, the {month.month} update the forecast expects "
                         "(already installed, or an older assessment?)")
        for kb in other:
            chosen = "the hotpatch" if kb == month.kb and month.kind == "hotpatch" else "a different update"
            found.append(f"Azure offers KB{kb} ({chosen}); the forecast expects KB{expected} ({month.cause})")
        if patch is not None and patch.reboot_behavior is not None:
            azure_restarts = patch.reboot_behavior != "NeverReboots"
            if azure_restarts != month.restart:
                found.append(f"Azure says KB{expected} {patch.reboot_behavior}; the forecast says "
                             f"{month.verdict} ({month.cause})")
    known = month_kbs | {expected} if expected else month_kbs
    for patch in assessment.patches:
        if patch.is_os_update and patch.kb not in known:
            found.append(f"Azure lists KB{patch.kb} ({patch.name}), a Windows update the calendar does not give "
                         f"for {month.month}")
    return Comparison(assessment.machine, assessment.source, month.month, tuple(found))


def compare_all(assessments: list[Assessment], forecasts: tuple[MachineForecast, ...]) -> tuple[Comparison, ...]:
    """Each assessment compared with its machine's forecast; FactsError for an assessment of an unknown machine."""
    by_name = {machine.name: machine for machine in forecasts}
    found = []
    for assessment in assessments:
        machine = by_name.get(assessment.machine)
        if machine is None:
            raise FactsError(assessment.source, f"assessment of machine {assessment.machine!r}, which is not in the "
                                                "fleet (name it with NAME=FILE)")
        found.append(compare(assessment, machine))
    return tuple(found)
