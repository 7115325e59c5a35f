"""Hand-computed schedules on the bundled calendar's 2025 rows (each month worked out in the comments)."""

from __future__ import annotations

from typing import Any

import pytest

from pkginspect.forecasting import forecast
from pkginspect.forecasting.model import MachineForecast
from pkginspect.reports.forecast_common import schedule_line
from pkginspect.rules import Machine

AZURE_EDITION: dict[str, Any] = dict(
    product="windows-server-2022", edition="ServerTurbineCor", architecture="amd64", installation="core",
    platform="azure", hotpatch_enrolled=True, vbs="running", secure_boot=True, vm_generation=2,
    chpe_disabled=False, reboot_pending=False,
)
ARC: dict[str, Any] = dict(
    product="windows-server-2025", edition="ServerDatacenter", architecture="amd64", installation="core",
    platform="arc", hotpatch_enrolled=True, vbs="running", secure_boot=True, vm_generation=2,
    chpe_disabled=False, reboot_pending=False,
)
WINDOWS_11_ARM: dict[str, Any] = dict(
    product="windows-11", edition="Enterprise", architecture="arm64", installation="desktop", platform="other",
    hotpatch_enrolled=True, vbs="running", secure_boot=True, chpe_disabled=False, reboot_pending=False,
)


def one(start: str, months: int = 12, **facts: Any) -> MachineForecast:
    result = forecast([Machine(name="m", **facts)], start=start, months=months)
    return result.machines[0]


def test_enrolled_azure_edition_on_the_chain_restarts_four_times() -> None:
    # 20348.2908 is December 2024's hotpatch, on the chain of the October 2024 baseline. 2025: a baseline in
    # January, April, July and October (restart), hotpatches in between (no restart): 4 a year.
    machine = one("2025-01", build="20348.2908", **AZURE_EDITION)
    assert schedule_line(machine) == "R..R..R..R.."
    assert machine.schedule.restarts == 4 and machine.schedule.avoidable == 0 and machine.schedule.at_floor
    months = machine.schedule.months
    assert [m.installs_kb for m in months[:3]] == [5049983, 5052106, 5053638]  # baseline, then the hotpatches
    assert all(m.source == "calendar" for m in months) and not machine.whatifs


def test_after_an_out_of_band_update_restarts_until_the_next_baseline() -> None:
    # 20348.3095 is the out-of-band KB5052819 of 2025-01-18: off the chain. February and March: the regular
    # cumulative update instead of the hotpatch (restart, still off the chain); April's baseline rejoins it.
    machine = one("2025-02", build="20348.3095", **AZURE_EDITION)
    assert schedule_line(machine) == "RRR..R..R..R"
    feb, mar = machine.schedule.months[:2]
    assert (feb.kb, feb.installs_kb, feb.installs_build) == (5052106, 5051979, "20348.3207")
    assert feb.rules == ("hotpatch.chain",) and mar.rules == ("hotpatch.chain",)
    assert feb.avoidable and "off the hotpatch chain" in feb.cause and feb.on_chain is False
    assert machine.schedule.restarts == 6 and machine.schedule.avoidable == 2
    assert machine.schedule.months[3].on_chain is True


def test_unenrolled_vm_restarts_every_month_and_enrolment_saves_eight() -> None:
    machine = one("2025-01", build="20348.2908", **{**AZURE_EDITION, "hotpatch_enrolled": False})
    assert schedule_line(machine) == "R" * 12
    assert machine.schedule.restarts == 12 and machine.schedule.avoidable == 8
    # Enrolled from January: January's baseline puts it on the chain, and the 8 hotpatch months no longer restart.
    assert [(w.fix.id, w.saved, w.restarts) for w in machine.whatifs] == [("enrol", 8, 4)]
    assert machine.causes() == {"not enrolled in hotpatch": 4, "not enrolled in hotpatch + off the hotpatch chain "
                                "until the next baseline": 4}


