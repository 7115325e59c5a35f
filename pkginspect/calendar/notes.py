"""Reading the out-of-band releases written in a calendar row's note."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pkginspect.types import Build

_RELEASE = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})\s+(?:(?P<build>[0-9]+\.[0-9]+)\s+)?KB(?P<kb>[0-9]+)\b\s*(?P<rest>.*)",
    re.ASCII | re.IGNORECASE,
)
_OOB = re.compile(r"OOB(?P<hotpatch>\s+hotpatch)?\b\s*(?P<body>.*)", re.ASCII)
_BREAKS = re.compile(r"\bbreaks?\b", re.IGNORECASE)
_KEEPS = re.compile(r"\bkeeps?\b", re.IGNORECASE)
EXPECTED = "OOB [hotpatch] YYYY-MM-DD [NNNNN.NNNN] KBnnnnnnn [remark]"


@dataclass(frozen=True)
class NoteRelease:
    """An out-of-band release as written in a note, before it is checked against its row."""

    date: dt.date
    build: str | None  # None: published before its build number
    kb: int
    hotpatch: bool
    breaks_chain: bool | None  # None: the note does not say
    remark: str


def parse_note(note: str) -> tuple[NoteRelease, ...]:
    """The out-of-band releases a note lists; raises ValueError for an ``OOB`` clause that cannot be read.

    A note is clauses separated by ``;``. A clause starting with ``OOB`` (or ``OOB hotpatch``) lists an out-of-band
    release as ``YYYY-MM-DD NNNNN.NNNN KBnnnnnnn`` (the build may be left out when it is not known yet) followed
    by an optional remark; the clauses right after it may
    list further ones without repeating ``OOB`` (they share its kind). A remark saying ``breaks`` or ``keeps``
    states the effect on the hotpatch chain. Other clauses are free text and end a list.
    """
    found: list[NoteRelease] = []
    hotpatch: bool | None = None  # the kind of the OOB list being continued, None outside one
    for raw in note.split(";"):
        clause = raw.strip()
        oob = _OOB.fullmatch(clause)
        if oob:
            hotpatch = bool(oob["hotpatch"])
            body = oob["body"]
        elif hotpatch is not None and _RELEASE.fullmatch(clause):
            body = clause
        else:
            hotpatch = None
            continue
        release = _RELEASE.fullmatch(body)
        if not release:
            raise ValueError(f"cannot read the out-of-band release {clause!r} (expected {EXPECTED!r})")
        found.append(_release(release, hotpatch, clause))
    return tuple(found)


def _release(match: re.Match[str], hotpatch: bool, clause: str) -> NoteRelease:
    try:
        date = dt.date.fromisoformat(match["date"])
    except ValueError as exc:
        raise ValueError(f"bad date {match['date']!r} in out-of-band release {clause!r}") from exc
    try:
        build = str(Build.parse(match["build"], calendar=True)) if match["build"] else None
    except ValueError as exc:
        raise ValueError(f"bad build {match['build']!r} in out-of-band release {clause!r}") from exc
    rest = match["rest"].strip()
    breaks, keeps = bool(_BREAKS.search(rest)), bool(_KEEPS.search(rest))
    if breaks and keeps:
        raise ValueError(f"out-of-band release {clause!r} says both that it breaks and keeps the chain")
    stated = True if breaks else False if keeps else None
    return NoteRelease(date, build, int(match["kb"]), hotpatch, stated, rest)


def free_text(note: str) -> str:
    """The note without its out-of-band clauses (what stays a remark once they are separate releases)."""
    kept: list[str] = []
    listing = False
    for raw in note.split(";"):
        clause = raw.strip()
        if _OOB.fullmatch(clause):
            listing = True
        elif listing and _RELEASE.fullmatch(clause):
            continue
        else:
            listing = False
            if clause:
                kept.append(clause)
    return "; ".join(kept)
