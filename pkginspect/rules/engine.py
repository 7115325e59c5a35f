"""The reboot rule engine: rules are data (TOML), conditions are ``rule-engine`` expressions over typed symbols.

A rule has an ``id``, a ``when`` condition, a ``verdict``, a ``message`` (``{symbol}`` placeholders) and may be
``final`` (default) or not. Evaluation walks the rules in order:

- the first rule whose condition holds decides the verdict; later rules that would give the same verdict and
  hold add their reasons (so every failing hotpatch prerequisite is named); rules with another verdict are not
  considered any more; a ``final`` rule that holds ends the walk;
- a rule that reads an unknown fact before the verdict is decided is remembered; if the verdict finally decided
  differs from what that rule would have given, the answer is ``unknown``, naming the missing facts (a missing
  fact that could not change the answer does not matter).

Rules are checked when loaded: unknown symbols (with a did-you-mean), type mismatches, unknown verdicts,
placeholders that name no symbol, duplicate ids. A user file adds rules, replaces rules with the same id, or
disables them (``enabled = false``); ``before``/``after`` place a new rule relative to an existing one.
"""

from __future__ import annotations

import difflib
import functools
import os
import string
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import rule_engine

from pkginspect.errors import RuleError
from pkginspect.rules.symbols import DERIVED_NEEDS, SYMBOLS, Missing
from pkginspect.textfiles import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

VERDICTS = ("no-reboot", "reboot-required", "reboot-possible", "not-applicable", "unknown")
RULE_KEYS = ("id", "when", "verdict", "message", "final", "enabled", "before", "after", "description")
MAX_RULES_BYTES = 1024 * 1024
DEFAULT_RULES = "default_rules.toml"


