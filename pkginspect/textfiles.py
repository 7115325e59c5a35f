"""User-supplied text files (calendars, machine facts, rules): bounded reading, and CSV with comment lines."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator

from pkginspect.errors import PkgInspectError
from pkginspect.regularfiles import NotRegularFile, open_regular


def read_text(
    path: str | os.PathLike[str], *, limit: int, error: type[PkgInspectError], what: str, name: str | None = None,
    utf16: bool = False,
) -> str:
    """The text of a file of at most ``limit`` bytes, in UTF-8 (optional BOM).

    With ``utf16``, UTF-16 with a BOM is read too (what Windows PowerShell 5.1 redirection writes). Every
    failure is an ``error`` naming the file (``name``, default the path); ``what`` names the kind of file
    expected ("a calendar file").
    """
    name = name or os.fspath(path)
    try:
        stream, _ = open_regular(path)
        with stream:
            data = stream.read(limit + 1)
    except NotRegularFile as failure:
        raise error(name, f"is {failure.kind}, not {what}") from failure
    except FileNotFoundError as exc:
        raise error(name, "file not found") from exc
    except OSError as failure:
        raise error(name, f"cannot read: {failure.strerror or failure}") from failure
    if len(data) > limit:
        raise error(name, f"too large: more than {limit} bytes for {what}")
    encoding = "utf-16" if utf16 and data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as failure:
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise error(name, f"not {label} text (bad byte at offset {failure.start})") from failure


class CsvLineError(ValueError):
    """The CSV text is malformed at ``line`` (the caller turns it into its own error naming the file)."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        super().__init__(message)


def commented_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each non-blank row; lines whose first non-space character is ``#`` are skipped.

    Raises CsvLineError for malformed CSV (an unterminated quote, a stray quote), with the line it starts on.
    """
    numbered = [
        (number, line) for number, line in enumerate(text.splitlines(keepends=True), 1)
        if not line.lstrip().startswith("#")
    ]
    reader = csv.reader((line for _, line in numbered), strict=True)
    consumed = 0
    try:
        for fields in reader:
            line = numbered[consumed][0]
            consumed = reader.line_num
            if fields and any(field.strip() for field in fields):
                yield line, fields
    except csv.Error as error:
        raise CsvLineError(numbered[consumed][0] if consumed < len(numbered) else None, str(error)) from error
