"""Component manifests: a real one read by hand, delta-compressed detection, and errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkginspect.errors import MetadataError
from pkginspect.metadata import parse_express_index, parse_manifest, sniff_manifest
from tests.metadata.conftest import SampleMember

CAB = ("KB4538483-x64.msu", "Windows6.1-KB4538483-x64.cab")
SPP = "amd64_microsoft-windows-security-spp_31bf3856ad364e35_6.1.7601.24553_none_78e4737a50d1c31a.manifest"
DEPLOYMENT = "amd64_9eabfbba5578b275c15cfec957777b1d_31bf3856ad364e35_6.1.7601.24553_none_d28084fe569dc91f.manifest"


def test_real_component_manifest(sample_member: SampleMember) -> None:
    record = parse_manifest(sample_member(*CAB, SPP), SPP)
    assert record.compressed is False
    assert record.compression is None
    assert record.identity is not None
    assert record.identity.name == "Microsoft-Windows-Security-SPP"
    assert record.identity.version == "6.1.7601.24553"
    assert record.identity.processor_architecture == "amd64"
    assert record.identity.version_scope == "nonSxS"
    assert record.version_tuple == (6, 1, 7601, 24553)
    assert len(record.dependencies) == 1
    dependency = record.dependencies[0]
    assert dependency.dependency_type == "prerequisite"
    assert dependency.identity is not None
    assert dependency.identity.name == "Microsoft-Windows-Security-SPP.Resources"
    assert dependency.identity.language == "*"
    assert dict(dependency.attributes) == {"discoverable": "no", "resourceType": "Resources"}
    assert [file.name for file in record.files] == ["sppsvc.exe", "Security-SPP-ppdlic.xrm-ms"]
    sppsvc = record.files[0]
    assert sppsvc.destination_path == "$(runtime.system32)\\"
    assert sppsvc.source_name == "sppsvc.exe"
    assert sppsvc.source_path == ".\\"
    assert sppsvc.hash_algorithm == "sha256"
    assert sppsvc.hash_value == "uU4dwhek35TQhi9QA4JHlRP1RP4Q5lTaJ1jFYgi7j54="
    assert record.registry_key_count == 6
    assert record.registry_value_count == 13
    assert {element.tag for element in record.unknown} == {
        "configuration",
        "directories",
        "imaging",
        "localization",
        "memberships",
        "migration",
        "sppInstaller",
        "taskScheduler",
        "trustInfo",
    }
    json.dumps(record.to_dict())


def test_manifest_hash_matches_the_express_index(sample_member: SampleMember) -> None:
    record = parse_manifest(sample_member(*CAB, SPP), SPP)
    index = parse_express_index(sample_member(*CAB, "_manifest_.cix.xml"), "_manifest_.cix.xml")
    entry = index.file_named(SPP.removesuffix(".manifest") + "\\sppsvc.exe")
    assert entry is not None
    assert entry.hash_algorithm == "SHA256"
    assert record.files[0].hash_hex == entry.hash_value


def test_deployment_manifest_dependency_on_the_real_component(sample_member: SampleMember) -> None:
    record = parse_manifest(sample_member(*CAB, DEPLOYMENT), DEPLOYMENT)
    assert record.identity is not None
    assert record.identity.name == "9eabfbba5578b275c15cfec957777b1d"
    assert record.files == ()
    assert record.dependencies[0].dependency_type == "install"
    assert record.dependencies[0].identity is not None
    assert record.dependencies[0].identity.name == "Microsoft-Windows-Security-SPP-Component-PkeyConfig"
    assert [element.tag for element in record.unknown] == ["deployment"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"DCM\x01PA30\x00\x00", "DCM"),
        (b"DCN\x01\x00\x00", "DCN"),
        (b"DCS\x01\x01\x00\x00\x00", "DCS"),
        (b"DCD\x01", "DCD"),
        (b"DCH\x01", "DCH"),
        (b"DCX\x01", "DCX"),
        (b"PA30\x00B\x16\x08", "PA30"),
        (b"PA31\x00", "PA31"),
        (b"\x12\x34\x56\x78PA30rest", "PA30"),
        (b"<?xml version", None),
        (b"\xef\xbb\xbf<assembly", None),
        (b"DCM\x02", None),
        (b"DC", None),
        (b"", None),
    ],
)
def test_sniff_manifest(head: bytes, expected: str | None) -> None:
    assert sniff_manifest(head) == expected


@pytest.mark.parametrize("magic", [b"DCM\x01", b"DCN\x01", b"DCS\x01", b"DCD\x01", b"DCH\x01", b"DCX\x01", b"PA30"])
def test_compressed_manifest_is_reported_not_raised(magic: bytes) -> None:
    record = parse_manifest(magic + bytes(range(256)) * 4, "x.manifest")
    assert record.compressed is True
    assert record.compression == sniff_manifest(magic)
    assert record.identity is None
    assert record.files == ()
    assert record.to_dict()["compressed"] is True


def test_real_pa30_payload_is_detected(sample_member: SampleMember) -> None:
    record = parse_manifest(sample_member("kb2883457-amd64.cab", "0"), "kb2883457-amd64.cab!0")
    assert (record.compressed, record.compression) == (True, "PA30")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty document"),
        (b"\x00\x01garbage", "invalid XML"),
        (b"<assembly><file></assembly>", "invalid XML"),
        (b"<package/>", "root element is <package>, not <assembly>"),
    ],
)
def test_errors_name_source_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_manifest(data, "a.cab!x.manifest")
    assert str(caught.value).startswith("a.cab!x.manifest: ")
    assert problem in str(caught.value)


def test_hash_hex_tolerates_bad_base64() -> None:
    record = parse_manifest(
        b'<assembly><assemblyIdentity name="c"/><file name="f"><hash><DigestMethod Algorithm="x#SHA1"/>'
        b"<DigestValue>!!!</DigestValue></hash></file></assembly>",
        "c.manifest",
    )
    assert record.files[0].hash_algorithm == "sha1"
    assert record.files[0].hash_hex is None


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=512))
def test_arbitrary_bytes_give_a_record_or_metadata_error(data: bytes) -> None:
    try:
        parse_manifest(data, "x.manifest")
    except MetadataError as error:
        assert str(error).startswith("x.manifest: ")