def test_arc_server_below_the_minimum_build() -> None:
    # 26100.1000 is below 26100.1742: February's hotpatch cannot install (minimum build, and off the chain), the
    # regular update 26100.3194 does (restart, off the chain); March likewise; April's baseline 26100.3775 is
    # above the minimum and on the chain: from then on, baselines only.
    machine = one("2025-02", build="26100.1000", **ARC)
    assert schedule_line(machine) == "RRR..R..R..R"
    feb = machine.schedule.months[0]
    assert feb.rules == ("hotpatch.arc-minimum-build", "hotpatch.chain")
    assert feb.installs_build == "26100.3194"
    assert machine.schedule.restarts == 6 and machine.schedule.avoidable == 2
    assert not machine.whatifs  # transient: nothing to fix but waiting for the baseline


def test_arm64_windows_11_with_chpe_on() -> None:
    # Build 26100.6508 (September 2025). October: baseline (restart). Every hotpatch month after: CHPE is on, so
    # the cumulative update installs instead: 12 restarts, 8 of them avoidable by disabling CHPE.
    machine = one("2025-10", build="26100.6508", **WINDOWS_11_ARM)
    assert schedule_line(machine) == "R" * 12
    assert machine.schedule.avoidable == 8
    assert machine.schedule.months[1].rules == ("hotpatch.arm64-chpe", )
    assert [(w.fix.id, w.saved) for w in machine.whatifs] == [("disable-chpe", 8)]


def test_unknown_fact_gives_unknown_hotpatch_months_and_known_baselines() -> None:
    machine = one("2025-01", build="20348.2908", **{**AZURE_EDITION, "vbs": None})
    assert schedule_line(machine) == "R??R??R??R??"
    assert machine.schedule.unknown == 8 and machine.schedule.months[1].missing == ("vbs",)
    assert not machine.schedule.at_floor


def test_machine_outside_every_calendar_restarts_monthly() -> None:
    machine = one("2025-01", product="windows-server-2019", build="17763.6000", architecture="amd64",
                  edition="ServerDatacenter", platform="other", reboot_pending=False)
    assert schedule_line(machine) == "R" * 12
    assert machine.schedule.floor == 4 and machine.schedule.avoidable == 8
    assert {m.source for m in machine.schedule.months} == {"monthly cumulative update"}


def test_pending_restart_costs_one_month_then_the_machine_stays_on_the_chain() -> None:
    machine = one("2025-02", build="20348.3091", **{**AZURE_EDITION, "reboot_pending": True})
    assert schedule_line(machine) == "R.R..R..R..R"
    assert machine.schedule.months[0].rules == ("reboot-pending",)
    assert machine.schedule.months[0].installs_kb == 5052106  # the hotpatch, after the pending restart


def test_months_past_the_calendar_follow_the_planned_cadence() -> None:
    machine = one("2030-02", build="20348.2908", **AZURE_EDITION)
    # A baseline came after the calendar's data and this build predates it: off the chain until April 2030.
    assert schedule_line(machine) == "RRR..R..R..R"
    assert {m.source for m in machine.schedule.months} == {"planned cadence"}
    assert machine.schedule.months[0].kb is None and machine.schedule.months[0].confidence == "low"


