"""The .msu unattend file: the real samples and errors."""

from __future__ import annotations

import json

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import parse_unattend
from tests.metadata.conftest import SampleMember


@pytest.mark.parametrize(
    ("sample", "kb", "version"),
    [
        ("KB4538483-x64.msu", 4538483, "6.1.1.2"),
        ("KB2465285-x64.msu", 2465285, "6.1.1.0"),
        ("KB3040017-x64.msu", 3040017, "6.1.1.0"),
    ],
)
def test_real_unattend_files(sample_member: SampleMember, sample: str, kb: int, version: str) -> None:
    name = f"Windows6.1-KB{kb}-x64.xml"
    record = parse_unattend(sample_member(sample, name), name)
    (package,) = record.packages
    assert package.action == "install"
    assert package.identity is not None
    assert package.identity.name == f"Package_for_KB{kb}"
    assert package.identity.version == version
    assert package.identity.processor_architecture == "amd64"
    assert package.identity.language == "neutral"
    assert package.identity.public_key_token == "31bf3856ad364e35"
    assert package.source_location == f"%configsetroot%\\Windows6.1-KB{kb}-x64.CAB"
    assert package.source_file_name == f"Windows6.1-KB{kb}-x64.CAB"
    assert record.unknown == ()
    json.dumps(record.to_dict())


def test_several_packages_and_unknown_elements() -> None:
    record = parse_unattend(
        b'<unattend xmlns="urn:schemas-microsoft-com:unattend"><settings pass="offlineServicing"/>'
        b'<servicing><package action="install"><assemblyIdentity name="A"/><source location="a.cab"/></package>'
        b'<package action="remove"><assemblyIdentity name="B"/></package></servicing></unattend>',
        "u.xml",
    )
    assert [(p.action, p.identity.name if p.identity else None) for p in record.packages] == [
        ("install", "A"),
        ("remove", "B"),
    ]
    assert record.packages[0].source_file_name == "a.cab"
    assert record.packages[1].source_location is None
    assert record.packages[1].source_file_name is None
    assert [(u.tag, dict(u.attributes)) for u in record.unknown] == [("settings", {"pass": "offlineServicing"})]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<assembly/>", "not an unattend file: root element is <assembly>, not <unattend>"),
        (b"<unattend>", "invalid XML"),
        (b"", "empty document"),
    ],
)
def test_errors_name_source_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_unattend(data, "x.msu!Windows6.1-KB1-x64.xml")
    assert str(caught.value).startswith("x.msu!Windows6.1-KB1-x64.xml: ")
    assert problem in str(caught.value)
