"""Forecast and check never disagree: the forecast's verdict for a month's update equals evaluate() on that package."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkginspect.classification import classify
from pkginspect.forecasting import forecast
from pkginspect.package import inspect
from pkginspect.rules import Machine, evaluate, load_machines
from pkginspect.rules.symbols import ARCHITECTURES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["Windows10.0-KB5036909-x64.msu", "Windows10.0-KB5037848-x64.msu", "Windows10.0-KB5041160-x64.msu",
            "Windows11.0-KB5066835-x64.msu", "Windows11.0-KB5068966-x64.msu", "Windows11.0-KB5068966-arm64.msu"]


def machines() -> list[Machine]:
    found = load_machines(ROOT / "fixtures" / "machines" / "fleet.json")
    for path in sorted((ROOT / "fixtures" / "machines").glob("*.json")):
        if path.name not in ("fleet.json", "index.json"):
            found += load_machines(path)
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_forecast_verdicts_are_check_verdicts(name: str) -> None:
    package = inspect(ROOT / "fixtures" / "packages" / name, sha256=False)
    kind = classify(package)
    assert kind.month is not None and package.kb is not None and package.architecture is not None
    fleet = machines()
    result = forecast(fleet, start=kind.month, months=1, whatif=False)
    compared = 0
    by_name = {m.name: m for m in result.machines}
    for machine in fleet:
        month = by_name[machine.name].schedule.months[0]
        if month.kb != package.kb.value or machine.architecture != ARCHITECTURES[package.architecture.value]:
            continue  # this machine's month brings another update (another product), or another architecture
        decision = evaluate(package, machine)
        assert (month.verdict, month.rules) == (decision.verdict, tuple(r.rule for r in decision.reasons)), (
            machine.name)
        compared += 1
    assert compared >= 3
