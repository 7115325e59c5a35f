"""The hardened XML front door: encodings, fragments, helpers, and hostile input."""

from __future__ import annotations

import encodings.aliases
import io
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkginspect.errors import MetadataError
from pkginspect.metadata import XmlLimits, parse_xml
from pkginspect.metadata.xmlsafe import (
    DEFAULT_LIMITS,
    DEFAULT_MAX_DEPTH,
    attr,
    attributes,
    descendants,
    elements,
    first,
    is_fragment_root,
    local_name,
    text_of,
)

SOURCE = "outer.msu!inner.cab!thing.xml"


def error_of(data: bytes | io.BytesIO, *, fragment: bool = False, limits: XmlLimits = DEFAULT_LIMITS) -> str:
    with pytest.raises(MetadataError) as caught:
        parse_xml(data, SOURCE, fragment=fragment, limits=limits)
    assert caught.value.source == SOURCE
    message = str(caught.value)
    assert message.startswith(SOURCE + ": ")
    return message


# --- ordinary input ---------------------------------------------------------------------------------------


def test_plain_document_and_namespace_agnostic_helpers() -> None:
    root = parse_xml(
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<assembly xmlns="urn:schemas-microsoft-com:asm.v3" xmlns:x="urn:x" a="1" x:b="2">'
        b"<!-- a comment --><?pi data?><child>  hi  </child><child/><x:other/></assembly>",
        SOURCE,
    )
    assert local_name(root) == "assembly"
    assert [local_name(child) for child in elements(root)] == ["child", "child", "other"]
    assert len(list(elements(root, "child"))) == 2
    assert first(root, "other") is not None
    assert first(root, "missing") is None
    assert attr(root, "a") == "1"
    assert attr(root, "b") == "2"
    assert attr(root, "c") is None
    assert dict(attributes(root)) == {"a": "1", "b": "2"}
    assert text_of(root, "child") == "hi"
    assert text_of(root, "other") is None
    assert len(list(descendants(root, "child"))) == 2


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><r>\xc3\xa9</r>',
        '<?xml version="1.0" encoding="utf-16"?><r>é</r>'.encode("utf-16"),  # LE with BOM
        b"\xfe\xff" + '<?xml version="1.0" encoding="utf-16"?><r>é</r>'.encode("utf-16-be"),
        "<r>é</r>".encode("utf-16-le"),  # no BOM, still recognisable
        "<r>é</r>".encode("utf-16-be"),
        b'<?xml version="1.0" encoding="windows-1252"?><r>\xe9</r>',
        b'<?xml version="1.0" encoding="utf-16"?><r>\xc3\xa9</r>',  # mislabelled 8-bit text
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "cp1252", "utf16-label-on-utf8"],
)
def test_encodings(data: bytes) -> None:
    assert parse_xml(data, SOURCE).text == "é"


def test_streams_and_buffers_are_accepted() -> None:
    for data in (io.BytesIO(b"<r/>"), bytearray(b"<r/>"), memoryview(b"<r/>")):
        assert local_name(parse_xml(data, SOURCE)) == "r"


def test_fragment_mode_wraps_several_top_level_elements() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?><A x="1"/><B>t</B>'
    root = parse_xml(data, SOURCE, fragment=True)
    assert is_fragment_root(root)
    assert [local_name(child) for child in elements(root)] == ["A", "B"]
    # a single-root document is a fragment too
    assert [local_name(c) for c in elements(parse_xml(b"<A/>", SOURCE, fragment=True))] == ["A"]


def test_fragment_depth_does_not_count_the_wrapper() -> None:
    nested = b"<a>" * DEFAULT_MAX_DEPTH + b"</a>" * DEFAULT_MAX_DEPTH
    parse_xml(nested, SOURCE, fragment=True)
    parse_xml(nested, SOURCE)


# --- malformed input --------------------------------------------------------------------------------------


def test_malformed_xml_names_source_problem_and_line() -> None:
    message = error_of(b"<a>\n<b>\n</a>")
    assert "invalid XML" in message
    assert "mismatch" in message
    assert "line 3" in message


def test_fragment_errors_keep_the_file_line_numbers() -> None:
    message = error_of(b'<?xml version="1.0"?>\n<A/>\n<B>', fragment=True)
    assert "line 3" in message


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty document"),
        (b"  \r\n\t", "empty document"),
        (b"\xef\xbb\xbf", "empty document"),
        (b"<r>\xff\xfe</r>", "not valid UTF-8"),
        (b"\xef\xbb\xbf<r>\xc3</r>", "not valid UTF-8"),
        (b"\xff\xfe<\x00r\x00>\x00\x00\xd8", "not valid UTF-16"),
        (b'<?xml version="1.0" encoding="klingon"?><r/>', "unsupported encoding 'klingon'"),
        (b'<?xml version="1.0" encoding="rot13"?><r/>', "unsupported encoding 'rot13'"),
        (b'<?xml version="1.0" encoding="zlib"?><r/>', "unsupported encoding 'zlib'"),
        (b'<?xml version="1.0" encoding="idna"?><r/>', "unsupported encoding 'idna'"),
        (b'<?xml version="1.0" encoding="unicode_escape"?><r/>', "unsupported encoding 'unicode_escape'"),
        (b'<?xml version="1.0" encoding="shift_jis"?><r>\x82</r>', "not valid SHIFT_JIS text"),
        (b"<a/><b/>", "Extra content"),
        (b"just text", "Start tag expected"),
        (b"<r>&undefined;</r>", "Entity 'undefined' not defined"),
        (b"<r>\x01</r>", "invalid XML"),
        (b"<b:x/>", "Namespace prefix b"),
    ],
    ids=[
        "empty",
        "whitespace",
        "bom-only",
        "bad-utf8",
        "bad-utf8-after-bom",
        "bad-utf16",
        "unknown-encoding",
        "rot13",
        "zlib",
        "idna",
        "unicode-escape",
        "bad-shift-jis",
        "two-roots",
        "not-xml",
        "undefined-entity",
        "control-char",
        "undeclared-prefix",
    ],
)
def test_bad_input_messages(data: bytes, problem: str) -> None:
    message = error_of(data)
    assert problem in message
    assert "invalid XML" in message


