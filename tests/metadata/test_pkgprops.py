"""pkgProperties.txt: the real files, encodings, and one test per error message."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkginspect.errors import MetadataError
from pkginspect.metadata import parse_pkgprops
from tests.metadata.conftest import SampleMember

SOURCE = "x.msu!Windows6.1-KB1-x64-pkgProperties.txt"


def test_kb4538483(sample_member: SampleMember) -> None:
    name = "Windows6.1-KB4538483-x64-pkgProperties.txt"
    record = parse_pkgprops(sample_member("KB4538483-x64.msu", name), name)
    assert list(record) == [
        "ApplicabilityInfo",
        "Applies to",
        "Build Date",
        "Company",
        "File Version",
        "Installation Type",
        "Installer Engine",
        "Installer Version",
        "KB Article Number",
        "Language",
        "Package Type",
        "Processor Architecture",
        "Product Name",
        "Support Link",
    ]
    assert record["Package Type"] == "Security Update"
    assert record.package_type == "Security Update"
    assert record.kb == 4538483
    assert record.architecture == "amd64"
    assert record.build_date == dt.date(2020, 5, 1)
    assert record.product_name == "Windows 6.1"
    assert record.applies_to == "Windows 6.1"
    assert record.installation_type == "FULL"
    assert record.installer_engine == "Component Based Servicing - WUSA.exe"
    assert record.installer_version == "6.1.7601.24550"
    assert record.language == "ALL"
    assert record.company == "Microsoft Corporation"
    assert record.support_link == "http://support.microsoft.com?kbid=4538483"
    assert record.applicability_info == (
        "Windows 7.0 Client SP1",
        "Windows 7.0 Server Core SP1",
        "Windows 7.0 Embedded SP1",
        "Windows 7.0 Server SP1",
    )
    assert record.lookup("package type") == "Security Update"
    data = record.to_dict()
    json.dumps(data)
    assert data["build_date"] == "2020-05-01"
    assert data["properties"]["KB Article Number"] == "4538483"


@pytest.mark.parametrize(
    ("sample", "kb", "package_type", "build_date", "applicability_count"),
    [
        ("KB2465285-x64.msu", 2465285, "Hotfix", dt.date(2010, 12, 22), 6),
        ("KB3040017-x64.msu", 3040017, "Hotfix", dt.date(2015, 3, 20), 4),
    ],
)
def test_other_samples(
    sample_member: SampleMember,
    sample: str,
    kb: int,
    package_type: str,
    build_date: dt.date,
    applicability_count: int,
) -> None:
    name = f"Windows6.1-KB{kb}-x64-pkgProperties.txt"
    record = parse_pkgprops(sample_member(sample, name), name)
    assert (record.kb, record.package_type, record.build_date) == (kb, package_type, build_date)
    assert record.architecture == "amd64"
    assert len(record.applicability_info) == applicability_count


TEXT = 'Package Type="Update"\r\n\r\nKB Article Number="123456"\r\nTitle="a "quoted" word"\r\nEmpty=""\r\n'


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("ascii"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.replace("\r\n", "\n").encode(),
        TEXT.replace("\r\n", "\r").encode(),
    ],
    ids=["ascii", "utf8-bom", "utf16le-bom", "utf16be-bom", "lf", "cr"],
)
def test_encodings_and_line_endings(data: bytes) -> None:
    record = parse_pkgprops(data, SOURCE)
    assert dict(record) == {
        "Package Type": "Update",
        "KB Article Number": "123456",
        "Title": 'a "quoted" word',
        "Empty": "",
    }
    assert record.kb == 123456
    assert record.build_date is None
    assert record.applicability_info == ()


def test_stream_input_and_lenient_accessors() -> None:
    record = parse_pkgprops(io.BytesIO(b'  KB Article Number = "KB42000"  \nBuild Date="someday"\n'), SOURCE)
    assert record.kb == 42000
    assert record.build_date is None
    assert record.get("Missing") is None
    with pytest.raises(KeyError):
        record["Missing"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b'A="1"\r\nthis is not a property\r\n', "line 2: expected Key=\"Value\", got 'this is not a property'"),
        (b'A="1"\nB=2\n', 'line 2: expected Key="Value"'),
        (b'="x"\n', 'line 1: expected Key="Value"'),
        (b'A="1\n', 'line 1: expected Key="Value"'),
        (b'A="1"\n\nA="2"\n', "line 3: duplicate key 'A' (first on line 1)"),
        (b"", "empty pkgProperties file"),
        (b"\r\n  \r\n", "empty pkgProperties file"),
        (b'A="\xff"\n', "not valid UTF-8 text (byte 0xff at offset 3)"),
        (b"\xff\xfeA\x00=\x00\x00\xd8", "not valid UTF-16LE text"),
        ('A="1"'.encode("utf-16-le"), "unexpected NUL character"),
        (b"A=" + b'"' + b"x" * 100 + b"\n", "..."),
    ],
    ids=[
        "not-a-property",
        "unquoted",
        "no-key",
        "unterminated",
        "duplicate",
        "empty",
        "blank",
        "bad-utf8",
        "bad-utf16",
        "utf16-without-bom",
        "long-line-shortened",
    ],
)
def test_errors_name_source_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_pkgprops(data, SOURCE)
    assert str(caught.value).startswith(SOURCE + ": ")
    assert problem in str(caught.value)


def test_size_bound() -> None:
    with pytest.raises(MetadataError, match="too large"):
        parse_pkgprops(b'A="1"\n' * 100, SOURCE, max_bytes=50)


LINES = st.lists(
    st.one_of(
        st.tuples(st.text(min_size=1, max_size=10), st.text(max_size=10)).map(lambda kv: f'{kv[0]}="{kv[1]}"'),
        st.text(max_size=20),
    ),
    max_size=8,
).map("\r\n".join)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=1000))
def test_arbitrary_bytes_parse_or_raise_metadata_error(data: bytes) -> None:
    try:
        parse_pkgprops(data, SOURCE)
    except MetadataError as error:
        assert str(error).startswith(SOURCE + ": ")


@settings(max_examples=200, deadline=None)
@given(text=LINES, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_property_like_text_parses_or_raises_metadata_error(text: str, encoding: str) -> None:
    try:
        record = parse_pkgprops(text.encode(encoding, "surrogatepass"), SOURCE)
    except MetadataError as error:
        assert str(error).startswith(SOURCE + ": ")
    else:
        assert len(record) >= 1
        json.dumps(record.to_dict())
