"""An .msu's ``*-pkgProperties.txt`` (``Key="Value"`` lines) as a :class:`PackageProperties` mapping."""

from __future__ import annotations

import codecs
import dataclasses
import datetime as _dt
import re
from collections.abc import Iterator, Mapping
from typing import Any

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import DEFAULT_MAX_BYTES, Data, kb_from_field, read_bounded

_LINE_RE = re.compile(r'\A\s*([^="]*[^=\s"])\s*=\s*"(.*)"\s*\Z', re.DOTALL)
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")


@dataclasses.dataclass(frozen=True, slots=True)
class PackageProperties(Mapping[str, str]):
    """Every ``Key="Value"`` of a pkgProperties file, in order, with typed accessors for the usual keys."""

    source: str
    entries: tuple[tuple[str, str], ...]
    """The ``(key, value)`` pairs in file order."""

    def __getitem__(self, key: str) -> str:
        """Return the value of ``key`` (exact spelling)."""
        for name, value in self.entries:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        """Iterate the keys in file order."""
        return (name for name, _ in self.entries)

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self.entries)

    def lookup(self, key: str) -> str | None:
        """Return the value of ``key`` compared case-insensitively, or None."""
        folded = key.casefold()
        for name, value in self.entries:
            if name.casefold() == folded:
                return value
        return None

    @property
    def kb(self) -> int | None:
        """``KB Article Number`` as an int (accepts ``4538483`` and ``KB4538483``)."""
        return kb_from_field(self.lookup("KB Article Number"))

    @property
    def package_type(self) -> str | None:
        """``Package Type`` (``Security Update``, ``Hotfix``, ``Update``…)."""
        return self.lookup("Package Type")

    @property
    def architecture(self) -> str | None:
        """``Processor Architecture`` (``amd64``, ``x86``, ``arm64``)."""
        return self.lookup("Processor Architecture")

    @property
    def build_date(self) -> _dt.date | None:
        """``Build Date`` (written ``2020/05/01``) as a date, or None when absent or unreadable."""
        value = self.lookup("Build Date")
        if not value:
            return None
        for layout in ("%Y/%m/%d", "%Y-%m-%d"):
            try:
                return _dt.datetime.strptime(value.strip(), layout).date()
            except ValueError:
                continue
        return None

    @property
    def product_name(self) -> str | None:
        """``Product Name`` (``Windows 6.1``)."""
        return self.lookup("Product Name")

    @property
    def applies_to(self) -> str | None:
        """``Applies to``."""
        return self.lookup("Applies to")

    @property
    def applicability_info(self) -> tuple[str, ...]:
        """``ApplicabilityInfo`` split at ``;`` (empty parts dropped)."""
        value = self.lookup("ApplicabilityInfo") or ""
        return tuple(part.strip() for part in value.split(";") if part.strip())

    @property
    def installation_type(self) -> str | None:
        """``Installation Type`` (``FULL``…)."""
        return self.lookup("Installation Type")

    @property
    def installer_engine(self) -> str | None:
        """``Installer Engine``."""
        return self.lookup("Installer Engine")

    @property
    def installer_version(self) -> str | None:
        """``Installer Version``."""
        return self.lookup("Installer Version")

    @property
    def language(self) -> str | None:
        """``Language`` (``ALL`` for language-neutral packages)."""
        return self.lookup("Language")

    @property
    def company(self) -> str | None:
        """``Company``."""
        return self.lookup("Company")

    @property
    def support_link(self) -> str | None:
        """``Support Link``."""
        return self.lookup("Support Link")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data: the source, every key, and the typed values."""
        build_date = self.build_date
        return {
            "source": self.source,
            "properties": dict(self.entries),
            "kb": self.kb,
            "package_type": self.package_type,
            "architecture": self.architecture,
            "build_date": build_date.isoformat() if build_date else None,
            "product_name": self.product_name,
            "installation_type": self.installation_type,
            "applicability_info": list(self.applicability_info),
        }


def parse_pkgprops(data: Data, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> PackageProperties:
    """Parse a pkgProperties file: ASCII/UTF-8 (BOM optional) or UTF-16 LE/BE with a BOM.

    Blank lines are skipped. Raises :class:`~pkginspect.errors.MetadataError` naming the line for a line
    that is not ``Key="Value"`` or repeats a key, and for an empty or undecodable file.
    """
    raw = read_bounded(data, source, max_bytes, setting="parse_pkgprops(max_bytes=…)")
    text = _decode(raw, source)
    pairs: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(_NEWLINE_RE.split(text), start=1):
        if not line.strip():
            continue
        match = _LINE_RE.match(line)
        if match is None:
            shown = line.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise MetadataError(source, f'line {number}: expected Key="Value", got {shown!r}')
        key, value = match.group(1).strip(), match.group(2)
        if key in seen:
            raise MetadataError(source, f"line {number}: duplicate key {key!r} (first on line {seen[key]})")
        seen[key] = number
        pairs.append((key, value))
    if not pairs:
        raise MetadataError(source, 'empty pkgProperties file: no Key="Value" lines')
    return PackageProperties(source=source, entries=tuple(pairs))


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", raw[len(codecs.BOM_UTF8) :]
    elif raw.startswith(codecs.BOM_UTF16_LE):
        encoding, body = "utf-16-le", raw[len(codecs.BOM_UTF16_LE) :]
    elif raw.startswith(codecs.BOM_UTF16_BE):
        encoding, body = "utf-16-be", raw[len(codecs.BOM_UTF16_BE) :]
    else:
        encoding, body = "utf-8", raw
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as error:
        name = {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}[encoding]
        bad = body[error.start : error.start + 1].hex()
        raise MetadataError(source, f"not valid {name} text (byte 0x{bad} at offset {error.start})") from error
    if "\x00" in text:
        raise MetadataError(source, "unexpected NUL character (UTF-16 text without a byte-order mark?)")
    return text


__all__ = ["PackageProperties", "parse_pkgprops"]
