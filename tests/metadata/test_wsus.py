"""WSUSSCAN metadata: package.xml, extended, localized and core files of the real samples, and errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import (
    UPDATE_CLASSIFICATIONS,
    classification_name,
    parse_core,
    parse_extended,
    parse_localized,
    parse_package_xml,
)
from tests.metadata.conftest import SampleMember

WSUS = ("WSUSSCAN.cab", "package.cab")
SECURITY_UPDATES = "0fa1201d-4330-4fa8-8ae9-b877473b6441"
UPDATES = "cd5ffd1e-e932-4e3a-bf74-18bf0b1bbd83"
WINDOWS_7 = "6964aab4-c5b5-43bd-a17d-ffb4346a8e1d"
MICROSOFT = "56309036-4c77-4dd9-951a-99ee9c246a94"


def member(sample_member: SampleMember, sample: str, name: str) -> tuple[bytes, str]:
    return sample_member(sample, *WSUS, name), "!".join((sample, *WSUS, name))


# --- package.xml ------------------------------------------------------------------------------------------


def test_kb4538483_package_xml(sample_member: SampleMember) -> None:
    record = parse_package_xml(*member(sample_member, "KB4538483-x64.msu", "package.xml"))
    assert record.creation_date == "2020-05-02T05:09:40Z"
    assert record.created == dt.datetime(2020, 5, 2, 5, 9, 40, tzinfo=dt.timezone.utc)
    assert record.package_id == "249fb61b-8250-4d59-9f55-fc88138aa9d7"
    assert record.protocol_version == "2.0"
    assert record.minimum_client_version == "5.4.3790.2191"
    assert len(record.updates) == 765
    bundle = record.bundle
    assert bundle is not None
    assert [update.revision_id for update in record.bundles] == [2859]
    assert bundle.update_id == "f326c2c9-8e25-4d1f-850d-80495e82da3c"
    assert (bundle.revision_number, bundle.revision_id) == (501, 2859)
    assert bundle.creation_date == "2020-05-01T22:09:41Z"
    assert bundle.created == dt.datetime(2020, 5, 1, 22, 9, 41, tzinfo=dt.timezone.utc)
    assert (bundle.is_bundle, bundle.is_leaf, bundle.deployment_action) == (True, True, None)
    assert [(c.type, c.id) for c in bundle.categories] == [
        ("Company", MICROSOFT),
        ("Product", WINDOWS_7),
        ("ProductFamily", WINDOWS_7),
        ("UpdateClassification", SECURITY_UPDATES),
    ]
    assert bundle.prerequisites == ((SECURITY_UPDATES,), (WINDOWS_7,))
    assert record.classification_id == SECURITY_UPDATES
    assert record.classification_name == "Security Updates"
    (leaf,) = record.bundled_updates(bundle)
    assert leaf.update_id == "70e39fbf-7a76-4a1e-8e83-7331f5b718e8"
    assert (leaf.revision_id, leaf.deployment_action, leaf.is_bundle) == (2858, "Bundle", False)
    assert leaf.bundled_by == (2859,)
    assert leaf.payload_file_ids == ("72k19dYjaoRx6SomVy58XQcTync=",)
    assert record.url_of("72k19dYjaoRx6SomVy58XQcTync=") == "http://www.windowsupdate.com/Windows6.1-KB4538483-x64.cab"
    assert len(record.file_locations) == 1
    detectoid = record.update_by_revision(2851)
    assert detectoid is not None
    assert detectoid.is_software is False
    assert len(detectoid.prerequisites) == 1
    assert len(detectoid.prerequisites[0]) == 17  # one <Or> group
    assert record.unknown == ()
    data = record.to_dict()
    json.dumps(data)
    assert data["classification_name"] == "Security Updates"


@pytest.mark.parametrize(
    ("sample", "title", "kb", "classification"),
    [
        ("KB3040017-x64.msu", "Hotfix for Windows (KB3040017)", 3040017, UPDATES),
        ("KB2465285-x64.msu", "Hotfix for Windows (KB2465285)", 2465285, UPDATES),
        ("KB4538483-x64.msu", "Security Update for Windows (KB4538483)", 4538483, SECURITY_UPDATES),
    ],
)
def test_every_msu_bundle(sample_member: SampleMember, sample: str, title: str, kb: int, classification: str) -> None:
    package = parse_package_xml(*member(sample_member, sample, "package.xml"))
    assert package.classification_id == classification
    bundle = package.bundle
    assert bundle is not None and bundle.revision_id == 2859
    bundle_extended = parse_extended(*member(sample_member, sample, "extended/2859"))
    assert bundle_extended.msrc_severity == "Important"
    assert bundle_extended.kb == kb
    assert bundle_extended.friendly_name == f"WINDOWS6-1-KB{kb}"
    localized = parse_localized(*member(sample_member, sample, "localized/en/2859"))
    assert localized.title == title
    (leaf,) = package.bundled_updates(bundle)
    leaf_extended = parse_extended(*member(sample_member, sample, f"extended/{leaf.revision_id}"))
    assert leaf_extended.reboot_behavior == "CanRequestReboot"
    assert leaf_extended.files[0].file_name == f"Windows6.1-KB{kb}-x64.cab"
    assert leaf_extended.files[0].digest == leaf.payload_file_ids[0]


# --- extended ---------------------------------------------------------------------------------------------


def test_kb4538483_extended_bundle_and_leaf(sample_member: SampleMember) -> None:
    bundle = parse_extended(*member(sample_member, "KB4538483-x64.msu", "extended/2859"))
    assert bundle.source.endswith("!extended/2859")
    assert bundle.revision_id == 2859
    assert bundle.msrc_severity == "Important"
    assert bundle.is_beta is False
    assert bundle.friendly_name == "WINDOWS6-1-KB4538483"
    assert bundle.kb_article_id == "4538483"
    assert bundle.kb == 4538483
    assert bundle.support_url == "http://support.microsoft.com"
    assert bundle.default_properties_language == "en"
    assert bundle.installation_behavior is None
    assert bundle.reboot_behavior is None
    assert bundle.unknown == ()

    leaf = parse_extended(*member(sample_member, "KB4538483-x64.msu", "extended/2858"))
    assert leaf.handler == "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Cbs"
    assert (leaf.max_download_size, leaf.min_download_size) == (3932913, 0)
    assert leaf.msrc_severity is None
    assert leaf.installation_behavior is not None
    assert leaf.installation_behavior.reboot_behavior == "CanRequestReboot"
    assert leaf.installation_behavior.can_request_user_input is None
    assert leaf.reboot_behavior == "CanRequestReboot"
    (file,) = leaf.files
    assert file.file_name == "Windows6.1-KB4538483-x64.cab"
    assert (file.digest, file.digest_algorithm) == ("72k19dYjaoRx6SomVy58XQcTync=", "SHA1")
    assert file.size == 3932913
    assert file.modified == "2020-05-02T05:08:57.0201154"
    assert file.modified_datetime == dt.datetime(2020, 5, 2, 5, 8, 57, 20115)
    assert file.patching_type == "SelfContained"
    assert [(d.algorithm, d.value) for d in file.additional_digests] == [
        ("SHA256", "MCjBxMdgbGWbxTTBCFghbUUoXb3AAohfqlBnGFrvWlE=")
    ]
    assert leaf.handler_specific_type == "cbs:Cbs"
    json.dumps(leaf.to_dict())


def test_kb2465285_leaf_file_without_additional_digest(sample_member: SampleMember) -> None:
    leaf = parse_extended(*member(sample_member, "KB2465285-x64.msu", "extended/2858"))
    assert leaf.files[0].size == 126073
    assert leaf.files[0].additional_digests == ()


def test_category_revision(sample_member: SampleMember) -> None:
    record = parse_extended(*member(sample_member, "KB4538483-x64.msu", "extended/5"))
    assert record.handler == "http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/Category"
    assert record.handler_specific_type == "cat:Category"
    assert record.category_type == "UpdateClassification"


SYNTHETIC_EXTENDED = b"""<ExtendedProperties MsrcSeverity="Critical" IsBeta="true" Handler="h">
<KBArticleID>KB123456</KBArticleID><SecurityBulletinID>MS10-001</SecurityBulletinID>
<InstallationBehavior RebootBehavior="NeverReboots" CanRequestUserInput="false"
 RequiresNetworkConnectivity="true" Impact="Minor"/>
