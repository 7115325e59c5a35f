"""The did-you-mean hint of every message about an unknown name (a fact, column, kind, product, …)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[object]) -> str | None:
    """The choice closest to ``word``, or None when none is close.

    Close means similar spelling ignoring case (difflib), or one name containing the other (``vbs_status`` →
    ``vbs``) when both have three characters or more.
    """
    folded = word.casefold()
    names = [str(choice) for choice in choices]
    close = difflib.get_close_matches(folded, names, n=1, cutoff=0.6)
    if not close:
        close = sorted((name for name in names if min(len(name), len(folded)) >= 3
                        and (name in folded or folded in name)), key=len, reverse=True)[:1]
    return close[0] if close else None


def hint(found: str | None) -> str:
    """`` (did you mean 'x'?)`` naming ``found``, or an empty string when there is nothing to name."""
    return f" (did you mean {found!r}?)" if found else ""


def suggest(word: str, choices: Iterable[object]) -> str:
    """`` (did you mean 'x'?)`` for the choice closest to ``word``, or an empty string when none is close."""
    return hint(closest(word, choices))


__all__ = ["closest", "hint", "suggest"]