@pytest.mark.parametrize("bad", [{"months": 0}, {"months": 121}, {"start": "2027-13"}, {"start": "27-01"}])
def test_bad_arguments(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        forecast([Machine(name="m")], **bad)


def test_fleet_fixes_ranked_by_restarts_saved() -> None:
    fleet = [Machine(name=f"vbs{n}", build="20348.2908", **{**AZURE_EDITION, "vbs": "off"}) for n in range(3)]
    fleet += [Machine(name=f"unenrolled{n}", build="20348.2908", **{**AZURE_EDITION, "hotpatch_enrolled": False})
              for n in range(2)]
    fleet += [Machine(name="both", build="20348.2908", **{**AZURE_EDITION, "vbs": "off", "hotpatch_enrolled": False})]
    fleet += [Machine(name="good", build="20348.2908", **AZURE_EDITION)]
    result = forecast(fleet, start="2025-01")
    # Each machine that fails one prerequisite restarts 12 times instead of 4: the fix saves 8. "both" needs both
    # fixes: either alone saves nothing, together 8.
    ranked = [(f.fix.label, len(f.machines), f.saved) for f in result.fixes]
    assert ranked == [("enable VBS", 4, 24), ("enrol in hotpatch", 3, 16),
                      ("enrol in hotpatch + enable VBS", 1, 8)]
    totals = result.totals()
    assert totals["restarts"] == 6 * 12 + 4 and totals["avoidable"] == 48 and totals["at_floor"] == 1
    assert totals["saved_by_all_fixes"] == 48
    assert result.restarts_per_month()["2025-01"] == 7 and result.restarts_per_month()["2025-02"] == 6
    groups = result.groups()
    assert [(len(g.machines), g.restarts) for g in groups] == [(6, 12), (1, 4)]


def test_identical_machines_share_one_simulation() -> None:
    fleet = [Machine(name=f"m{n:04d}", build="20348.2908", **AZURE_EDITION) for n in range(500)]
    result = forecast(fleet, start="2025-01")
    assert len({id(m.schedule) for m in result.machines}) == 1
    assert [m.name for m in result.machines][:2] == ["m0000", "m0001"]


def test_a_rule_that_reads_the_name_splits_identical_machines(tmp_path: Any) -> None:
    from pkginspect.rules import load_ruleset

    rules = tmp_path / "freeze.toml"
    rules.write_text('[[rule]]\nid = "org.freeze"\nbefore = "reboot-pending"\nwhen = "name == \'frozen\'"\n'
                     'verdict = "not-applicable"\nmessage = "{name} is frozen."\n')
    fleet = [Machine(name=name, build="20348.2908", **AZURE_EDITION) for name in ("frozen", "free")]
    result = forecast(fleet, start="2025-01", ruleset=load_ruleset([rules]))
    lines = {m.name: schedule_line(m) for m in result.machines}
    assert lines == {"frozen": "-" * 12, "free": "R..R..R..R.."}


def test_the_2026_out_of_band_dated_in_the_next_month_breaks_the_chain() -> None:
    # KB5082314 (20348.4776) is February 2026's out-of-band update, published 2026-03-02. A VM that took it is off
    # the chain: March brings the regular update KB5078766 (restart); April's baseline (planned cadence) rejoins.
    machine = one("2026-02", months=5, build="20348.4650", **AZURE_EDITION)
    feb = machine.schedule.months[0]
    assert [(o.kb, o.build, o.breaks_chain) for o in feb.out_of_band] == [(5082314, "20348.4776", True)]
    later = one("2026-03", months=4, build="20348.4776", **AZURE_EDITION)
    assert schedule_line(later) == "RR.."
    march = later.schedule.months[0]
    assert (march.kb, march.installs_kb, march.rules) == (5078737, 5078766, ("hotpatch.chain",))
    assert [m.source for m in later.schedule.months] == ["calendar"] + ["planned cadence"] * 3


def test_unknown_product_or_windows_11_version_gives_unknown_months() -> None:
    no_product = one("2027-01", months=3)
    assert schedule_line(no_product) == "???" and no_product.schedule.months[0].missing == ("product",)
    no_build = one("2027-01", months=3, product="windows-11", edition="Enterprise")
    assert schedule_line(no_build) == "???" and no_build.schedule.months[0].missing == ("build",)
    server = one("2027-01", months=3, **{**AZURE_EDITION, "build": None})
    assert server.schedule.months[0].product == "windows-server-2022-azure-edition"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: forecast("fleet.json"), "forecast(): machines must be a list of Machine records, got str (a path; read "
                                     "it first with pkginspect.load_machines(path))"),
    (lambda: forecast([{"name": "a"}]), "forecast(): machines[] must be a Machine, got dict (a mapping of facts; "
                                        "make a Machine with Machine.from_dict(facts))"),
    # Wrong types on purpose (forecast() refuses them at run time), so mypy's complaint is the point.
    (lambda: forecast([], months="12"), "forecast(): months must be an int, got str"),  # type: ignore[arg-type]
    (lambda: forecast([], start=(2027, 1)),  # type: ignore[arg-type]
     'forecast(): start must be a "YYYY-MM" string, got tuple'),
])
def test_wrong_argument_types(call: Any, message: str) -> None:
    from pkginspect.errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError) as caught:
        call()
    assert str(caught.value) == message
