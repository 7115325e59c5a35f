"""``pkginspect forecast`` on the command line: formats, output file, the default start, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLEET = str(ROOT / "fixtures" / "machines" / "fleet.json")


def run(*arguments: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(arguments), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_text_summary() -> None:
    code, out, _ = run("forecast", "--fleet", FLEET, "--from", "2025-07")
    assert code == 0
    assert out.startswith("Restart forecast 2025-07 to 2026-06 (12 months), 36 machines\n")
    assert "enable VBS on 11 machines: \u221250 restarts/year" in out


def test_details_and_months() -> None:
    code, out, _ = run("forecast", "--fleet", FLEET, "--from", "2025-10", "--months", "3", "--details")
    assert code == 0 and "(3 months)" in out
    assert "2025-10 baseline-planned   KB5066782  reboot-required calendar: planned baseline" in out


def test_default_start_is_the_month_after_source_date_epoch() -> None:
    code, out, _ = run("forecast", "--fleet", FLEET, "--format", "json", env={"SOURCE_DATE_EPOCH": "1796083200"})
    document = json.loads(out)
    assert code == 0 and document["generated"] == "2026-12-01T00:00:00Z" and document["start"] == "2027-01"
    assert {m["source"] for s in document["schedules"] for m in s["months"]} == {"planned cadence"}


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "forecast.md"
    code, out, _ = run("forecast", "--fleet", FLEET, "--from", "2025-07", "--format", "markdown", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("# Restart forecast 2025-07 to 2026-06 (12 months)")


@pytest.mark.parametrize("arguments", [("--from", "2027-13"), ("--from", "next"), ("--months", "0"),
                                       ("--months", "121"), ("--format", "pdf")])
def test_usage_errors(arguments: tuple[str, ...]) -> None:
    code, _, err = run("forecast", "--fleet", FLEET, *arguments)
    assert code == 2 and "Error" in err


def test_bad_fleet_is_exit_3(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.json"
    fleet.write_text('[{"name": "a", "vbs": "sometimes"}]')
    code, _, err = run("forecast", "--fleet", str(fleet), "--from", "2025-07")
    assert code == 3 and err.startswith(f"pkginspect: error: {fleet}: ") and err.count("\n") == 1
