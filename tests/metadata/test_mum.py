"""Package manifests (.mum): real samples checked against values read by hand, and synthetic edge cases."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import AssemblyIdentity, PackageManifest, parse_mum
from tests.metadata.conftest import SampleMember

KB4538483_CAB = ("KB4538483-x64.msu", "Windows6.1-KB4538483-x64.cab")
KB3040017_CAB = ("KB3040017-x64.msu", "Windows6.1-KB3040017-x64.cab")
KB2465285_CAB = ("KB2465285-x64.msu", "Windows6.1-KB2465285-x64.cab")


def mum(sample_member: SampleMember, *path: str) -> PackageManifest:
    return parse_mum(sample_member(*path), "!".join(path))


def names(identities: tuple[AssemblyIdentity, ...]) -> list[str]:
    return [identity.name for identity in identities]


# --- KB4538483 (Security Update, Windows 7 SP1, 2020) -----------------------------------------------------


def test_kb4538483_update_mum(sample_member: SampleMember) -> None:
    record = mum(sample_member, *KB4538483_CAB, "update.mum")
    assert record.source == "KB4538483-x64.msu!Windows6.1-KB4538483-x64.cab!update.mum"
    assert record.kb == 4538483
    assert record.identifier == "KB4538483"
    assert record.release_type == "Security Update"
    assert record.restart == "possible"
    assert record.applicability_evaluation == "deep"
    assert record.name == "Package_for_KB4538483"
    assert record.version == "6.1.1.2"
    assert record.version_tuple == (6, 1, 1, 2)
    assert record.architecture == "amd64"
    assert record.identity.language == "neutral"
    assert record.identity.public_key_token == "31bf3856ad364e35"
    assert record.identity.key == "Package_for_KB4538483~31bf3856ad364e35~amd64~~6.1.1.2"
    assert record.description == "Fix for KB4538483"
    assert record.company == "Microsoft Corporation"
    assert record.support_information == "http://support.microsoft.com/?kbid=4538483"
    assert record.creation_time_stamp == "2020-05-01T22:03:26Z"
    assert record.last_update_time_stamp == "2020-05-01T22:03:26Z"
    assert record.created == dt.datetime(2020, 5, 1, 22, 3, 26, tzinfo=dt.timezone.utc)
    assert record.manifest_version == "1.0"
    # parents
    assert len(record.parents) == 1
    parent = record.parents[0]
    assert (parent.build_compare, parent.service_compare, parent.revision_compare) == ("EQ", "GE", None)
    assert (parent.integrate, parent.disposition) == ("separate", "detect")
    assert names(record.parent_identities) == [
        "Microsoft-Windows-Foundation-Package",
        "Microsoft-Windows-FailoverCluster-Core-WOW64-Package",
        "Microsoft-Windows-ServerCore-WOW64-Package",
        "Microsoft-Windows-ServerCore-Package",
        "WinEmb-Branding-Embedded-Standard-Package",
        "WinEmb-Branding-Embedded-Neutral-Package",
        "Microsoft-Windows-EmbeddedCore-Package",
        "WinEmb-Branding-Embedded-POSReady7-Package",
        "Microsoft-Windows-Client-Features-Package",
        "Microsoft-Windows-Server-Features-Package",
    ]
    foundation = record.parent_identities[0]
    assert foundation.version == "6.1.7601.17514"
    assert foundation.build_type == "release"
    assert foundation.version_scope is None
    assert record.parent_identities[4].version_scope == "nonSxS"
    # installer and contents
    assert record.installer_assembly is not None
    assert record.installer_assembly.name == "Microsoft-Windows-ServicingStack"
    assert record.installer_assembly.version == "6.1.7601.24550"
    assert [update.name for update in record.updates] == ["4538483-34_neutral_PACKAGE"]
    assert record.updates[0].kind == "package"
    assert dict(record.updates[0].content_attributes) == {"integrate": "hidden"}
    assert names(record.sub_packages) == ["Package_for_KB4538483_SP1"]
    assert record.components == ()
    assert record.package_extended is None
    assert len(record.custom_information) == 0
    assert record.unknown == ()


def test_kb4538483_sub_package_lists(sample_member: SampleMember) -> None:
    sp1 = mum(sample_member, *KB4538483_CAB, "package_for_kb4538483_sp1~31bf3856ad364e35~amd64~~6.1.1.2.mum")
    assert sp1.name == "Package_for_KB4538483_SP1"
    assert sp1.parents[0].disposition == "staged"
    assert names(sp1.sub_packages) == [f"Package_{n}_for_KB4538483" for n in range(1, 7)]
    assert [update.name for update in sp1.updates] == [f"4538483-{n}_neutral_PACKAGE" for n in range(28, 34)]

    one = mum(sample_member, *KB4538483_CAB, "package_1_for_kb4538483~31bf3856ad364e35~amd64~~6.1.1.2.mum")
    assert one.name == "Package_1_for_KB4538483"
    assert one.applicability_evaluation is None
    assert one.parents[0].service_compare == "EQ"
    assert [update.name for update in one.updates] == ["4538483-1_neutral_LDR", "4538483-2_neutral_LDR"]
    first, second = one.updates
    assert first.kind == "component"
    assert first.applicable_disposition == "staged"
    assert names(first.applicable) == ["Microsoft-Windows-Security-SPP-Component-PkeyConfig"]
    assert first.applicable[0].processor_architecture == "x86"
    assert first.applicable[0].version == "6.1.7601.24553"
    assert names(first.identities) == ["9eabfbba5578b275c15cfec957777b1d"]
    assert second.applicable[0].processor_architecture == "wow64"
    assert names(one.components) == ["9eabfbba5578b275c15cfec957777b1d", "48206d79e33d3d8610192d07c9248794"]
    assert one.sub_packages == ()


def test_kb4538483_every_mum_parses_and_is_json(sample_member: SampleMember) -> None:
    listing = ["update.mum"] + [f"package_{n}_for_kb4538483~31bf3856ad364e35~amd64~~6.1.1.2.mum" for n in range(1, 7)]
    for name in listing:
        record = mum(sample_member, *KB4538483_CAB, name)
        assert record.kb == 4538483
        assert record.restart == "possible"
        data = record.to_dict()
        json.dumps(data)
        assert data["kb"] == 4538483
        assert data["identity"]["processor_architecture"] == "amd64"


# --- the other samples ------------------------------------------------------------------------------------


def test_kb3040017_sub_packages_require_restart(sample_member: SampleMember) -> None:
    top = mum(sample_member, *KB3040017_CAB, "update.mum")
    assert (top.kb, top.release_type, top.restart) == (3040017, "Hotfix", "possible")
    assert names(top.parent_identities) == [
        "Microsoft-Windows-Client-Drivers-Package",
        "Microsoft-Windows-Server-Drivers-Package",
        "Microsoft-Windows-ServerCore-Drivers-Package",
        "WinEmb-INF-ntprint",
    ]
    assert names(top.sub_packages) == ["Package_for_KB3040017_SP1"]
    sp1 = mum(sample_member, *KB3040017_CAB, "package_for_kb3040017_sp1~31bf3856ad364e35~amd64~~6.1.1.0.mum")
    assert sp1.restart == "possible"
    assert names(sp1.sub_packages) == ["Package_1_for_KB3040017", "Package_2_for_KB3040017"]
    for n in (1, 2):
        sub = mum(sample_member, *KB3040017_CAB, f"package_{n}_for_kb3040017~31bf3856ad364e35~amd64~~6.1.1.0.mum")
        assert sub.name == f"Package_{n}_for_KB3040017"
        assert sub.restart == "required"
        assert sub.release_type == "Hotfix"


def test_kb2465285_hotfix_with_two_parent_builds(sample_member: SampleMember) -> None:
    top = mum(sample_member, *KB2465285_CAB, "update.mum")
    assert (top.kb, top.release_type, top.restart, top.version) == (2465285, "Hotfix", "possible", "6.1.1.0")
    assert top.creation_time_stamp == "2010-12-22T15:39:38Z"
    assert [(i.name, i.version) for i in top.parent_identities] == [
        ("Microsoft-Windows-Foundation-Package", "6.1.7600.16385"),
        ("WinEmb-Networking-Foundation", "6.1.7600.16385"),
        ("Microsoft-Windows-Foundation-Package", "6.1.7601.17514"),
        ("WinEmb-Networking-Foundation", "6.1.7601.17514"),
    ]
    assert top.installer_assembly is not None and top.installer_assembly.version == "6.0.0.0"
    assert names(top.sub_packages) == ["Package_for_KB2465285_RTM", "Package_for_KB2465285_SP1"]


def test_kb2938772_package_extended_and_drivers(sample_member: SampleMember) -> None:
    top = mum(sample_member, "KB2938772-x64.cab", "update.mum")
    assert (top.kb, top.release_type, top.restart, top.version) == (2938772, "Update", "possible", "6.3.1.0")
    assert top.package_extended is not None
    assert top.package_extended.completely_offline_capable is True
    assert top.package_extended.package_size == 949044
    assert dict(top.package_extended.attributes) == {"completelyOfflineCapable": "yes", "packageSize": "949044"}
    assert len(top.parent_identities) == 7
    assert top.parent_identities[0].name == "Microsoft-Windows-Client-Features-Package-AutoMerged-net"
    assert names(top.sub_packages) == ["Package_for_KB2938772_RTM"]
    assert top.unknown == ()

    driver = mum(sample_member, "KB2938772-x64.cab", "Package_1_for_KB2938772~31bf3856ad364e35~amd64~~6.3.1.0.mum")
    assert driver.restart == "required"
    update = driver.updates[0]
    assert update.name == "2938772-1_neutral_GDR"
    assert update.kind == "driver"
    assert dict(update.content_attributes) == {"inf": "netrasa.inf", "ranking": "currentDevices"}
    assert names(driver.drivers) == ["netrasa.inf"]
    assert driver.drivers[0].type == "driverUpdate"
    assert names(update.applicable) == ["netrasa.inf"]

    gm = mum(sample_member, "KB2938772-x64.cab", "Package_for_KB2938772_RTM_GM~31bf3856ad364e35~amd64~~6.3.1.0.mum")
    parent = gm.parents[0]
    assert (parent.build_compare, parent.service_compare, parent.revision_compare) == ("GE", None, "GE")
    assert [(i.name, i.version) for i in gm.parent_identities] == [("Package_for_KB2919355", "6.3.1.14")]
    assert names(gm.sub_packages) == [f"Package_{n}_for_KB2938772" for n in range(1, 6)]


def test_kb2883457_bf_identifier_and_tabs(sample_member: SampleMember) -> None:
    top = mum(sample_member, "kb2883457-amd64.cab", "update.mum")
    assert (top.kb, top.release_type, top.restart) == (2883457, "Security Update", "possible")
    assert names(top.parent_identities) == ["WinPE-SRT-Package"]
    bf = mum(sample_member, "kb2883457-amd64.cab", "update-bf.mum")
    assert bf.identifier == "KB2883457_BF"
    assert bf.kb == 2883457
    assert bf.name == "Package_for_KB2883457_BF"
    assert names(bf.sub_packages) == ["Package_for_KB2883457_RTM_BF"]
    one = mum(sample_member, "kb2883457-amd64.cab", "package_1_for_kb2883457~31bf3856ad364e35~amd64~~6.1.1.0.mum")
    assert names(one.components) == ["060ce3e341296b0a145e540da35aca92", "d4aeae0fc7962257f8bb56b05147cd6a"]
    assert [i.version for i in one.updates[0].applicable] == ["6.1.7601.22435"]


# --- synthetic --------------------------------------------------------------------------------------------

MODERN = b"""\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0" copyright="Microsoft Corporation">
  <assemblyIdentity name="Package_for_RollupFix" version="20348.2402.1.12" language="neutral"
      processorArchitecture="amd64" publicKeyToken="31bf3856ad364e35"/>
  <package identifier="KB5036909" releaseType="Security Update" restart="required" selfUpdate="true"
      permanence="removable" psfName="Windows10.0-KB5036909-x64.psf" targetPartition="MainOS"
      binaryPartition="false" futureAttribute="x">
    <mum2:customInformation xmlns:mum2="urn:schemas-microsoft-com:asm.v3" PackageFormat="PSFX"
        PSFXVersion="2" PSFXDeltaFormat="ForwardOnly"><mum2:phoneInformation phoneRelease="x"/></mum2:customInformation>
    <parent buildCompare="EQ" revisionCompare="GE" integrate="separate" disposition="detect">
      <assemblyIdentity name="Microsoft-Windows-Foundation-Package" version="10.0.20348.1"/>
    </parent>
    <declareCapability><capability><capabilityIdentity name="x"/></capability></declareCapability>
    <update name="one"><package integrate="visible"><assemblyIdentity name="Multi_Release_Package"/></package>
      <somethingNew flag="1"/></update>
    <update name="empty"/>
  </package>
  <trustInfo/>
