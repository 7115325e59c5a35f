"""Names inside paths: the nesting separator and the one base-name rule every layer uses."""

from __future__ import annotations

SEPARATOR = "!"
"""Separates container levels in a nested path: ``a.msu!WSUSSCAN.cab!package.cab!core/12``."""


def base_name(path: str, *, nested: bool = False) -> str:
    """The last component of ``path``: ``/`` and backslash both separate, trailing ones are ignored.

    Without ``nested`` (a package's path on disk) a ``!`` is part of the file name; with it (member paths)
    the level separator ``!`` separates too: ``a.msu!x.cab!core/12`` → ``12``.
    """
    if nested:
        path = path.rpartition(SEPARATOR)[2]
    return path.replace("\\", "/").rstrip("/").rpartition("/")[2]
