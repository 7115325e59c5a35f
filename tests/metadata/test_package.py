"""The package's public surface: the ``kind_of`` dispatcher, ``PARSERS`` and ``__all__``."""

from __future__ import annotations

import dataclasses
import inspect
import json

import pytest

import pkginspect.metadata as metadata
from pkginspect.metadata import KINDS, PARSERS, kind_of
from tests.metadata.conftest import SampleMember


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("update.mum", "mum"),
        ("Windows6.1-KB4538483-x64.cab!package_1_for_kb4538483~31bf3856ad364e35~amd64~~6.1.1.2.mum", "mum"),
        ("kb2883457-amd64.cab!update-bf.mum", "mum"),
        (
            "amd64_microsoft-windows-security-spp_31bf3856ad364e35_6.1.7601.24553_none_78e4737a50d1c31a.manifest",
            "manifest",
        ),
        ("Windows6.1-KB4538483-x64-pkgProperties.txt", "pkgprops"),
        ("x.msu!Windows10.0-KB5034441-x64-PKGPROPERTIES.TXT", "pkgprops"),
        ("Windows6.1-KB4538483-x64.xml", "unattend"),
        ("Windows10.0-KB5037848-x64.xml", "unattend"),
        ("Windows10.0-KB5037848-x64_uup.xml", None),
        ("WSUSSCAN.cab!package.cab!package.xml", "wsus-package"),
        ("WSUSSCAN.cab!package.cab!extended/2858", "wsus-extended"),
        ("WSUSSCAN.cab!package.cab!core\\2858", "wsus-core"),
        ("WSUSSCAN.cab!package.cab!localized/en/2859", "wsus-localized"),
        ("WSUSSCAN.cab!package.cab!localized/zh-HK/5", "wsus-localized"),
        ("WSUSSCAN.cab!package.cab!2859", None),
        ("somewhere/else/2859", None),
        ("LCUCompDB_KB5055523.xml", "compdb"),
        ("onepackage.AggregatedMetadata.cab!HotpatchCompDB_KB5037848.xml.cab!HotpatchCompDB_KB5037848.xml", "compdb"),
        ("LCUCompDB_KB5055523.xml.cab", None),
        ("_manifest_.cix.xml", "express-index"),
        ("express.psf.cix.xml", "express-index"),
        ("update.cat", None),
        ("0", None),
        ("toc.xml", None),
        ("", None),
        ("a.msu!", None),
    ],
)
def test_kind_of(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


def test_every_kind_has_a_parser() -> None:
    assert set(PARSERS) == set(KINDS)


def test_all_is_explicit_and_documented() -> None:
    for name in metadata.__all__:
        value = getattr(metadata, name)
        if inspect.isfunction(value) or inspect.isclass(value):
            assert value.__doc__, name
    assert sorted(metadata.__all__) == sorted(set(metadata.__all__))


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (("KB4538483-x64.msu", "Windows6.1-KB4538483-x64.cab", "update.mum"), "mum"),
        (("KB4538483-x64.msu", "Windows6.1-KB4538483-x64-pkgProperties.txt"), "pkgprops"),
        (("KB4538483-x64.msu", "Windows6.1-KB4538483-x64.xml"), "unattend"),
        (("KB4538483-x64.msu", "WSUSSCAN.cab", "package.cab", "package.xml"), "wsus-package"),
        (("KB4538483-x64.msu", "WSUSSCAN.cab", "package.cab", "core/2858"), "wsus-core"),
        (("KB4538483-x64.msu", "WSUSSCAN.cab", "package.cab", "extended/2858"), "wsus-extended"),
        (("KB4538483-x64.msu", "WSUSSCAN.cab", "package.cab", "localized/en/2859"), "wsus-localized"),
        (("kb2883457-amd64.cab", "_manifest_.cix.xml"), "express-index"),
        (
            (
                "KB2938772-x64.cab",
                "amd64_netrasa.inf_31bf3856ad364e35_6.3.9600.17039_none_9968574d24ae0f79.manifest",
            ),
            "manifest",
        ),
    ],
)
def test_dispatch_real_members_and_json(sample_member: SampleMember, path: tuple[str, ...], kind: str) -> None:
    source = "!".join(path)
    assert kind_of(source) == kind
    record = PARSERS[kind](sample_member(*path), source)
    assert dataclasses.is_dataclass(record)
    assert record.source == source
    data = record.to_dict()
    assert data["source"] == source
    assert json.loads(json.dumps(data)) == data
