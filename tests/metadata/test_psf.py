"""Express container indexes (``_manifest_.cix.xml``) of the real samples, and errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import parse_express_index
from tests.metadata.conftest import SampleMember


def test_kb2883457_index(sample_member: SampleMember) -> None:
    record = parse_express_index(sample_member("kb2883457-amd64.cab", "_manifest_.cix.xml"), "_manifest_.cix.xml")
    assert (record.container_name, record.container_type) == ("kb2883457.cab", "CAB")
    assert (record.container_length, record.version) == (512047, "1")
    assert record.description is None
    assert len(record.files) == 22
    assert record.delta_type_counts == {"RAW": 16, "PA30": 6}
    mum = record.files[0]
    assert (mum.id, mum.name, mum.length, mum.file_attributes) == ("40", "update.mum", 1421, 32)
    assert (mum.hash_algorithm, mum.hash_value) == ("SHA1", "dcb3981119225f993918dc820469d69d97ec6bb6")
    assert mum.time == 130221464953491250
    assert mum.modified == dt.datetime(2013, 8, 28, 6, 54, 55, 349125, tzinfo=dt.timezone.utc)
    (raw,) = mum.sources
    assert (raw.type, raw.name, raw.offset, raw.length) == ("RAW", "update.mum", None, None)
    assert raw.hash_value == mum.hash_value
    startrep = record.file_named(
        "amd64_microsoft-windows-winre-tools_31bf3856ad364e35_6.1.7601.22435_none_289885cc9fdecac6\\startrep.exe"
    )
    assert startrep is not None
    assert startrep.id == "30"
    assert startrep.length == 620032
    assert startrep.delta_types == ("PA30",)
    assert startrep.sources[0].name == "0"
    assert startrep.sources[0].hash_value == "ce687f42b2c37eb4581dd1808b0182f51a44ff4e"
    assert startrep.basis_ids == ()
    second = next(file for file in record.files if file.id == "29")
    assert second.basis_ids == ("30",)
    assert second.sources[0].name == "1"
    assert sorted(s.name or "" for f in record.files for s in f.sources if s.type == "PA30") == list("012345")
    assert record.unknown == ()
    json.dumps(record.to_dict())


def test_kb4538483_index(sample_member: SampleMember) -> None:
    cab = ("KB4538483-x64.msu", "Windows6.1-KB4538483-x64.cab")
    record = parse_express_index(sample_member(*cab, "_manifest_.cix.xml"), "_manifest_.cix.xml")
    assert (record.container_name, record.container_length) == ("kb4538483.cab", 4226134)
    assert len(record.files) == 180
    assert record.delta_type_counts == {"RAW": 70, "PA30": 108}
    mum = record.file_named("UPDATE.MUM")
    assert mum is not None
    assert mum.hash_algorithm == "SHA256"
    assert mum.hash_value == "68d3fdf6248f8e833471096b88f46e49d1f6162b934eaad6be778e3c76c5d178"
    assert mum.length == 3449


def test_psf_style_sources_with_offsets() -> None:
    record = parse_express_index(
        b'<Container xmlns="urn:ContainerIndex" name="x.psf" type="PSF" length="10" version="2">'
        b'<Description>d</Description><Files><File id="1" name="a\\b.dll" length="5" time="bad" attr="32">'
        b'<Hash alg="SHA256" value="00"/><Delta><Source type="PA30" offset="100" length="42">'
        b'<Hash alg="SHA256" value="11"/></Source><Source type="RAW" offset="0" length="5"/></Delta></File>'
        b"</Files><Extra/></Container>",
        "express.psf.cix.xml",
    )
    assert record.description == "d"
    (file,) = record.files
    assert file.time is None and file.modified is None
    assert [(s.type, s.offset, s.length, s.hash_value) for s in file.sources] == [
        ("PA30", 100, 42, "11"),
        ("RAW", 0, 5, None),
    ]
    assert [u.tag for u in record.unknown] == ["Extra"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<assembly/>", "not an express index: root element is <assembly>, not <Container>"),
        (b"<Container><Files></Container>", "invalid XML"),
        (b"", "empty document"),
    ],
)
def test_errors_name_source_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_express_index(data, "a.cab!_manifest_.cix.xml")
    assert str(caught.value).startswith("a.cab!_manifest_.cix.xml: ")
    assert problem in str(caught.value)
