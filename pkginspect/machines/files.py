"""Reading machine facts files: JSON, TOML (Python 3.11+) or a fleet CSV, bounded in size, with located errors."""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pkginspect import textfiles
from pkginspect.errors import FactsError
from pkginspect.machines.common import Fleet
from pkginspect.machines.detect import fleet_from_json
from pkginspect.machines.facts import FACT_NAMES, Machine
from pkginspect.suggest import suggest
from pkginspect.textfiles import CsvLineError, commented_rows

MAX_FACTS_BYTES = 50 * 1024 * 1024
FileFormat = Literal["json", "toml", "csv"]

_SUFFIXES: dict[str, FileFormat] = {".json": "json", ".toml": "toml", ".csv": "csv"}
_TOML_START = re.compile(r"""\[\[?\s*[A-Za-z0-9_"'.-]+\s*\]|[A-Za-z0-9_"'.-]+\s*=""")
PathLike = str | os.PathLike[str]


class _DuplicateKey(ValueError):
    pass


def _read_text(path: PathLike, name: str, limit: int) -> str:
    """The file's text: UTF-8 (optional BOM) or UTF-16 with a BOM (what Windows PowerShell 5.1 redirection writes)."""
    return textfiles.read_text(path, limit=limit, error=FactsError, what="a machine facts file", name=name,
                               utf16=True)


def file_format(path: PathLike, text: str) -> FileFormat:
    """The file's format: JSON, TOML or CSV by extension, else sniffed from the first line of ``text``.

    ``{``/``[`` is JSON (a TOML ``[table]`` aside), ``key = value`` is TOML, a line with commas is CSV, anything
    else is read as TOML.
    """
    by_suffix = _SUFFIXES.get(Path(path).suffix.casefold())
    if by_suffix:
        return by_suffix
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    first = lines[0] if lines else ""
    if _TOML_START.match(first):
        return "toml"
    if first[:1] in ("{", "["):
        return "json"
    return "csv" if "," in first else "toml"


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _not_json(word: str) -> Any:
    raise ValueError(f"{word} is not a JSON value")


def parse_json(text: str, name: str) -> Any:
    """Parsed JSON; invalid JSON (NaN, duplicate keys and too deep nesting included) raises FactsError."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_not_json)
    except json.JSONDecodeError as error:
        raise FactsError(name, f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    except _DuplicateKey as error:
        raise FactsError(name, f"invalid JSON: key {str(error)!r} appears twice in one object") from error
    except ValueError as error:
        raise FactsError(name, f"invalid JSON: {error}") from error
    except RecursionError as exc:
        raise FactsError(name, "invalid JSON: nested too deeply") from exc


def _toml_module() -> Any:
    for module in ("tomllib", "tomli"):  # the standard library from 3.11; tomli (same API) where installed
        try:
            return importlib.import_module(module)
        except ImportError:
            continue
    return None


def parse_toml(text: str, name: str) -> Any:
    """Parsed TOML through tomllib (Python 3.11+) or tomli; without either a FactsError says to use JSON."""
    tomllib = _toml_module()
    if tomllib is None:
        raise FactsError(name, "TOML facts files need Python 3.11 or later (or the tomli package); use a JSON "
                               "facts file (same keys) on this Python")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FactsError(name, f"invalid TOML: {error}") from error
    except RecursionError as exc:
        raise FactsError(name, "invalid TOML: nested too deeply") from exc


def machines_from_csv(text: str, *, source: PathLike | None = None) -> list[Machine]:
    """Machines from a fleet CSV: a header of fact names, one machine per line, an empty cell for an unknown fact.

    Lines starting with ``#`` are comments; booleans are ``true/false/yes/no/1/0``. Errors name the line.
    """
    header: list[str] | None = None
    machines: list[Machine] = []
    try:
        for line, fields in commented_rows(text):
            if header is None:
                header = _header(fields, source, line)
                continue
            if len(fields) != len(header):
                raise FactsError(source, f"line {line}: {len(fields)} fields, the header has {len(header)}")
            row = dict(zip(header, fields, strict=True))
            machines.append(Machine.from_dict(row, source=source, location=f"line {line}", text=True))
    except CsvLineError as error:
        raise FactsError(source, f"line {error.line or '?'}: not valid CSV: {error}") from error
    if header is None:
        raise FactsError(source, "empty file (no header line)")
    if not machines:
        raise FactsError(source, "no machines in the file (only a header)")
    return machines


def _header(fields: list[str], source: PathLike | None, line: int) -> list[str]:
    header = [field.strip().casefold() for field in fields]
    for column in header:
        if column not in FACT_NAMES:
            raise FactsError(source, f"line {line}: unknown fact {column!r}{suggest(column, FACT_NAMES)}")
        if header.count(column) > 1:
            raise FactsError(source, f"line {line}: column {column!r} appears twice")
    if "name" not in header:
        raise FactsError(source, f"line {line}: no 'name' column (every machine needs a name)")
    return header


def read_fleet(path: PathLike, *, limit: int = MAX_FACTS_BYTES) -> Fleet:
    """Every machine in a facts file, fleet file or Azure/Arc export, with the entries it skipped.

    JSON (one machine, a list, ``{"machines": [...]}``, any export ``detect.SHAPES`` lists), TOML (one machine or
    ``[[machines]]``; Python 3.11+) or a fleet CSV. The format comes from the extension, else from the content.
    Files over ``limit`` bytes are refused. Any problem raises FactsError naming the file and the line or entry;
    non-Windows machines of a list export are skipped and listed in ``Fleet.skipped``.
    """
    name = os.fspath(path)
    text = _read_text(path, name, limit)
    if not text.strip():
        raise FactsError(name, "empty file")
    kind = file_format(path, text)
    if kind == "csv":
        return Fleet(name, tuple(machines_from_csv(text, source=name)))
    data = parse_json(text, name) if kind == "json" else parse_toml(text, name)
    return fleet_from_json(data, source=name)


def load_machines(path: PathLike, *, limit: int = MAX_FACTS_BYTES) -> list[Machine]:
    """Every machine in a facts file, fleet file or Azure/Arc export (``read_fleet``'s machines).

    Non-Windows machines of a list export are left out; ``read_fleet`` says which.
    """
    return list(read_fleet(path, limit=limit).machines)


def load_machine(path: PathLike, *, limit: int = MAX_FACTS_BYTES) -> Machine:
    """The one machine of a facts file or single-machine export (any shape ``load_machines`` reads).

    A file holding several machines raises FactsError (use ``load_machines``).
    """
    machines = load_machines(path, limit=limit)
    if len(machines) != 1:
        raise FactsError(os.fspath(path), f"holds {len(machines)} machines, expected one (read it as a fleet)")
    return machines[0]


__all__ = [
    "MAX_FACTS_BYTES",
    "FileFormat",
    "file_format",
    "load_machine",
    "load_machines",
    "machines_from_csv",
    "parse_json",
    "parse_toml",
    "read_fleet",
]
