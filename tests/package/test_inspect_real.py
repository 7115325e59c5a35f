"""inspect() on the genuine Microsoft packages, checked against values read by hand from the files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.package import inspect

SCHEMA = json.loads((Path(__file__).parents[2] / "pkginspect/schemas/inspect.schema.json").read_text())

# (file, KB, releaseType, restart, architecture, pkgProperties Package Type, WSUS title, MSRC, RebootBehavior,
#  sub-package count, target build)
EXPECTED = [
    ("KB4538483-x64.msu", 4538483, "Security Update", "possible", "amd64", "Security Update",
     "Security Update for Windows (KB4538483)", "Important", "CanRequestReboot", 7, 7601),
    ("KB2465285-x64.msu", 2465285, "Hotfix", "possible", "amd64", "Hotfix",
     "Hotfix for Windows (KB2465285)", "Important", "CanRequestReboot", 6, 7600),
    ("KB3040017-x64.msu", 3040017, "Hotfix", "required", "amd64", "Hotfix",
     "Hotfix for Windows (KB3040017)", "Important", "CanRequestReboot", 3, 7601),
    ("KB2938772-x64.cab", 2938772, "Update", "required", "amd64", None, None, None, None, 7, 9600),
    ("kb2883457-amd64.cab", 2883457, "Security Update", "possible", "amd64", None, None, None, None, 5, 7601),
]


def value(fact: Any) -> Any:
    return None if fact is None else fact.value


@pytest.mark.parametrize(("name", "kb", "release", "restart", "arch", "ptype", "title", "msrc", "reboot", "subs",
                          "target"), EXPECTED)
def test_real_sample_facts(real_samples: Path, name: str, kb: int, release: str, restart: str, arch: str,
                           ptype: str | None, title: str | None, msrc: str | None, reboot: str | None, subs: int,
                           target: int) -> None:
    package = inspect(real_samples / name)
    assert package.problems == ()
    assert value(package.kb) == kb
    assert value(package.release_type) == release
    assert value(package.restart) == restart
    assert value(package.architecture) == arch
    assert value(package.package_type) == ptype
    assert value(package.title) == title
    assert value(package.msrc_severity) == msrc
    assert value(package.reboot_behavior) == reboot
    assert len(package.packages) == 1
    assert len(package.packages[0].sub_packages) == subs
    assert value(package.packages[0].target_build) == target
    assert package.sha256 == (real_samples / "SHA256SUMS").read_text().split(name)[0].split()[-1]


def test_sources_are_cited(real_samples: Path) -> None:
    package = inspect(real_samples / "KB4538483-x64.msu", sha256=False)
    assert package.kb is not None and package.kb.source == "Windows6.1-KB4538483-x64.cab!update.mum"
    assert package.title is not None and package.title.source == "WSUSSCAN.cab!package.cab!localized/en/2859"
    assert package.msrc_severity is not None and package.msrc_severity.source.endswith("extended/2859")
    assert package.reboot_behavior is not None and package.reboot_behavior.source.endswith("extended/2858")
    assert package.package_type is not None and package.package_type.source.endswith("pkgProperties.txt")
    assert package.classification_name == "Security Updates"
    assert package.express_indexes == ("Windows6.1-KB4538483-x64.cab!_manifest_.cix.xml",)
    assert package.products is not None and package.products.value == ("windows-7", "windows-server-2008-r2")


def test_restart_cites_the_sub_package_that_requires_it(real_samples: Path) -> None:
    package = inspect(real_samples / "KB3040017-x64.msu", sha256=False)
    assert package.restart is not None
    assert package.restart.source.startswith("Windows6.1-KB3040017-x64.cab!package_1_for_kb3040017")


def test_components_on_request(real_samples: Path) -> None:
    package = inspect(real_samples / "KB4538483-x64.msu", sha256=False, components=True)
    components = package.packages[0].components
    assert len(components) > 40
    assert all(c.name and c.version for c in components)
    assert inspect(real_samples / "KB4538483-x64.msu", sha256=False).packages[0].components == ()


def test_json_output_validates(real_samples: Path) -> None:
    result = CliRunner().invoke(main, ["inspect", str(real_samples), "--format", "json", "--members"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    jsonschema.validate(document, SCHEMA)
    assert sorted(p["kb"]["value"] for p in document["packages"]) == sorted(e[1] for e in EXPECTED)


def test_failures_are_reported_and_others_still_print(real_samples: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.msu"
    broken.write_bytes(b"MSCF" + bytes(40))
    result = CliRunner().invoke(main, ["inspect", str(real_samples / "KB2938772-x64.cab"), str(broken),
                                       "--format", "json"])
    assert result.exit_code == 3
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    assert [p["kb"]["value"] for p in document["packages"]] == [2938772]
    assert document["errors"][0]["path"] == str(broken)
    assert document["errors"][0]["error"].startswith(f"{broken}: ")
    assert f"pkginspect: error: {broken}: " in result.stderr


def test_text_output_summary(real_samples: Path) -> None:
    result = CliRunner().invoke(main, ["inspect", str(real_samples / "KB3040017-x64.msu"), "--no-hash"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "KB3040017-x64.msu  KB3040017  Hotfix for Windows (KB3040017)"
    assert "  restart           required" in lines
    assert "  reboot behaviour  CanRequestReboot" in lines
