"""Building blocks shared by the metadata parsers: input reading, attribute maps, identities, JSON export."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Protocol

from pkginspect.errors import MetadataError
from pkginspect.numbers import is_decimal, parse_decimal


class SupportsRead(Protocol):
    """A binary stream: anything with ``read(size) -> bytes`` (files, ``BytesIO``, archive member streams)."""

    def read(self, size: int, /) -> bytes:
        """Return up to ``size`` bytes; ``b""`` at the end."""
        ...


#: What every parser accepts: the file's bytes, or a binary stream positioned at its start.
Data = bytes | bytearray | memoryview | SupportsRead

#: Default upper bound on the size of one metadata file (the largest real one seen is well under 1 MiB).
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

_KB_RE = re.compile(r"KB([0-9]{4,8})(?![0-9])", re.IGNORECASE | re.ASCII)
MAX_VERSION_PARTS = 8
_KB_DIGITS = 8
"""A KB number has at most 8 digits; a longer ``KBArticleID`` is not taken as one."""
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def read_bounded(data: Data, source: str, max_bytes: int, *, setting: str = "max_bytes=…") -> bytes:
    """Return ``data`` as bytes, refusing anything longer than ``max_bytes``.

    A stream is read at most ``max_bytes + 1`` bytes, so an oversized member is never loaded whole.
    ``setting`` tells, in the error, how to raise the limit (``XmlLimits(max_bytes=…)`` for XML).
    """
    hint = f"the max_bytes limit; raise it with {setting}"
    if isinstance(data, (bytes, bytearray, memoryview)):
        size = len(data) if not isinstance(data, memoryview) else data.nbytes
        if size > max_bytes:
            raise MetadataError(source, f"too large: {size} bytes, the limit is {max_bytes} bytes ({hint})")
        return bytes(data)
    buffer = bytearray()
    # Raw streams may return short reads; keep reading until EOF or one byte past the limit.
    while len(buffer) <= max_bytes:
        chunk = data.read(max_bytes + 1 - len(buffer))
        if not isinstance(chunk, (bytes, bytearray)):
            raise TypeError(f"{source}: expected a binary stream, got {type(chunk).__name__}")
        if not chunk:
            break
        buffer += chunk
    if len(buffer) > max_bytes:
        raise MetadataError(
            source, f"too large: more than {max_bytes} bytes, the limit is {max_bytes} bytes ({hint})"
        )
    return bytes(buffer)


class Attributes(Mapping[str, str]):
    """An immutable, hashable, ordered mapping of XML attribute (or key/value) pairs."""

    __slots__ = ("_index", "_items")

    def __init__(self, items: Mapping[str, str] | tuple[tuple[str, str], ...] = ()) -> None:
        """Build from a mapping or a tuple of ``(key, value)`` pairs; order is kept."""
        pairs = tuple(items.items()) if isinstance(items, Mapping) else tuple(items)
        self._items: tuple[tuple[str, str], ...] = pairs
        self._index: dict[str, str] = dict(pairs)

    def __getitem__(self, key: str) -> str:
        """Return the value of ``key``."""
        return self._index[key]

    def __iter__(self) -> Iterator[str]:
        """Iterate the keys in document order."""
        return iter(self._index)

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self._index)

    def __hash__(self) -> int:
        """Hash by content, so records holding attributes stay hashable."""
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        """Compare by content with any mapping."""
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        """Show the pairs like a dict."""
        return f"Attributes({self._index!r})"


class MetadataRecord(Protocol):
    """What every top-level record offers: the member it came from and plain JSON-able data."""

    @property
    def source(self) -> str:
        """The member path the record was parsed from."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        ...


def parse_version(text: str | None) -> tuple[int, ...] | None:
    """Parse a dotted version such as ``6.1.7601.24553`` into a tuple of ints; None if it is not one."""
    if not text:
        return None
    parts = text.strip().split(".")
    if len(parts) > MAX_VERSION_PARTS or not all(is_decimal(part) for part in parts):
        return None
    return tuple(int(part) for part in parts)


def kb_from_text(*texts: str | None) -> int | None:
    """Return the first KB number (``KB4538483`` → 4538483) found in any of ``texts``, or None."""
    for text in texts:
        if text:
            match = _KB_RE.search(text)
            if match:
                return int(match.group(1))
    return None


def kb_from_field(text: str | None) -> int | None:
    """Return a KB-number field (``4538483`` or ``KB4538483``, as ``KBArticleID`` is written) as an int, or None."""
    number = parse_decimal(text, max_digits=_KB_DIGITS)
    return number if number is not None else kb_from_text(text)


def parse_bool(text: str | None) -> bool | None:
    """Parse ``true``/``false`` (also yes/no, 1/0, any case); None when absent or anything else."""
    if text is None:
        return None
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def parse_int(text: str | None) -> int | None:
    """Parse a decimal integer leniently; None when absent or not a number."""
    return parse_decimal(text, signed=True)


def parse_datetime(text: str | None) -> _dt.datetime | None:
    """Parse the ISO-8601 timestamps of update metadata (``2020-05-01T22:03:26Z``, 7 fraction digits too)."""
    if not text:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    # Python before 3.11 accepts only 3 or 6 fraction digits; WSUS writes 7.
    value = re.sub(r"(\.\d{6})\d+", r"\1", value)
    value = re.sub(r"\.(\d{1,5})(?=$|[+-])", lambda m: "." + m.group(1).ljust(6, "0"), value)
    try:
        return _dt.datetime.fromisoformat(value)
    except ValueError:
        return None


class JsonRecord:
    """Base of the records whose JSON-able data is their fields, then the properties their ``_DERIVED`` names."""

    __slots__ = ()
    _DERIVED: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        data: dict[str, Any] = to_jsonable(self)
        data.update((name, to_jsonable(getattr(self, name))) for name in self._DERIVED)
        return data


@dataclasses.dataclass(frozen=True, slots=True)
class UnknownElement:
    """An XML element a parser did not interpret, kept so nothing is silently lost."""

    tag: str
    """Local name of the element."""
    parent: str
    """Local name of the element it sat in."""
    attributes: Attributes
    """Its attributes (local names)."""


@dataclasses.dataclass(frozen=True, slots=True)
class AssemblyIdentity(JsonRecord):
    """An ``<assemblyIdentity>``: the name and coordinates of a package or component."""

    name: str
    version: str | None = None
    language: str | None = None
    processor_architecture: str | None = None
    public_key_token: str | None = None
    build_type: str | None = None
    version_scope: str | None = None
    type: str | None = None
    """The ``type`` attribute (``driverUpdate``, ``win32``…), when present."""
    attributes: Attributes = dataclasses.field(default_factory=Attributes)
    """Every attribute as written, including those with a field above."""

    @property
    def version_tuple(self) -> tuple[int, ...] | None:
        """The version as a tuple of ints, or None when absent or not numeric."""
        return parse_version(self.version)

    @property
    def kb(self) -> int | None:
        """The KB number in the name (``Package_for_KB4538483_SP1`` → 4538483), or None."""
        return kb_from_text(self.name)

    @property
    def key(self) -> str:
        """The CBS key ``name~token~arch~lang~version`` (absent parts and ``neutral`` left empty)."""
        language = "" if (self.language or "").lower() == "neutral" else (self.language or "")
        return "~".join(
            (
                self.name,
                self.public_key_token or "",
                self.processor_architecture or "",
                language,
                self.version or "",
            )
        )


def to_jsonable(value: Any) -> Any:
    """Convert records, tuples, mappings, dates and enums into plain JSON-able data, recursively."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [to_jsonable(item) for item in value]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


