"""The one hardened XML front door every metadata parser goes through, plus namespace-agnostic helpers."""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Iterator

from lxml import etree

from pkginspect.errors import MetadataError
from pkginspect.metadata._common import DEFAULT_MAX_BYTES, Attributes, Data, UnknownElement, read_bounded

#: Default bound on element nesting; real update metadata nests about 12 deep (an inlined mum in WSUS core).
DEFAULT_MAX_DEPTH = 128
#: How an XML size error says to raise the limit.
XML_SIZE_SETTING = "XmlLimits(max_bytes=…)"

Element = etree._Element

# Wraps fragment-mode input (WSUS core/extended/localized files have several top-level elements).
_FRAGMENT_ROOT = "pkginspect-fragment"

_UTF8_BOM = b"\xef\xbb\xbf"
_XML_DECL_RE = re.compile(r"\A(\s*)<\?xml\s[^>]*?\?>")
_DECLARED_ENCODING_RE = re.compile(rb"\A\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})[\"']")
_DOCTYPE_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Declared encodings honoured (Python's canonical names); escape and bytes-to-bytes codecs are not text encodings.
_TEXT_ENCODING_RE = re.compile(
    r"\A(utf-8|utf-16.*|utf-32.*|ascii|iso8859-\d+|cp\d+|mac-[a-z]+|koi8-[a-z]+|shift_jis.*|euc_.*|gb.*|big5.*)\Z"
)


@dataclasses.dataclass(frozen=True, slots=True)
class XmlLimits:
    """Resource bounds applied to one XML document."""

    max_bytes: int = DEFAULT_MAX_BYTES
    """Largest accepted input, in bytes (checked before anything is parsed)."""
    max_depth: int = DEFAULT_MAX_DEPTH
    """Deepest accepted element nesting (the document element is depth 1)."""
    max_elements: int = 200_000
    """Most elements in one document (parsing work grows with them)."""
    max_attributes: int = 256
    """Most attributes on one element: real metadata has a few dozen, and libxml2 looks attributes up by a
    linear scan, so reading every attribute of an element costs the square of their number."""


DEFAULT_LIMITS = XmlLimits()
SMALL_DOCUMENT_LIMITS = XmlLimits(max_elements=50_000)
"""For package manifests (update.mum), component manifests and unattend files: real ones hold a few
thousand elements, and their parsers do more work per element than the CompDB, express and WSUS ones."""


def parse_xml(data: Data, source: str, *, fragment: bool = False, limits: XmlLimits = DEFAULT_LIMITS) -> Element:
    """Parse untrusted XML safely and return its root element.

    No entity is resolved, no DTD loaded, nothing fetched from the network; a document carrying a DOCTYPE
    (or an ENTITY declaration) is refused outright, since genuine update metadata never has one. Input
    larger than ``limits.max_bytes`` or nesting deeper than ``limits.max_depth`` is refused. UTF-8 (with
    or without BOM), UTF-16 (with BOM, or recognisable without) and other declared encodings are read.

    With ``fragment=True`` the input may hold any number of top-level elements (WSUS core/extended/
    localized files); they come back as the children of a synthetic wrapper element.

    Every failure is a :class:`~pkginspect.errors.MetadataError` whose message names ``source``.
    """
    raw = read_bounded(data, source, limits.max_bytes, setting=XML_SIZE_SETTING)
    text = _decode(raw, source)
    if not text.strip():
        raise MetadataError(source, "invalid XML: empty document")
    if _DOCTYPE_RE.search(text):
        raise MetadataError(
            source,
            "invalid XML: DOCTYPE/ENTITY declarations are refused (entity expansion and XXE protection)",
        )
    # The declaration would name the original encoding; the text is handed over as UTF-8. Keeping the
    # whitespace in front of it keeps libxml2's line numbers equal to the file's.
    text = _XML_DECL_RE.sub(lambda match: match.group(1), text, count=1)
    if fragment:
        text = f"<{_FRAGMENT_ROOT}>{text}</{_FRAGMENT_ROOT}>"
    parser = etree.XMLParser(
        encoding="utf-8",
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise MetadataError(source, f"invalid XML: {_syntax_message(error)}") from error
    if root is None:  # pragma: no cover - lxml raises for empty input, kept as a guard
        raise MetadataError(source, "invalid XML: no root element")
    _check_depth(root, source, limits, wrapper=fragment)
    return root


def _syntax_message(error: etree.XMLSyntaxError) -> str:
    # libxml2 ends some messages with a line break: keep them on one line.
    message = " ".join((error.msg or str(error)).split()).replace(" ,", ",")
    if "line" not in message and error.lineno:
        message = f"{message}, line {error.lineno}"
    return message


def _decode(raw: bytes, source: str) -> str:
    """Turn the file's bytes into text, honouring a BOM or the declared encoding (UTF-8 by default)."""
    if raw.startswith(_UTF8_BOM):
        return _strict(raw[len(_UTF8_BOM) :], "utf-8", source)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16", source)
    # UTF-16 without a BOM still starts with '<' beside a NUL byte.
    if raw.startswith(b"<\x00"):
        return _strict(raw, "utf-16-le", source)
    if raw.startswith(b"\x00<"):
        return _strict(raw, "utf-16-be", source)
    match = _DECLARED_ENCODING_RE.match(raw)
    encoding = "utf-8"
    if match:
        declared = match.group(1).decode("ascii").lower()
        try:
            canonical = codecs.lookup(declared).name
        except LookupError:
            canonical = ""
        if not _TEXT_ENCODING_RE.match(canonical):
            raise MetadataError(source, f"invalid XML: unsupported encoding {declared!r}")
        # An ASCII-compatible file that claims UTF-16 (a .NET habit) is really 8-bit text.
        if not canonical.startswith(("utf-16", "utf-32")):
            encoding = canonical
    return _strict(raw, encoding, source)


def _strict(raw: bytes, encoding: str, source: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeError as error:
        if not isinstance(error, UnicodeDecodeError):  # pragma: no cover - allowed codecs raise only this
            raise MetadataError(source, f"invalid XML: not valid {encoding} text") from error
        bad = raw[error.start : error.start + 1].hex()
        name = "UTF-8" if encoding.replace("_", "-") in ("utf-8", "utf8") else encoding.upper()
        raise MetadataError(
            source, f"invalid XML: not valid {name} text (byte 0x{bad} at offset {error.start})"
        ) from error


def _check_depth(root: Element, source: str, limits: XmlLimits, *, wrapper: bool) -> None:
    """Refuse documents nested too deep, with too many elements, or an element with too many attributes."""
    depth = -1 if wrapper else 0
    count = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            count += 1
            if depth > limits.max_depth:
                raise MetadataError(
                    source, f"invalid XML: elements nested deeper than {limits.max_depth} levels "
                    "(the max_depth limit; raise it with XmlLimits(max_depth=…))"
                )
            if count > limits.max_elements:
                raise MetadataError(
                    source, f"invalid XML: more than {limits.max_elements} elements "
                    "(the max_elements limit; raise it with XmlLimits(max_elements=…))"
                )
            if len(element.attrib) > limits.max_attributes:
                raise MetadataError(
                    source, f"invalid XML: an element <{local_name(element)}> with more than "
                    f"{limits.max_attributes} attributes (the max_attributes limit; raise it with "
                    "XmlLimits(max_attributes=…))"
                )
        else:
            depth -= 1


# --- namespace-agnostic helpers -------------------------------------------------------------------------


def local_name(element: Element) -> str:
    """Return the element's tag without namespace; '' for non-elements."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def elements(parent: Element, name: str | None = None) -> Iterator[Element]:
    """Yield the child elements of ``parent`` (only those named ``name``, when given), in order."""
    for element in parent:
        if isinstance(element.tag, str) and (name is None or local_name(element) == name):
            yield element


def first(parent: Element, name: str) -> Element | None:
    """Return the first child element whose local name is ``name``, or None."""
    return next(elements(parent, name), None)


def expect_root(root: Element, name: str, source: str, what: str) -> None:
    """Unless ``root`` is a ``<name>`` element, raise a MetadataError saying the file is not ``what``."""
    if local_name(root) != name:
        raise MetadataError(source, f"not {what}: root element is <{local_name(root)}>, not <{name}>")


def descendants(parent: Element, name: str) -> Iterator[Element]:
    """Yield every descendant element (not ``parent`` itself) whose local name is ``name``, in order."""
    for element in parent.iterdescendants():
        if isinstance(element.tag, str) and local_name(element) == name:
            yield element


def attr(element: Element, name: str) -> str | None:
    """Return the attribute ``name`` of ``element``, with or without a namespace; None when absent."""
    value = element.get(name)
    if value is not None:
        return value
    suffix = "}" + name
    for key, item in element.attrib.items():
        if str(key).endswith(suffix):
            return str(item)
    return None


def attributes(element: Element) -> Attributes:
    """Return all attributes of ``element`` keyed by local name, in document order."""
    return Attributes(tuple((str(key).rsplit("}", 1)[-1], str(value)) for key, value in element.attrib.items()))


def text_of(parent: Element, name: str) -> str | None:
    """Return the stripped text of the first child element named ``name``; None when absent or empty."""
    element = first(parent, name)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def unknown(element: Element) -> UnknownElement:
    """Record ``element`` as not understood, keeping its tag, its parent's tag and its attributes."""
    parent = element.getparent()
    return UnknownElement(
        tag=local_name(element),
        parent=local_name(parent) if parent is not None and local_name(parent) != _FRAGMENT_ROOT else "",
        attributes=attributes(element),
    )


def is_fragment_root(element: Element) -> bool:
    """Whether ``element`` is the wrapper :func:`parse_xml` adds in fragment mode."""
    return local_name(element) == _FRAGMENT_ROOT


__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_DEPTH",
    "SMALL_DOCUMENT_LIMITS",
    "Element",
    "XmlLimits",
    "attr",
    "attributes",
    "descendants",
    "elements",
    "expect_root",
    "first",
    "is_fragment_root",
    "local_name",
    "parse_xml",
    "text_of",
    "unknown",
]
