"""CSV files with ``#`` comment lines, read row by row with the line number each row starts on."""

from __future__ import annotations

import csv
from collections.abc import Iterator


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
        raise CsvLineError(numbered[consumed][0] if consumed < len(numbered) else None, str(error)) from None