</assembly>
"""


def test_modern_attributes_custom_information_and_unknown_elements_kept() -> None:
    record = parse_mum(MODERN, "lcu.cab!update.mum")
    assert record.kb == 5036909
    assert record.version_tuple == (20348, 2402, 1, 12)
    assert (record.restart, record.self_update, record.permanence) == ("required", "true", "removable")
    assert record.psf_name == "Windows10.0-KB5036909-x64.psf"
    assert (record.target_partition, record.binary_partition) == ("MainOS", "false")
    assert record.package_attributes["futureAttribute"] == "x"
    assert dict(record.custom_information) == {
        "PackageFormat": "PSFX",
        "PSFXVersion": "2",
        "PSFXDeltaFormat": "ForwardOnly",
    }
    assert {(u.tag, u.parent) for u in record.unknown} == {
        ("phoneInformation", "customInformation"),
        ("declareCapability", "package"),
        ("trustInfo", "assembly"),
    }
    assert record.parents[0].revision_compare == "GE"
    one, empty = record.updates
    assert one.kind == "package"
    assert [(u.tag, dict(u.attributes)) for u in one.unknown] == [("somethingNew", {"flag": "1"})]
    assert (empty.kind, empty.identities) == (None, ())
    assert record.description is None
    json.dumps(record.to_dict())


def test_records_are_frozen_and_hashable() -> None:
    record = parse_mum(MODERN, "update.mum")
    with pytest.raises(AttributeError):
        record.restart = "never"  # type: ignore[misc]  # writing a frozen field on purpose
    assert hash(record) == hash(parse_mum(MODERN, "update.mum"))
    assert record == parse_mum(MODERN, "update.mum")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<unattend/>", "root element is <unattend>, not <assembly>"),
        (b'<assembly><package identifier="KB1"/></assembly>', "no <assemblyIdentity> element"),
        (b'<assembly><assemblyIdentity name="x"/></assembly>', "no <package> element"),
        (b"<assembly>", "invalid XML"),
        (b"", "empty document"),
    ],
)
def test_errors_name_source_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_mum(data, "a.msu!b.cab!update.mum")
    assert str(caught.value).startswith("a.msu!b.cab!update.mum: ")
    assert problem in str(caught.value)
