"""Ruleset files: defaults load, user files override/disable/add rules, and every error names file and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkginspect.errors import RuleError
from pkginspect.rules.engine import load_ruleset

BASE = {
    "package_kind": "hotpatch", "vbs": "running", "hotpatch_enrolled": True, "reboot_pending": False,
}


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_defaults_load_in_order() -> None:
    ids = load_ruleset().ids()
    assert ids[0] == "not-applicable.architecture" and ids[-1] == "hotpatch.no-reboot"
    assert ids.index("reboot-pending") < ids.index("kind.cumulative") < ids.index("hotpatch.program")


def test_user_rules_override_disable_and_add(tmp_path: Path) -> None:
    policy = write(tmp_path, """
[[rule]]
id = "hotpatch.vbs"
when = "package_kind == 'hotpatch' and vbs == 'off'"
verdict = "reboot-required"
final = false
message = "Our policy: VBS off means restart."

[[rule]]
id = "hotpatch.azure-gen2"
enabled = false

[[rule]]
id = "org.freeze"
before = "reboot-pending"
when = "name in ['sql01', 'sql02']"
verdict = "not-applicable"
message = "{name} is frozen by change policy."
""")
    ruleset = load_ruleset([policy])
    ids = ruleset.ids()
    assert "hotpatch.azure-gen2" not in ids
    assert ids.index("org.freeze") == ids.index("reboot-pending") - 1
    vbs = next(r for r in ruleset.rules if r.id == "hotpatch.vbs")
    assert vbs.message == "Our policy: VBS off means restart." and vbs.source == str(policy)
    assert ruleset.sources[-1] == str(policy)


def test_user_rule_evaluates(tmp_path: Path) -> None:
    policy = write(tmp_path, """
[[rule]]
id = "org.always-restart-on-fridays"
when = "name == 'db01'"
verdict = "reboot-required"
message = "{name}: restart anyway"
""")
    ruleset = load_ruleset([policy], defaults=False)
    outcome = ruleset.evaluate({"name": "db01"})
    assert outcome.verdict == "reboot-required"
    assert outcome.reasons[0].message == "db01: restart anyway"
    assert outcome.reasons[0].facts == (("name", "db01"),)
    assert ruleset.evaluate({"name": "web01"}).verdict == "unknown"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]]\nid='a'\nwhen=\"vbss == 'x'\"\nverdict='no-reboot'",
         "rule 'a': unknown fact 'vbss' (did you mean 'vbs'?)"),
        ("[[rule]]\nid='a'\nwhen=\"vbs_status == 'x'\"\nverdict='no-reboot'",
         "rule 'a': unknown fact 'vbs_status' (did you mean 'vbs'?)"),  # suggest.py's containment rule
        ("[[rule]]\nid='a'\nwhen=\"vbs ==\"\nverdict='no-reboot'", "rule 'a': invalid condition"),
        ("[[rule]]\nid='a'\nwhen=\"vbs < 5\"\nverdict='no-reboot'", "rule 'a': invalid condition: data type mismatch"),
        ("[[rule]]\nid='a'\nwhen=\"vbs == 'x'\"\nverdict='maybe'", "rule 'a': verdict 'maybe' is not one of"),
        ("[[rule]]\nid='a'\nwhen=''\nverdict='no-reboot'", "rule 'a': 'when' must be a condition"),
        ("[[rule]]\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'", "every rule needs an 'id'"),
        ("[[rule]]\nid='a'\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'\nverdit='x'",
         "rule 'a': unknown key 'verdit' (did you mean 'verdict'?)"),
        ("[[rule]]\nid='a'\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'\nmessage='{vbz}'",
         "rule 'a': message names unknown fact 'vbz' (did you mean 'vbs'?)"),
        ("[[rule]]\nid='a'\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'\nmessage='{'", "rule 'a': invalid message"),
        ("[[rule]]\nid='a'\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'\nfinal='yes'", "rule 'a': 'final' must be true"),
        ("[[rule]]\nid='a'\nbefore='nope'\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'",
         "rule 'a': before names unknown rule 'nope'"),
        ("[[rule]]\nid='nope'\nenabled=false", "rule 'nope': cannot disable an unknown rule"),
        ("[[rule]]\nid='a'\nwhen=\"vbs == 'x'\"\nverdict='no-reboot'\n[[rule]]\nid='a'\nwhen=\"vbs == 'y'\"\n"
         "verdict='no-reboot'", "rule 'a' is defined twice"),
        ("[rules]\nx=1", "unknown top-level key 'rules'"),
        ("[[rule]\n", "invalid TOML"),
    ],
)
def test_rule_file_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as caught:
        load_ruleset([path])
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"missing\.toml: file not found"):
        load_ruleset([tmp_path / "missing.toml"])
    with pytest.raises(RuleError, match="is a directory"):
        load_ruleset([tmp_path])
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00rule")
    with pytest.raises(RuleError, match="not UTF-8 text"):
        load_ruleset([binary])
    empty = write(tmp_path, "", "empty.toml")
    with pytest.raises(RuleError, match="no rules left to evaluate"):
        load_ruleset([empty], defaults=False)


def test_unknown_when_nothing_decides() -> None:
    outcome = load_ruleset().evaluate({**BASE, "package_kind": "martian"})
    assert outcome.verdict == "unknown"