# --- hostile input ----------------------------------------------------------------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<r>&x;</r>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]><r/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


@pytest.mark.parametrize("fragment", [False, True], ids=["document", "fragment"])
@pytest.mark.parametrize(
    "data",
    [XXE, EXTERNAL_DTD, PARAMETER_ENTITY, BILLION_LAUGHS, XXE.decode().encode("utf-16")],
    ids=["xxe", "external-dtd", "parameter-entity", "billion-laughs", "xxe-utf16"],
)
def test_doctype_documents_are_refused_fast(data: bytes, fragment: bool) -> None:
    started = time.perf_counter()
    message = error_of(data, fragment=fragment)
    assert time.perf_counter() - started < 1.0
    assert "DOCTYPE" in message
    assert "root:" not in message  # nothing of /etc/passwd leaked


def test_hundred_megabyte_text_node_is_refused_fast() -> None:
    data = b"<r>" + b"A" * (100 * 1024 * 1024) + b"</r>"
    for given_data in (data, io.BytesIO(data)):
        started = time.perf_counter()
        message = error_of(given_data)
        assert time.perf_counter() - started < 2.0
        assert "too large" in message
        assert str(32 * 1024 * 1024) in message


def test_size_limit_is_configurable() -> None:
    assert "the limit is 10 bytes" in error_of(b"<r>0123456789</r>", limits=XmlLimits(max_bytes=10))
    parse_xml(b"<r>0123456789</r>", SOURCE, limits=XmlLimits(max_bytes=17))


def test_libxml2_text_node_bound_still_applies_under_a_raised_size_limit() -> None:
    data = b"<r>" + b"A" * (20 * 1024 * 1024) + b"</r>"
    message = error_of(data, limits=XmlLimits(max_bytes=64 * 1024 * 1024))
    assert "invalid XML" in message


@pytest.mark.parametrize("depth", [DEFAULT_MAX_DEPTH + 1, 300, 100_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    data = b"<a>" * depth + b"</a>" * depth
    started = time.perf_counter()
    message = error_of(data)
    assert time.perf_counter() - started < 1.0
    assert "nested deeper" in message or "depth" in message


@pytest.mark.parametrize("fragment", [False, True])
def test_depth_limit_is_configurable(fragment: bool) -> None:
    limits = XmlLimits(max_depth=3)
    assert "deeper than 3 levels" in error_of(b"<a><b><c><d/></c></b></a>", limits=limits, fragment=fragment)
    parse_xml(b"<a><b><c/></b></a>", SOURCE, limits=limits, fragment=fragment)


# --- properties -------------------------------------------------------------------------------------------

XMLISH = st.lists(
    st.sampled_from(
        [
            *("<a>", "</a>", "<b x='1'>", "</b>", "<c/>", "text", "&amp;", "&x;", "<!--c-->", "<?xml version='1.0'?>"),
            *("<!DOCTYPE a>", "\ufeff", "\x00", "é", "<![CDATA[x]]>", "<", ">", "\n"),
        ]
    ),
    max_size=30,
).map(lambda parts: "".join(parts))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), fragment=st.booleans())
def test_arbitrary_bytes_parse_or_raise_metadata_error(data: bytes, fragment: bool) -> None:
    try:
        parse_xml(data, SOURCE, fragment=fragment)
    except MetadataError as error:
        assert str(error).startswith(SOURCE + ": ")


@settings(max_examples=200, deadline=None)
@given(text=XMLISH, encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]), fragment=st.booleans())
def test_xml_like_text_parses_or_raises_metadata_error(text: str, encoding: str, fragment: bool) -> None:
    try:
        parse_xml(text.encode(encoding, "surrogatepass"), SOURCE, fragment=fragment)
    except MetadataError as error:
        assert str(error).startswith(SOURCE + ": ")


@pytest.mark.parametrize("codec", sorted(set(encodings.aliases.aliases.values()) | {"rot13", "mbcs", "oem"}))
def test_any_declared_codec_parses_or_raises_metadata_error(codec: str) -> None:
    for body in (b"<r>\xe9\x82\x00+AD4-</r>", b"<r>plain</r>"):
        data = f'<?xml version="1.0" encoding="{codec}"?>'.encode() + body
        try:
            parse_xml(data, SOURCE)
        except MetadataError as error:
            assert str(error).startswith(SOURCE + ": ")
