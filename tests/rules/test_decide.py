"""Decisions for every hotpatch scenario family, on the fixture packages and machines, in both directions."""

from __future__ import annotations

import dataclasses
import json
import types
from pathlib import Path
from typing import Any

import pytest

from pkginspect.batch import evaluate_all
from pkginspect.calendar import bundled_calendar
from pkginspect.classification import classify
from pkginspect.package import Fact, UpdatePackage, inspect
from pkginspect.rules.decide import Evaluator, evaluate
from pkginspect.rules.symbols import machine_values, package_values

REPO = Path(__file__).parents[2]
PACKAGES = REPO / "fixtures" / "packages"
MACHINES = REPO / "fixtures" / "machines"
SCENARIOS = json.loads((MACHINES / "index.json").read_text())


@pytest.fixture(scope="module")
def packages() -> dict[str, UpdatePackage]:
    names = {s["package"] for s in SCENARIOS} | {
        "Windows10.0-KB5036909-x64.msu", "Windows10.0-KB5041160-x64.msu", "Windows10.0-KB5037782-x64.msu",
        "Windows10.0-KB5036620-x64-NDP481.msu", "Windows10.0-KB5036899-x64.msu", "Windows11.0-KB5043080-x64.msu",
        "Windows11.0-KB5066835-x64.msu",
    }
    return {name: inspect(PACKAGES / name, sha256=False) for name in names}


def machine(file: str, **changes: Any) -> types.SimpleNamespace:
    facts = json.loads((MACHINES / file).read_text())
    facts.update(changes)
    return types.SimpleNamespace(**facts)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["file"] for s in SCENARIOS])
def test_fixture_scenarios(packages: dict[str, UpdatePackage], scenario: dict[str, str]) -> None:
    decision = evaluate(packages[scenario["package"]], machine(scenario["file"]))
    assert decision.verdict == scenario["verdict"], [r.message for r in decision.reasons]
    assert decision.reasons and decision.reasons[0].verdict == decision.verdict
    assert decision.missing == ()


HOTPATCH = "Windows10.0-KB5037848-x64.msu"
GOOD = "azure-edition-core.json"


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"hotpatch_enrolled": False}, "hotpatch.enrolled"),
        ({"vbs": "enabled"}, "hotpatch.vbs"),
        ({"vbs": "off"}, "hotpatch.vbs"),
        ({"edition": "ServerDatacenter"}, "hotpatch.program"),
        ({"platform": "other"}, "hotpatch.program"),
        ({"vm_generation": 1}, "hotpatch.azure-gen2"),
        ({"build": "20348.2227"}, "hotpatch.chain"),
        ({"build": "20348.2342"}, "hotpatch.chain"),
        ({"reboot_pending": True}, "reboot-pending"),
    ],
)
def test_each_prerequisite_both_ways(packages: dict[str, UpdatePackage], changes: dict[str, Any], rule: str) -> None:
    assert evaluate(packages[HOTPATCH], machine(GOOD)).verdict == "no-reboot"
    decision = evaluate(packages[HOTPATCH], machine(GOOD, **changes))
    assert decision.verdict == "reboot-required"
    assert rule in [r.rule for r in decision.reasons]


def test_every_failing_prerequisite_is_named(packages: dict[str, UpdatePackage]) -> None:
    decision = evaluate(packages[HOTPATCH], machine(GOOD, hotpatch_enrolled=False, vbs="off", vm_generation=1))
    assert [r.rule for r in decision.reasons] == ["hotpatch.enrolled", "hotpatch.vbs", "hotpatch.azure-gen2"]
    assert decision.reasons[1].facts == (("package_kind", "hotpatch"), ("vbs", "off"))


def june_hotpatch(packages: dict[str, UpdatePackage]) -> UpdatePackage:
    """The May hotpatch fixture as if it were June's (KB5039330, 20348.2522) — second hotpatch of the quarter."""
    may = packages[HOTPATCH]
    assert may.title is not None
    title = may.title.value.replace("2024-05", "2024-06").replace("KB5037848", "KB5039330")
    return dataclasses.replace(may, kb=Fact(5039330, "test"), title=Fact(title, may.title.source),
                               build=Fact("20348.2522", "test"))


def test_second_hotpatch_of_the_quarter(packages: dict[str, UpdatePackage]) -> None:
    june = june_hotpatch(packages)
    assert classify(june).kind == "hotpatch"
    assert evaluate(june, machine(GOOD, build="20348.2458")).verdict == "no-reboot"  # took May's hotpatch
    assert evaluate(june, machine(GOOD, build="20348.2402")).verdict == "no-reboot"  # still on the baseline
    regular = evaluate(june, machine(GOOD, build="20348.2461"))  # took May's regular LCU instead
    assert regular.verdict == "reboot-required" and regular.reasons[0].rule == "hotpatch.chain"


@pytest.mark.parametrize(
    ("package", "verdict", "rule"),
    [
        ("Windows10.0-KB5036909-x64.msu", "not-applicable", "not-applicable.superseded"),
        ("Windows10.0-KB5041160-x64.msu", "reboot-required", "kind.cumulative"),
        ("Windows10.0-KB5037782-x64.msu", "reboot-required", "kind.cumulative"),
        ("Windows10.0-KB5036620-x64-NDP481.msu", "reboot-possible", "kind.own-restart-possible"),
        ("Windows10.0-KB5036899-x64.msu", "not-applicable", "not-applicable.superseded"),
        ("Windows11.0-KB5066835-x64.msu", "not-applicable", "not-applicable.product"),
    ],
)
def test_other_kinds_on_a_hotpatch_machine(packages: dict[str, UpdatePackage], package: str, verdict: str,
                                           rule: str) -> None:
    decision = evaluate(packages[package], machine(GOOD))
    assert (decision.verdict, decision.reasons[0].rule) == (verdict, rule)


