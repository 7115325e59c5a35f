"""The command line with Azure exports: skipped machines reach the user as one warning line on stderr."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pkginspect.cli import main

REPO = Path(__file__).resolve().parents[1]
REST = REPO / "tests" / "rules" / "data" / "azure-rest"
PACKAGE = str(REPO / "fixtures" / "packages" / "Windows10.0-KB5037848-x64.msu")


def test_linux_machines_of_an_export_are_skipped_with_a_warning() -> None:
    export = str(REST / "arm-list-virtual-machines.json")
    result = CliRunner().invoke(main, ["check", PACKAGE, "--machine", export])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"pkginspect: warning: {export}: skipped 1 non-Windows machine: "
                             "entry 3 (lnx-ubuntu-01, osType Linux)\n")
    assert "web-ws16-core-01" in result.stdout and "lnx-ubuntu-01" not in result.stdout


def test_an_unknown_export_shape_names_the_shapes_read(tmp_path: Path) -> None:
    export = tmp_path / "view.json"
    export.write_text('{"platformUpdateDomain": 1, "platformFaultDomain": 0}')
    result = CliRunner().invoke(main, ["check", PACKAGE, "--machine", str(export)])
    assert result.exit_code == 3
    assert f"{export}: not a shape pkginspect reads" in result.stderr
    assert "ARM list" in result.stderr and "unknown fact" not in result.stderr


def test_a_second_facts_file_after_one_option_is_a_usage_error() -> None:
    fleet, single = REPO / "fixtures" / "machines" / "fleet.json", REPO / "fixtures" / "machines" / "fleet.csv"
    result = CliRunner().invoke(main, ["audit", PACKAGE, "--fleet", str(fleet), str(single), "--format", "json"])
    assert result.exit_code == 2
    assert f"Error: {single} is not a package (it looks like CSV: did you mean --fleet {single}?)" in result.output
    core = REPO / "fixtures" / "machines" / "azure-edition-core.json"
    result = CliRunner().invoke(main, ["check", PACKAGE, str(core), "--machine", str(fleet)])
    assert result.exit_code == 2
    assert f"Error: {core} is not a package (it looks like JSON: did you mean --machine {core}?)" in result.output


def test_a_json_file_read_as_a_package_says_so() -> None:
    fleet = str(REPO / "fixtures" / "machines" / "fleet.json")
    result = CliRunner().invoke(main, ["ls", fleet])
    assert result.exit_code == 3
    assert (f"{fleet}: not a package: it looks like JSON, not a cabinet (MSCF) or WIM (MSWIM) (machine facts and "
            "exports go after --machine or --fleet)") in result.stderr
    assert "starts with bytes" not in result.stderr
