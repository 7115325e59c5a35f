"""Azure patch assessments (az vm assess-patches) against the forecast's first month."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.errors import FactsError
from pkginspect.forecasting import forecast, load_assessment
from pkginspect.rules import load_machines

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def comparisons() -> dict[str, tuple[str, ...]]:
    fleet = load_machines(ROOT / "fixtures" / "machines" / "fleet.json")
    assessments = [load_assessment(str(path)) for path in sorted(DATA.glob("fleet-*.json"))]
    result = forecast(fleet, start="2024-06", months=1, assessments=assessments)
    return {c.machine: c.disagreements for c in result.comparisons}


def test_assessments_compared_with_the_first_month() -> None:
    found = comparisons()
    # fleet-001 runs the May regular update (20348.2461): off the chain, so June brings the regular update, not
    # the hotpatch Azure offers.
    assert found["fleet-001-ws22ae"] == (
        "Azure offers KB5039330 (the hotpatch); the forecast expects KB5039227 (off the hotpatch chain until the "
        "next baseline)",)
    # fleet-006 runs May's hotpatch: June's hotpatch, no restart, as Azure says (.NET is not a Windows update).
    assert found["fleet-006-ws22ae"] == ()
    assert found["fleet-016-ws22ae"] == (
        "Azure says a restart is pending; the machine facts say reboot_pending=false",
        "Azure says KB5039227 NeverReboots; the forecast says reboot-required (VBS not running)",
    )


def test_name_given_explicitly(tmp_path: Path) -> None:
    assessment = load_assessment(f"web01={DATA / 'fleet-006-ws22ae.json'}")
    assert assessment.machine == "web01" and len(assessment.patches) == 2
    assert assessment.patches[0].kb == 5039330 and assessment.patches[0].is_os_update
    assert not assessment.patches[1].is_os_update  # the .NET cumulative update


@pytest.mark.parametrize(("content", "message"), [
    ("{", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    ("[]", "not an Azure patch assessment: expected an object with 'availablePatches' (the output of az vm "
            "assess-patches)"),
    ('{"availablePatches": {}}', "'availablePatches' must be a list"),
    ('{"availablePatches": [1]}', "availablePatches entry 1: expected an object"),
    ('{"availablePatches": [{"kbId": "KBx"}]}', "availablePatches entry 1: kbId 'KBx' is not a KB number"),
    ('{"availablePatches": [{"rebootBehavior": "Sometimes"}]}',
     "availablePatches entry 1: rebootBehavior 'Sometimes' is not one of NeverReboots, AlwaysRequiresReboot, "
     "CanRequestReboot"),
    ('{"availablePatches": [{"classifications": "Security"}]}',
     "availablePatches entry 1: 'classifications' must be a list of strings"),
    ('{"availablePatches": [], "rebootPending": "no"}', "'rebootPending' must be true or false"),
])
def test_bad_assessments_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "vm.json"
    path.write_text(content)
    with pytest.raises(FactsError) as error:
        load_assessment(str(path))
    assert str(error.value) == f"{path}: {message}"


def test_cli_exit_3_for_a_bad_or_unknown_assessment(tmp_path: Path) -> None:
    runner = CliRunner()
    stranger = tmp_path / "stranger.json"
    stranger.write_text('{"availablePatches": []}')
    fleet = str(ROOT / "fixtures" / "machines" / "fleet.json")
    result = runner.invoke(main, ["forecast", "--fleet", fleet, "--from", "2024-06", "--assessment", str(stranger)])
    assert result.exit_code == 3
    assert result.stderr == (f"pkginspect: error: {stranger}: assessment of machine 'stranger', which is not in the "
                             "fleet (name it with NAME=FILE)\n")
    result = runner.invoke(main, ["forecast", "--fleet", fleet, "--assessment", str(tmp_path / "missing.json")])
    assert result.exit_code == 3 and "missing.json: file not found" in result.stderr