@dataclass(frozen=True)
class Rule:
    """One rule, compiled."""

    id: str
    when: str
    verdict: str
    message: str
    final: bool
    source: str
    description: str = ""
    compiled: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Reason:
    """A rule that took part in a decision: its id, its message in plain words, and the facts it used.

    The facts are those its condition read and those its message cites, with their values.
    """

    rule: str
    verdict: str
    message: str
    facts: tuple[tuple[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data."""
        return {
            "rule": self.rule,
            "verdict": self.verdict,
            "message": self.message,
            "facts": {name: list(value) if isinstance(value, tuple) else value for name, value in self.facts},
        }


@dataclass(frozen=True)
class Outcome:
    """What the rules concluded for one machine × package context."""

    verdict: str
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...] = ()


class _Recorder:
    """The object rule-engine evaluates against: records the symbols a rule reads, flags unknown ones."""

    __slots__ = ("used", "values")

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.used: list[str] = []


def _resolve(thing: _Recorder, name: str) -> Any:
    thing.used.append(name)
    values = thing.values
    value = values.get(name)
    if value is None:
        # What an unknown derived fact depends on is part of the answer (it is named), so it is "read" too.
        dependencies = getattr(values, "dependencies", None)
        if dependencies is not None:
            thing.used.extend(dependencies(name))
        explain = getattr(values, "explain", None)
        facts = explain(name) if explain is not None else DERIVED_NEEDS.get(name) or (name,)
        raise Missing(name, tuple(facts) or (name,))
    return value


_CONTEXT = rule_engine.Context(type_resolver=rule_engine.type_resolver_from_dict(SYMBOLS), resolver=_resolve)


@functools.lru_cache(maxsize=1024)
def _placeholders(message: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(message) if name]


def _compile(entry: Mapping[str, Any], where: str) -> Rule:
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleError(where, "every rule needs an 'id' (a non-empty string)")
    here = f"rule '{rule_id}'"
    for key in entry:
        if key not in RULE_KEYS:
            close = difflib.get_close_matches(key, RULE_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RuleError(where, f"{here}: unknown key '{key}'{hint}")
    when, verdict, message = entry.get("when"), entry.get("verdict"), entry.get("message", "")
    if not isinstance(when, str) or not when.strip():
        raise RuleError(where, f"{here}: 'when' must be a condition (a non-empty string)")
    if verdict not in VERDICTS:
        raise RuleError(where, f"{here}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    if not isinstance(message, str):
        raise RuleError(where, f"{here}: 'message' must be a string")
    for key in ("final", "enabled"):
        if key in entry and not isinstance(entry[key], bool):
            raise RuleError(where, f"{here}: '{key}' must be true or false")
    try:
        compiled = rule_engine.Rule(when, context=_CONTEXT)
    except rule_engine.SymbolResolutionError as error:
        hint = f" (did you mean '{error.suggestion}'?)" if getattr(error, "suggestion", None) else ""
        raise RuleError(where, f"{here}: unknown fact '{error.symbol_name}'{hint}") from None
    except rule_engine.RuleSyntaxError as error:
        raise RuleError(where, f"{here}: invalid condition: {error.message}") from None
    except rule_engine.EngineError as error:
        raise RuleError(where, f"{here}: invalid condition: {getattr(error, 'message', error)}") from None
    try:
        names = _placeholders(message)
    except ValueError as error:
        raise RuleError(where, f"{here}: invalid message: {error}") from None
    for name in names:
        if name not in SYMBOLS:
            close = difflib.get_close_matches(name, SYMBOLS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RuleError(where, f"{here}: message names unknown fact '{name}'{hint}")
    return Rule(rule_id, when, verdict, message, bool(entry.get("final", True)), where,
                str(entry.get("description", "")), compiled)


def _read(path: str | os.PathLike[str] | None, text: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    name = os.fspath(path) if path is not None else f"pkginspect/rules/{DEFAULT_RULES}"
    if text is None:
        text = read_text(name, limit=MAX_RULES_BYTES, error=RuleError, what="a rules file")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(name, f"invalid TOML: {error}") from None
    extra = [key for key in document if key != "rule"]
    if extra:
        raise RuleError(name, f"unknown top-level key '{extra[0]}' (rules are [[rule]] tables)")
    rules = document.get("rule", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise RuleError(name, "rules must be [[rule]] tables")
    return name, rules


@dataclass(frozen=True)
class Ruleset:
    """An ordered, validated list of rules."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...]

    def ids(self) -> tuple[str, ...]:
        """Rule ids in evaluation order."""
        return tuple(rule.id for rule in self.rules)

    def evaluate(self, values: Mapping[str, Any], trace: list[tuple[str, Any]] | None = None,
                 matches: Callable[[Rule, Any], bool] | None = None) -> Outcome:
        """Run the rules over one context of symbol values (None = unknown); see the module docstring.

        ``values`` may compute symbols lazily and offer ``explain(name)`` (the facts to name when a symbol is
        unknown) and ``dependencies(name)``. When ``trace`` is given, every (symbol, value) the outcome depends
        on is appended to it, in reading order: evaluation is a function of that sequence alone.
        ``matches(rule, recorder)`` stands in for ``rule.compiled.matches(recorder)`` (a memo of conditions).
        """
        verdict: str | None = None
        reasons: list[Reason] = []
        pending: list[tuple[Rule, Missing]] = []
        for rule in self.rules:
            if verdict is not None and rule.verdict != verdict:
                continue
            recorder = _Recorder(values)
            try:
                fired = matches(rule, recorder) if matches else rule.compiled.matches(recorder)
            except Missing as absent:
                if trace is not None:
                    trace.extend((name, values.get(name)) for name in recorder.used)
                if verdict is None:
                    pending.append((rule, absent))
                continue
            used = [*recorder.used, *_placeholders(rule.message)] if fired else recorder.used
            if trace is not None:
                trace.extend((name, values.get(name)) for name in used)
            if not fired:
                continue
            if verdict is None:
                verdict = rule.verdict
            facts = tuple((name, values.get(name)) for name in dict.fromkeys(used))
            reasons.append(Reason(rule.id, rule.verdict, _message(rule.message, values), facts))
            if rule.final:
                break
        blocking = [(rule, miss) for rule, miss in pending if rule.verdict != verdict]
        if verdict is None or blocking:
            missing = tuple(dict.fromkeys(fact for _, miss in blocking or pending for fact in miss.facts))
            unknown = [
                Reason(rule.id, "unknown", f"cannot tell whether {rule.id} applies: unknown {', '.join(miss.facts)}",
                       ((miss.symbol, None),))
                for rule, miss in (blocking or pending)
            ]
            if not unknown:
                unknown = [Reason("no-rule", "unknown", "no rule decided this case", ())]
            # The reasons of the verdict that would otherwise stand are left out: they may assume the missing facts.
            return Outcome("unknown", tuple(unknown), missing)
        return Outcome(verdict, tuple(reasons))


class _Shown(dict[str, str]):
    """Message values, looked up lazily: tuples joined, unknown shown as 'unknown'."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__()
        self._values = values

    def __missing__(self, key: str) -> str:
        value = self._values.get(key)
        return ", ".join(map(str, value)) if isinstance(value, tuple) else "unknown" if value is None else str(value)


def _message(template: str, values: Mapping[str, Any]) -> str:
    return template.format_map(_Shown(values))


def _merge(base: list[Rule], entries: Sequence[dict[str, Any]], where: str) -> list[Rule]:
    rules = list(base)
    for entry in entries:
        rule_id = entry.get("id")
        index = next((i for i, r in enumerate(rules) if r.id == rule_id), None)
        if entry.get("enabled") is False and set(entry) <= {"id", "enabled"}:
            if index is None:
                raise RuleError(where, f"rule '{rule_id}': cannot disable an unknown rule")
            del rules[index]
            continue
        rule = _compile(entry, where)
        if entry.get("enabled") is False:
            if index is not None:
                del rules[index]
            continue
        anchor_key = "before" if "before" in entry else "after" if "after" in entry else None
        if index is not None and anchor_key is None:
            rules[index] = rule
            continue
        if index is not None:
            del rules[index]
        if anchor_key is None:
            rules.append(rule)
            continue
        anchor = entry[anchor_key]
        position = next((i for i, r in enumerate(rules) if r.id == anchor), None)
        if position is None:
            raise RuleError(where, f"rule '{rule_id}': {anchor_key} names unknown rule '{anchor}'")
        rules.insert(position if anchor_key == "before" else position + 1, rule)
    return rules


def load_ruleset(paths: Iterable[str | os.PathLike[str]] = (), *, defaults: bool = True) -> Ruleset:
    """The default rules (unless ``defaults`` is False) with each user rules file applied over them in turn."""
    rules: list[Rule] = []
    sources: list[str] = []
    if defaults:
        text = resources.files("pkginspect.rules").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")
        name, entries = _read(None, text)
        seen: set[str] = set()
        for entry in entries:
            if entry.get("id") in seen:
                raise RuleError(name, f"rule '{entry.get('id')}' is defined twice")
            seen.add(str(entry.get("id")))
        rules = _merge([], entries, name)
        sources.append(name)
    for path in paths:
        name, entries = _read(path)
        ids = [e.get("id") for e in entries]
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        if duplicate is not None:
            raise RuleError(name, f"rule '{duplicate}' is defined twice")
        rules = _merge(rules, entries, name)
        sources.append(name)
    if not rules:
        raise RuleError(sources[-1] if sources else "rules", "no rules left to evaluate")
    return Ruleset(tuple(rules), tuple(sources))
