"""The one error hierarchy of pkginspect: every deliberate failure is a PkgInspectError."""

from __future__ import annotations

import os

# Characters that reorder or hide text on a terminal: bidi embeddings, overrides and isolates, the implicit
# direction marks, and the line/paragraph separators some terminals break lines on.
BIDI_AND_SEPARATORS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)
_C1 = range(0x80, 0xA0)
_ESCAPES = {code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F, *_C1)}
_ESCAPES.update({code: f"\\u{code:04x}" for code in BIDI_AND_SEPARATORS})
# For whole outputs: line structure kept; the rest escaped in a form that is also valid inside a JSON string.
_OUTPUT_ESCAPES = {code: f"\\u{code:04x}" for code in (*_C1, *BIDI_AND_SEPARATORS)}
_OUTPUT_ESCAPES.update({code: repr(chr(code))[1:-1] for code in (*range(0x20), 0x7F) if chr(code) not in "\n\r\t"})


def printable(text: str) -> str:
    r"""``text`` on one line, control characters escaped (``\n``, ``\x1b``, ``\x9b``, ``\u202e``).

    Names read from packages may hold line breaks, terminal escape sequences (C0 and C1 controls) or bidi
    overrides that make a name read differently from what it is.
    """
    return text.translate(_ESCAPES)


def terminal_safe(text: str) -> str:
    r"""A whole output with every control character but line breaks and tabs escaped.

    C1 controls and bidi characters become ``\u009b``/``\u202e`` (the same character inside a JSON string),
    other C0 controls ``\x1b``. The command line passes everything it prints through this.
    """
    return text.translate(_OUTPUT_ESCAPES)


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


class OutputError(PkgInspectError):
    """A report or listing cannot be written (full or read-only disk, missing folder, closed pipe…).

    The input was fine; the message names the output and the system's reason. The CLI exits 3.
    """


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
    "OutputError",
    "PkgInspectError",
    "RuleError",
    "UnsupportedContainerError",
    "wrong_type",
]
