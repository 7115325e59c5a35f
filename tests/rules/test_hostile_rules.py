"""Hostile rules files (issue 17, item 4): message templates, conditions and regular expressions that would
fail at evaluation, eat memory or backtrack for ever are refused when loaded, or fail as one RuleError."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.cli import main
from pkginspect.errors import RuleError
from pkginspect.rules.engine import load_ruleset

REPO = Path(__file__).resolve().parents[2]
PACKAGE = str(REPO / "fixtures" / "packages" / "Windows10.0-KB5036899-x64.msu")
FLEET = str(REPO / "fixtures" / "machines" / "fleet.json")
PLACEHOLDER = "must be a fact name in braces such as {name} (no index, attribute, conversion or format)"


def rule(when: str = "name == 'x'", message: str = "m", extra: str = "") -> str:
    """A rules file of one rule; TOML literal strings, so backslashes and quotes pass as written."""
    return (f"[[rule]]\nid = 'org.x'\nwhen = '''{when}'''\nverdict = 'reboot-required'\n"
            f"message = '''{message}'''\n{extra}")


@pytest.mark.parametrize(("text", "problem"), [
    (rule(message="{name[0]}"), f"invalid message: placeholder '{{name[0]}}' {PLACEHOLDER}"),
    (rule(message="{name.__class__}"), f"invalid message: placeholder '{{name.__class__}}' {PLACEHOLDER}"),
    (rule(message="{}"), f"invalid message: placeholder '{{}}' {PLACEHOLDER}"),
    (rule(message="{0}"), f"invalid message: placeholder '{{0}}' {PLACEHOLDER}"),
    (rule(message="{name!z}"), f"invalid message: placeholder '{{name!z}}' {PLACEHOLDER}"),
    (rule(message="{name:>999999999}"), f"invalid message: placeholder '{{name:>999999999}}' {PLACEHOLDER}"),
    (rule(message="{name:{name}}"), "invalid message: unmatched '{' (write {{ for a literal brace)"),
    (rule(message="a } b"), "invalid message: unmatched '}' (write }} for a literal brace)"),
    (rule(when="name =~ '(a+)+$'"), "regular expression '(a+)+$' is refused: a repetition inside a repetition "
                                    "(slow matching)"),
    (rule(when="name =~ '(a|ab)*c'"), "is refused: alternatives inside a repetition"),
    (rule(when="name =~~ '(a)\\\\1'"), "is refused: a backreference"),
    (rule(when="name =~ '.*a.*b.*c'"), "is refused: more than 2 repetitions"),
    (rule(when="name =~ '" + "a" * 201 + "'"), "is refused: longer than 200 characters"),
    (rule(when="name =~ edition"), "the pattern of a regular expression operator must be a string literal"),
    (rule(when="(" * 41 + "true" + ")" * 41), "condition nested more than 40 levels deep"),
    (rule(when="name == 'x' or " * 300 + "true"), "condition longer than 4000 characters"),
])
def test_refused_when_loaded(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(RuleError) as caught:
        load_ruleset([path], defaults=False)
    assert str(caught.value).startswith(f"{path}: rule 'org.x': ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(("when", "problem"), [
    ("build_number / 0 == 1", "cannot evaluate its condition: arithmetic error: division by zero"),
    ("name[999] == 'x'", "cannot evaluate its condition"),
])
def test_evaluation_failures_are_rule_errors(tmp_path: Path, when: str, problem: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(rule(when=when))
    ruleset = load_ruleset([path], defaults=False)
    with pytest.raises(RuleError) as caught:
        ruleset.evaluate({"name": "db01", "build_number": 20348})
    assert str(caught.value).startswith(f"{path}: rule 'org.x': {problem}")
    path.write_text(rule(when=when, extra="before = 'not-applicable.architecture'\n"))
    result = CliRunner().invoke(main, ["check", PACKAGE, "--machine", FLEET, "--rules", str(path)])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"pkginspect: error: {path}: rule 'org.x': cannot evaluate its condition")


def test_plain_messages_and_literal_braces(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(rule(when="name =~ '^db[0-9]+$'", message="{{literal}} {name} at {build}"))
    outcome = load_ruleset([path], defaults=False).evaluate({"name": "db01", "build": None})
    assert outcome.reasons[0].message == "{literal} db01 at unknown"


def test_long_facts_keep_allowed_patterns_fast(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(rule(when="name =~ '.*a.*b$'"))
    ruleset = load_ruleset([path], defaults=False)
    started = time.monotonic()
    assert ruleset.evaluate({"name": "a" * 1_000_000}).verdict == "unknown"
    assert time.monotonic() - started < 2
