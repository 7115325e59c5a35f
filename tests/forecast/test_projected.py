"""The engine's facts for an update known only from the calendar, and derived facts given by the caller."""

from __future__ import annotations

import pytest

from pkginspect.calendar import bundled_calendar
from pkginspect.rules import Machine
from pkginspect.rules.decide import default_ruleset
from pkginspect.rules.projected import GivenContext, UpdateEvaluator, UpdateFacts
from pkginspect.rules.symbols import PACKAGE_SYMBOLS, machine_values

HOTPATCH = UpdateFacts(kind="hotpatch", kb=5037848, build="20348.2458", build_number=20348,
                       products=("windows-server-2022",), architecture="amd64", month="2024-05",
                       baseline="20348.2402", calendar_product="windows-server-2022-azure-edition",
                       confidence="high")
MACHINE = Machine(name="m", product="windows-server-2022", edition="ServerTurbine", build="20348.2402",
                  architecture="amd64", platform="azure", hotpatch_enrolled=True, vbs="running", secure_boot=True,
                  vm_generation=2, chpe_disabled=False, reboot_pending=False)


def test_update_facts_fill_every_package_symbol() -> None:
    values = HOTPATCH.values()
    assert values.keys() == PACKAGE_SYMBOLS.keys()
    assert values["package_ubr"] == 2458 and values["package_build_numbers"] == (20348,)


def test_given_chain_state_overrides_the_calendar() -> None:
    evaluator = UpdateEvaluator(bundled_calendar(), default_ruleset())
    values = machine_values(MACHINE)
    assert evaluator.verdict(HOTPATCH, values).outcome.verdict == "no-reboot"  # 20348.2402 is on the chain
    off = evaluator.verdict(HOTPATCH, values, {"on_hotpatch_chain": False, "hotpatch_chain": ("x",)}, "why")
    assert off.outcome.verdict == "reboot-required" and off.outcome.reasons[0].rule == "hotpatch.chain"
    unknown = evaluator.verdict(HOTPATCH, values, {"on_hotpatch_chain": None, "hotpatch_chain": ()}, "the state")
    assert unknown.outcome.verdict == "unknown" and unknown.outcome.missing == ("the state",)
    before = evaluator.evaluations
    evaluator.verdict(HOTPATCH, values)
    assert evaluator.evaluations == before  # memoised


def test_only_chain_facts_can_be_given() -> None:
    with pytest.raises(ValueError, match="only on_hotpatch_chain, hotpatch_chain can be given, not 'vbs'"):
        GivenContext(machine_values(MACHINE), HOTPATCH.values(), bundled_calendar(), {}, {"vbs": "off"})