<UninstallationBehavior RebootBehavior="AlwaysRequiresReboot"/><CveID>CVE-2020-1</CveID></ExtendedProperties>
<Files/><Strange a="b"/>"""


def test_synthetic_extended_fields_and_unknown_elements() -> None:
    record = parse_extended(SYNTHETIC_EXTENDED, "wsus!extended/77")
    assert (record.msrc_severity, record.is_beta, record.kb, record.security_bulletin_id) == (
        "Critical",
        True,
        123456,
        "MS10-001",
    )
    assert record.installation_behavior is not None
    assert record.installation_behavior.can_request_user_input is False
    assert record.installation_behavior.requires_network_connectivity is True
    assert record.installation_behavior.impact == "Minor"
    assert record.uninstallation_behavior is not None
    assert record.uninstallation_behavior.reboot_behavior == "AlwaysRequiresReboot"
    assert [(u.tag, u.parent) for u in record.unknown] == [("CveID", "ExtendedProperties"), ("Strange", "")]
    assert record.files == ()


# --- localized --------------------------------------------------------------------------------------------


def test_kb4538483_localized(sample_member: SampleMember) -> None:
    record = parse_localized(*member(sample_member, "KB4538483-x64.msu", "localized/en/2859"))
    assert record.revision_id == 2859
    assert record.language == "en"
    assert record.title == "Security Update for Windows (KB4538483)"
    assert record.description == "Fix for KB4538483"
    assert record.more_info_url == "http://support.microsoft.com/?kbid=4538483"
    assert record.support_url == "http://support.microsoft.com"
    assert record.uninstall_notes == (
        "This software update can be removed by selecting View installed updates in the Programs and "
        "Features Control Panel."
    )
    assert record.unknown == ()
    json.dumps(record.to_dict())


def test_classification_table_agrees_with_the_sample(sample_member: SampleMember) -> None:
    """The sample's WSUSSCAN carries the classification categories themselves, with English titles."""
    package = parse_package_xml(*member(sample_member, "KB4538483-x64.msu", "package.xml"))
    checked: set[str] = set()
    for update in package.updates:
        if update.update_id is not None and update.update_id in UPDATE_CLASSIFICATIONS and update.revision_id:
            title = parse_localized(*member(sample_member, "KB4538483-x64.msu", f"localized/en/{update.revision_id}"))
            assert title.title == UPDATE_CLASSIFICATIONS[update.update_id]
            checked.add(update.update_id)
    # all but Upgrades are in the sample (some in several revisions)
    assert set(UPDATE_CLASSIFICATIONS) - checked == {"3689bdc8-b205-4af4-8d4a-a63924c5e9d5"}