def test_baselines_restart_from_the_previous_quarter(packages: dict[str, UpdatePackage]) -> None:
    on_january = machine(GOOD, build="20348.2227")
    planned = evaluate(packages["Windows10.0-KB5036909-x64.msu"], on_january)
    unplanned = evaluate(packages["Windows10.0-KB5041160-x64.msu"], on_january)
    assert (planned.verdict, planned.kind) == ("reboot-required", "baseline-planned")
    assert (unplanned.verdict, unplanned.kind) == ("reboot-required", "baseline-unplanned")


def test_ssu_follows_its_own_restart(packages: dict[str, UpdatePackage]) -> None:
    decision = evaluate(packages["Windows10.0-KB5036899-x64.msu"], machine(GOOD, build="20348.2340"))
    assert (decision.verdict, decision.reasons[0].rule) == ("no-reboot", "kind.own-no-restart")


def test_checkpoint_restarts(packages: dict[str, UpdatePackage]) -> None:
    decision = evaluate(packages["Windows11.0-KB5043080-x64.msu"], machine("ws2025-arc-below-minimum.json"))
    assert (decision.kind, decision.verdict) == ("checkpoint", "reboot-required")


def test_arm64_machine_and_x64_package(packages: dict[str, UpdatePackage]) -> None:
    decision = evaluate(packages["Windows11.0-KB5068966-x64.msu"], machine("win11-enterprise-arm64-chpe-off.json"))
    assert (decision.verdict, decision.reasons[0].rule) == ("not-applicable", "not-applicable.architecture")


def test_missing_facts_make_unknown_only_when_they_matter(packages: dict[str, UpdatePackage]) -> None:
    no_vbs = evaluate(packages[HOTPATCH], machine(GOOD, vbs=None))
    assert no_vbs.verdict == "unknown" and no_vbs.missing == ("vbs",)
    assert "unknown vbs" in no_vbs.reasons[0].message
    # A baseline restarts whatever VBS or a pending restart say.
    baseline = evaluate(packages["Windows10.0-KB5041160-x64.msu"], machine(GOOD, vbs=None, reboot_pending=None))
    assert baseline.verdict == "reboot-required"
    no_edition = evaluate(packages[HOTPATCH], machine(GOOD, edition=None))
    assert no_edition.verdict == "unknown" and no_edition.missing == ("edition",)
    no_build = evaluate(packages[HOTPATCH], types.SimpleNamespace(name="bare"))
    assert no_build.verdict == "unknown" and "architecture" in no_build.missing


def test_hotpatch_with_unknown_chain_is_unknown(packages: dict[str, UpdatePackage]) -> None:
    future = dataclasses.replace(packages[HOTPATCH], kb=Fact(5099001, "test"), build=Fact("20348.4800", "test"),
                                 title=Fact("2026-05 Security Hotpatch Update (KB5099001)", "t"))
    decision = evaluate(future, machine(GOOD, build="20348.4650"))
    assert decision.verdict == "unknown"
    assert decision.missing == ("the calendar's hotpatch chain for windows-server-2022-azure-edition 2026-05",)


def test_evaluate_all_reuses_outcomes(packages: dict[str, UpdatePackage]) -> None:
    fleet = [machine(GOOD, name=f"vm{i}") for i in range(50)]
    decisions = evaluate_all([packages[HOTPATCH]], fleet, bundled_calendar())
    assert {d.verdict for d in decisions} == {"no-reboot"}
    assert [d.machine for d in decisions] == [f"vm{i}" for i in range(50)]
    evaluator = Evaluator()
    first = evaluator.decide(packages[HOTPATCH], classify(packages[HOTPATCH]), machine(GOOD))
    facts = first.to_dict()["reasons"][0]["facts"]
    assert facts["hotpatch_program"] == "server-2022-azure-edition" and facts["build"] == "20348.2402"


def plain(value: Any) -> bool:
    return value is None or type(value) in (str, int, bool) or (type(value) is tuple and all(map(plain, value)))


def test_symbols_are_plain_values(packages: dict[str, UpdatePackage]) -> None:
    """rule-engine's ``==`` tells a str enum member from its str: symbols hold plain values only."""
    for package in packages.values():
        assert all(map(plain, package_values(package, classify(package)).values()))
    assert all(map(plain, machine_values(machine(GOOD)).values()))


def test_memoised_outcomes_equal_fresh_evaluation(packages: dict[str, UpdatePackage]) -> None:
    """The evaluator's trie memo must give exactly what a fresh evaluation gives, for varied machines."""
    fleet_file = MACHINES / "fleet.json"
    from pkginspect.rules import load_machines

    base = load_machines(fleet_file)
    variants = []
    for index, template in enumerate(base * 4):
        build = template.build
        if build and index % 2:
            number, ubr = build.split(".")
            build = f"{number}.{int(ubr) + index % 7}"
        variants.append(dataclasses.replace(template, name=f"v{index}", build=build,
                                            vbs=None if index % 11 == 0 else template.vbs))
    chosen = list(packages.values())
    classifications = [classify(p) for p in chosen]
    shared = Evaluator()
    for machine_ in variants:
        for package, classification in zip(chosen, classifications, strict=True):
            assert shared.decide(package, classification, machine_) == Evaluator().decide(
                package, classification, machine_
            )
