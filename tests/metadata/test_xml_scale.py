"""XML documents with huge attribute or element counts are refused quickly (issue 17, item 3)."""

from __future__ import annotations

import time

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import PARSERS
from pkginspect.metadata.xmlsafe import XmlLimits, parse_xml

NS = 'xmlns="urn:schemas-microsoft-com:asm.v3"'


def many_attributes(count: int) -> bytes:
    attributes = " ".join(f'a{index}="1"' for index in range(count))
    return (f'<assembly {NS}><assemblyIdentity name="x" version="1.0.0.0" {attributes}/>'
            '<package identifier="KB1"/></assembly>').encode()


def many_elements(count: int) -> bytes:
    return (f'<assembly {NS}><assemblyIdentity name="x" version="1.0.0.0"/><package identifier="KB1">'
            + "<update name='a'/>" * count + "</package></assembly>").encode()


@pytest.mark.parametrize("kind", ["mum", "manifest", "compdb", "wsus-core"])
def test_two_hundred_thousand_attributes(kind: str) -> None:
    started = time.monotonic()
    with pytest.raises(MetadataError) as caught:
        PARSERS[kind](many_attributes(200_000), "pkg.msu!update.mum")
    assert str(caught.value) == (
        "pkg.msu!update.mum: invalid XML: an element <assemblyIdentity> with more than 256 attributes "
        "(the max_attributes limit; raise it with XmlLimits(max_attributes=…))"
    )
    assert time.monotonic() - started < 5


def test_three_hundred_thousand_elements_in_a_package_manifest() -> None:
    started = time.monotonic()
    with pytest.raises(MetadataError) as caught:
        PARSERS["mum"](many_elements(300_000), "update.mum")
    assert str(caught.value) == ("update.mum: invalid XML: more than 50000 elements (the max_elements limit; "
                                 "raise it with XmlLimits(max_elements=…))")
    assert time.monotonic() - started < 5


def test_element_limit_of_other_documents() -> None:
    with pytest.raises(MetadataError, match="more than 200000 elements"):
        parse_xml(b"<a>" + b"<b/>" * 200_001 + b"</a>", "x.xml")
    assert len(parse_xml(b"<a>" + b"<b/>" * 300 + b"</a>", "x.xml", limits=XmlLimits(max_elements=301))) == 300


def test_an_ordinary_manifest_is_unaffected() -> None:
    manifest = PARSERS["mum"](many_elements(2000), "update.mum")
    assert manifest is not None