def test_classification_name_lookup() -> None:
    assert classification_name("{0FA1201D-4330-4FA8-8AE9-B877473B6441}") == "Security Updates"
    assert classification_name("e0789628-ce08-4437-be74-2495b842f43b") == "Definition Updates"
    assert classification_name("00000000-0000-0000-0000-000000000000") is None
    assert classification_name(None) is None


# --- core -------------------------------------------------------------------------------------------------


def test_kb4538483_core_leaf_with_inlined_mum(sample_member: SampleMember) -> None:
    record = parse_core(*member(sample_member, "KB4538483-x64.msu", "core/2858"))
    assert record.revision_id == 2858
    assert (record.update_id, record.revision_number) == ("d366a2f4-a99d-43d0-9ea9-7d0124b2a65a", 501)
    assert record.update_type == "Software"
    assert record.prerequisite_ids == ("6964AAB4-C5B5-43BD-A17D-FFB4346A8E1D",)
    assert record.applicability_sections == ("IsInstalled", "IsInstallable", "Metadata")
    assert record.rule_kinds == ("CbsPackageInstalled", "CbsPackageInstallable")
    assert record.has_inlined_mum is True
    assert record.inlined_mum is not None
    assert record.inlined_mum.source.endswith("core/2858#CbsPackageApplicabilityMetadata")
    assert (record.inlined_mum.kb, record.inlined_mum.restart) == (4538483, "possible")
    assert record.inlined_mum.name == "Package_for_KB4538483"
    data = record.to_dict()
    json.dumps(data)
    assert data["inlined_mum"]["kb"] == 4538483


def test_kb4538483_core_bundle_and_detectoid(sample_member: SampleMember) -> None:
    bundle = parse_core(*member(sample_member, "KB4538483-x64.msu", "core/2859"))
    assert bundle.update_id == "bbdb82c4-3858-4298-82ea-f206bf314237"
    assert bundle.properties["ExplicitlyDeployable"] == "true"
    assert bundle.prerequisite_ids == (
        "0FA1201D-4330-4FA8-8AE9-B877473B6441",
        "6964AAB4-C5B5-43BD-A17D-FFB4346A8E1D",
    )
    assert bundle.bundled_update_ids == ("d366a2f4-a99d-43d0-9ea9-7d0124b2a65a",)
    assert bundle.applicability_sections == ()
    assert (bundle.has_inlined_mum, bundle.inlined_mum) == (False, None)

    detectoid = parse_core(*member(sample_member, "KB4538483-x64.msu", "core/1085"))
    assert detectoid.update_type == "Detectoid"
    assert detectoid.rule_kinds == ("b.RegDword",)


@pytest.mark.parametrize(
    ("parser", "data", "problem"),
    [
        (parse_package_xml, b"<LocalizedProperties/>", "root element is <LocalizedProperties>"),
        (parse_package_xml, b"<OfflineSyncPackage>", "invalid XML"),
        (parse_extended, b"<LocalizedProperties/>", "no <ExtendedProperties> element"),
        (parse_extended, b"", "empty document"),
        (parse_localized, b"<ExtendedProperties/>", "no <LocalizedProperties> element"),
        (parse_localized, b"<LocalizedProperties><Title>x</LocalizedProperties>", "invalid XML"),
        (parse_core, b"<Foo/>", "not a WSUS core file"),
        (
            parse_core,
            b"<ApplicabilityRules><Metadata><CbsPackageApplicabilityMetadata><assembly/>"
            b"</CbsPackageApplicabilityMetadata></Metadata></ApplicabilityRules>",
            "no <assemblyIdentity>",
        ),
        (parse_core, b'<!DOCTYPE x [<!ENTITY a "b">]><UpdateIdentity/>', "DOCTYPE"),
    ],
)
def test_errors_name_source_and_problem(parser: Callable[[bytes, str], object], data: bytes, problem: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parser(data, "x.msu!WSUSSCAN.cab!package.cab!core/1")
    assert str(caught.value).startswith("x.msu!WSUSSCAN.cab!package.cab!")
    assert problem in str(caught.value)
