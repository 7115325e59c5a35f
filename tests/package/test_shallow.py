"""inspect() reads the small members first and the metadata behind the payload only when a fact needs it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.packages import build_members, cbs_package, write_outer_cabinet
from fixtures.realistic import write_realistic
from fixtures.specs import load_spec
from fixtures.wsus import Payload, wsusscan_cab
from pkginspect.cli import main
from pkginspect.package import UpdatePackage, discover, inspect

SPECS = Path(__file__).parents[2] / "fixtures" / "specs"
FACTS = ("kb", "release_type", "restart", "build", "architecture", "title", "reboot_behavior", "products")


@pytest.fixture(scope="module")
def realistic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small packages with Microsoft's shape: the .mum files last in the package cabinet's folder."""
    folder = tmp_path_factory.mktemp("realistic")
    return {shape: write_realistic(folder / f"{shape}.msu", 4 << 20, shape).path
            for shape in ("lcu", "hotpatch", "wim")}


@pytest.fixture()
def shallow_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat anything behind 1 MiB as deep, so small test packages behave like gigabyte ones."""
    monkeypatch.setattr(discover, "SHALLOW_BYTES", 1 << 20)


def values(package: UpdatePackage) -> dict[str, object]:
    return {name: getattr(package, name).value for name in FACTS if getattr(package, name) is not None}


def test_lcu_facts_come_from_wsusscan_without_the_payload(realistic: dict[str, Path], shallow_limit: None) -> None:
    package = inspect(realistic["lcu"], sha256=False)
    assert package.problems == ()
    assert package.restart is not None and package.restart.value == "required"
    assert package.kb is not None and package.kb.source.startswith("WSUSSCAN.cab!package.cab!core/")
    assert package.kb.source.endswith("#CbsPackageApplicabilityMetadata")
    assert package.packages[0].container == "Windows10.0-KB5037782-x64.cab"
    assert package.packages[0].sub_packages == ()
    not_read = {p.rpartition("!")[2] for p in package.not_read}
    assert "update.mum" in not_read and "Windows10.0-KB5037782-x64-pkgProperties.txt" in not_read
    assert package.package_type is None


def test_deep_reads_everything_and_the_facts_agree(realistic: dict[str, Path], shallow_limit: None) -> None:
    shallow = inspect(realistic["lcu"], sha256=False)
    deep = inspect(realistic["lcu"], sha256=False, deep=True)
    assert values(deep) == values(shallow)
    assert deep.not_read == () and deep.conflicts == ()
    assert deep.kb is not None and deep.kb.source == "Windows10.0-KB5037782-x64.cab!update.mum"
    assert len(deep.packages[0].sub_packages) == 2
    assert deep.package_type is not None


def test_a_restart_sub_packages_could_raise_reads_them(realistic: dict[str, Path], shallow_limit: None) -> None:
    # The hotpatch's update.mum has no restart attribute: only its sub-packages can tell it is not required.
    package = inspect(realistic["hotpatch"], sha256=False)
    assert package.restart is None
    assert len(package.packages[0].sub_packages) > 0
    assert not any(p.endswith(".mum") for p in package.not_read)
    assert values(package) == values(inspect(realistic["hotpatch"], sha256=False, deep=True))


def test_disagreeing_sources_are_reported(tmp_path: Path) -> None:
    spec = load_spec(SPECS / "ws2022-2024-05-lcu-KB5037782.json")
    members = dict(build_members(spec))
    copy = dataclasses.replace(cbs_package(spec), restart="possible")
    from fixtures.cbs import update_mum

    payload = spec.member("package-cab")
    assert payload is not None
    members["WSUSSCAN.cab"] = wsusscan_cab(spec, Payload(payload.name, members[payload.name]), update_mum(copy))
    target = tmp_path / spec.file_name
    with target.open("wb") as out:
        write_outer_cabinet(spec, [(m.name, members[m.name]) for m in spec.members], out)
    package = inspect(target, sha256=False)
    assert package.restart is not None and package.restart.value == "required"
    assert package.restart.source.endswith("x64.cab!update.mum")
    assert len(package.conflicts) == 1
    assert package.conflicts[0].startswith("restart: 'required' in Windows10.0-KB5037782-x64.cab!update.mum (used), "
                                           "'possible' in WSUSSCAN.cab!package.cab!core/")
    result = CliRunner().invoke(main, ["inspect", "--no-hash", str(target)])
    assert "  conflicts" in result.output.splitlines()
    assert result.exit_code == 0


def test_cli_deep_flag(realistic: dict[str, Path], shallow_limit: None) -> None:
    shallow = CliRunner().invoke(main, ["inspect", "--no-hash", str(realistic["lcu"])])
    deep = CliRunner().invoke(main, ["inspect", "--no-hash", "--deep", str(realistic["lcu"])])
    assert shallow.exit_code == deep.exit_code == 0
    assert any(line.startswith("  not read (") for line in shallow.output.splitlines())
    assert not any(line.startswith("  not read (") for line in deep.output.splitlines())
    assert "sub-package Package_1_for_KB5037782" in deep.output


def test_real_samples_read_no_deeper_than_needed(real_samples: Path) -> None:
    # Every real sample is small: everything is shallow, so nothing is left unread and no source disagrees.
    for path in sorted(real_samples.iterdir()):
        if path.suffix in (".msu", ".cab"):
            package = inspect(path, sha256=False)
            assert package.not_read == () and package.conflicts == (), path.name


def test_a_wim_inside_a_wim_is_entered_only_when_needed(realistic: dict[str, Path], shallow_limit: None) -> None:
    package = inspect(realistic["wim"], sha256=False)
    assert package.problems == ()
    assert package.not_read == ("Windows11.0-KB5066835-x64.wim",)
    assert not any(m.path.startswith("Windows11.0-KB5066835-x64.wim!") for m in package.members)
    assert package.packages[0].container == "Windows11.0-KB5066835-x64.wim"
    deep = inspect(realistic["wim"], sha256=False, deep=True)
    assert values(deep) == values(package)
    assert deep.kb is not None and deep.kb.source == "Windows11.0-KB5066835-x64.wim!update.mum"
    assert deep.not_read == () and deep.conflicts == ()
