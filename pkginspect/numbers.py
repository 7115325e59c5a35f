"""The one parser of decimal numbers read from untrusted files: ASCII digits only, a bounded length.

Python's ``int()`` accepts Unicode digits (``"١٢"``), rejects others that ``str.isdigit()`` accepts
(``"²"``) and refuses more than 4,300 digits with a ValueError; a package, facts file or environment variable
must never reach it unchecked. Every parser of metadata, machine facts and builds goes through here.
"""

from __future__ import annotations

import re

MAX_DIGITS = 20
"""Enough for any 64-bit value; longer numbers are not numbers pkginspect deals in."""
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


def parse_decimal(text: str | None, *, signed: bool = False, max_digits: int = MAX_DIGITS) -> int | None:
    """``text`` (surrounding whitespace ignored) as an int, or None when it is not 1 to ``max_digits`` ASCII digits.

    With ``signed``, one leading ``+`` or ``-`` is accepted.
    """
    if text is None:
        return None
    value = text.strip()
    sign = ""
    if signed and value[:1] in ("+", "-"):
        sign, value = value[0], value[1:]
    if not value or len(value) > max_digits or not _ASCII_DIGITS.fullmatch(value):
        return None
    return int(sign + value)


def is_decimal(text: str, *, max_digits: int = MAX_DIGITS) -> bool:
    """True when ``text`` is 1 to ``max_digits`` ASCII digits (nothing else, no spaces)."""
    return len(text) <= max_digits and _ASCII_DIGITS.fullmatch(text) is not None
