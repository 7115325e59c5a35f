"""The one error hierarchy of pkginspect: every deliberate failure is a PkgInspectError."""

from __future__ import annotations

import os

_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F)}


def printable(text: str) -> str:
    r"""``text`` on one line, control characters escaped (``\n``, ``\x1b``).

    Names read from packages may hold line breaks or terminal escape sequences.
    """
    return text.translate(_ESCAPES)


class PkgInspectError(Exception):
    """Base of every error pkginspect raises on purpose.

    ``source`` names the file (or nested member path) the error is about; ``str(error)`` is
    ``"<source>: <message>"`` so every message names what it concerns.
    """

    def __init__(self, source: str | os.PathLike[str] | None, message: str) -> None:
        self.source = os.fspath(source) if source is not None else None
        self.message = message
        text = f"{self.source}: {message}" if self.source else message
        # One line, always: member names and parser messages come from the file and may hold line breaks or
        # terminal escapes; they are shown escaped (``\n``, ``\x1b``).
        super().__init__(printable(text))


class ContainerError(PkgInspectError):
    """Something went wrong reading bytes out of an archive."""


class CorruptContainerError(ContainerError):
    """The archive is damaged: truncated, inconsistent tables, bad checksums, bad compressed data."""


class UnsupportedContainerError(ContainerError):
    """The archive is valid but uses something pkginspect does not read (format, compression, spanning)."""


class LimitExceededError(ContainerError):
    """A resource limit (size, ratio, count, depth) was hit; the message names the limit and how to raise it."""

    def __init__(self, source: str | os.PathLike[str] | None, message: str, limit: str) -> None:
        self.limit = limit
        super().__init__(source, message)


class NativeLibraryError(ContainerError):
    """A native library pkginspect needs is missing or unusable; the message names the package to install."""


class MemberNotFoundError(ContainerError):
    """A member path does not exist in the package."""


class ExtractionError(ContainerError):
    """Extraction refused to write something (a name escaping the target, a collision)."""


class MetadataError(PkgInspectError):
    """A metadata file (mum, manifest, WSUS XML, pkgProperties, …) is malformed or hostile."""


class CalendarError(PkgInspectError):
    """A release calendar file is invalid."""


class FactsError(PkgInspectError):
    """A machine facts file or export is invalid."""


class RuleError(PkgInspectError):
    """A rules file is invalid."""


class ArgumentTypeError(PkgInspectError, TypeError):
    """A library function was given the wrong kind of object (a mistake in the calling code, not in a file)."""


def wrong_type(function: str, argument: str, expected: str, value: object, hint: str = "") -> ArgumentTypeError:
    """``evaluate(): package must be an UpdatePackage …, got Package (hint)`` as an ArgumentTypeError."""
    got = "None" if value is None else type(value).__name__
    return ArgumentTypeError(None, f"{function}(): {argument} must be {expected}, got {got}"
                                   + (f" ({hint})" if hint else ""))


__all__ = [
    "ArgumentTypeError",
    "CalendarError",
    "ContainerError",
    "CorruptContainerError",
    "ExtractionError",
    "FactsError",
    "LimitExceededError",
    "MemberNotFoundError",
    "MetadataError",
    "NativeLibraryError",
    "PkgInspectError",
    "RuleError",
    "UnsupportedContainerError",
    "wrong_type",
]
