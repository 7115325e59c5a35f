"""CompDB parsing: synthetic databases in the layouts third-party tools describe (no real one is at hand)."""

from __future__ import annotations

import json

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import parse_compdb
from pkginspect.metadata.compdb import is_hotpatch_compdb_name

LCU = b"""<?xml version="1.0" encoding="utf-8"?>
<CompDB xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    CreatedDate="2024-04-09T00:00:00Z" Revision="1" SchemaVersion="1.3" Product="Desktop"
    BuildID="{11111111-2222-3333-4444-555555555555}" BuildInfo="rs_prerelease.240405-1400"
    OSVersion="10.0.26100.3775" BuildArch="amd64" ReleaseType="Production" Type="Update" Name="LCU"
    TargetBuildInfo="ge_release_svc_prod1.250404-1402" TargetOSVersion="10.0.26100.3775"
    xmlns="http://schemas.microsoft.com/embedded/2004/10/ImageUpdate">
  <Tags><Tag Name="UpdateType" Value="LCU"/></Tags>
  <Features>
    <Feature FeatureID="Microsoft-Windows-Client-Features-Package" Type="OptionalFeature" Group="OS">
      <Packages><Package ID="Package_for_RollupFix"/><Package ID="Microsoft-OneCore-Package"/></Packages>
    </Feature>
  </Features>
  <Packages>
    <Package ID="Package_for_RollupFix" ReleaseType="Update" PackageType="MSU" Version="26100.3775.1.5"
        InstalledSize="123" UpdateType="Canonical">
      <SatelliteInfo><ApplyToInfo><ApplyTo Type="Edition" Value="Professional"/></ApplyToInfo></SatelliteInfo>
      <Payload>
        <PayloadItem PayloadHash="abc=" PayloadSize="4096" Path="Windows11.0-KB5055523-x64.cab"
            PayloadType="Canonical" AltSourceName="x.cab"/>
      </Payload>
    </Package>
    <Package ID="Microsoft-OneCore-Package" ReleaseType="Feature Pack"><Payload/></Package>
  </Packages>
  <AppX/>
</CompDB>"""


def test_lcu_compdb() -> None:
    record = parse_compdb(LCU, "onepackage.AggregatedMetadata.cab!LCUCompDB_KB5055523.xml.cab!LCUCompDB_KB5055523.xml")
    assert (record.type, record.name, record.release_type) == ("Update", "LCU", "Production")
    assert record.build_info == "rs_prerelease.240405-1400"
    assert record.build_id == "{11111111-2222-3333-4444-555555555555}"
    assert (record.build_arch, record.os_version) == ("amd64", "10.0.26100.3775")
    assert (record.target_build_info, record.target_os_version) == (
        "ge_release_svc_prod1.250404-1402",
        "10.0.26100.3775",
    )
    assert record.attributes["SchemaVersion"] == "1.3"
    assert record.tags == (("UpdateType", "LCU"),)
    (feature,) = record.features
    assert (feature.feature_id, feature.type, feature.group) == (
        "Microsoft-Windows-Client-Features-Package",
        "OptionalFeature",
        "OS",
    )
    assert feature.package_ids == ("Package_for_RollupFix", "Microsoft-OneCore-Package")
    assert [(p.id, p.release_type) for p in record.packages] == [
        ("Package_for_RollupFix", "Update"),
        ("Microsoft-OneCore-Package", "Feature Pack"),
    ]
    rollup = record.packages[0]
    assert (rollup.package_type, rollup.version, rollup.installed_size, rollup.update_type) == (
        "MSU",
        "26100.3775.1.5",
        123,
        "Canonical",
    )
    (item,) = rollup.payload
    assert (item.path, item.payload_hash, item.payload_size, item.payload_type) == (
        "Windows11.0-KB5055523-x64.cab",
        "abc=",
        4096,
        "Canonical",
    )
    assert item.attributes["AltSourceName"] == "x.cab"
    assert record.payload_paths == ("Windows11.0-KB5055523-x64.cab",)
    assert record.is_hotpatch is False
    assert [u.tag for u in record.unknown] == ["AppX"]
    json.dumps(record.to_dict())


def test_hotpatch_markers() -> None:
    by_name = parse_compdb(b'<CompDB Type="Update"/>', "agg.cab!HotpatchCompDB_KB5037848.xml")
    assert by_name.is_hotpatch
    assert by_name.hotpatch_markers == ("file name HotpatchCompDB_KB5037848.xml",)
    by_content = parse_compdb(
        b'<CompDB Name="Hotpatch"><Tags><Tag Name="Kind" Value="HotPatch"/></Tags></CompDB>', "x.xml"
    )
    assert by_content.hotpatch_markers == ("attribute Name=Hotpatch", "tag Kind=HotPatch")
    assert by_content.to_dict()["is_hotpatch"] is True
    # One name test (is_hotpatch_compdb_name) for the parser and the package marker: "Hotpatch" alone is not it.
    assert parse_compdb(b'<CompDB Type="Update"/>', "agg.cab!Hotpatch_Notes_CompDB.xml").hotpatch_markers == ()
    assert is_hotpatch_compdb_name("a.msu!AggregatedMetadata.cab!HotpatchCompDB_KB5037848.xml.cab")
    assert not is_hotpatch_compdb_name("a.msu!Windows11.0-KB5037848-Hotpatch-x64.cab")


def test_wrapped_compdb_is_found() -> None:
    record = parse_compdb(b'<CompDBs><CompDB Type="Build"/><CompDB Type="Language"/></CompDBs>', "x.xml")
    assert record.type == "Build"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"<assembly/>", "not a CompDB: root element is <assembly> and holds no <CompDB>"),
        (b"<CompDB>", "invalid XML"),
        (b"", "empty document"),
    ],
)
def test_errors_name_source_and_problem(data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse_compdb(data, "agg.cab!SSUCompDB_KB1.xml")
    assert str(caught.value).startswith("agg.cab!SSUCompDB_KB1.xml: ")
    assert problem in str(caught.value)
