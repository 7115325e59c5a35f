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

import functools
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import rule_engine
import rule_engine.ast

if sys.version_info >= (3, 11):
    import re._parser as _sre
else:  # pragma: no cover - exercised on Python 3.10 only
    import sre_parse as _sre

from pkginspect.errors import RuleError
from pkginspect.rules.symbols import DERIVED_NEEDS, SYMBOLS, Missing
from pkginspect.suggest import suggest
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


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_FACT_CHARS]
    if isinstance(value, tuple):
        return tuple(item[:MAX_FACT_CHARS] if isinstance(item, str) else item for item in value)
    return value


def _resolve(thing: _Recorder, name: str) -> Any:
    thing.used.append(name)
    values = thing.values
    value = _bounded(values.get(name))
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


# A message is text with {fact} placeholders and {{ }} for literal braces — nothing of str.format's index,
# attribute, conversion or format-spec machinery, which a rules file could use to fail or to ask for a
# gigabyte-wide field.
_TEMPLATE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_FACT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)


def _template(message: str) -> list[tuple[str, str | None]]:
    """(literal text, placeholder name or None) pieces of a message; ValueError for anything but ``{fact}``."""
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in _TEMPLATE.finditer(message):
        literal = message[position : match.start()]
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append((literal + token[0], None))
        elif token in ("{", "}"):
            raise ValueError(f"unmatched {token!r} (write {token * 2} for a literal brace)")
        elif not _FACT_NAME.fullmatch(match.group(1)):
            raise ValueError(f"placeholder {token[:40]!r} must be a fact name in braces such as {{name}} "
                             "(no index, attribute, conversion or format)")
        else:
            pieces.append((literal, match.group(1)))
    pieces.append((message[position:], None))
    return pieces


@functools.lru_cache(maxsize=1024)
def _placeholders(message: str) -> list[str]:
    return [name for _, name in _template(message) if name]


MAX_CONDITION_CHARS = 4000
MAX_CONDITION_NESTING = 40
MAX_PATTERN_CHARS = 200
MAX_PATTERN_REPEATS = 2
MAX_FACT_CHARS = 256
"""String facts are compared by at most their first 256 characters (real ones are far shorter), which with
the pattern restrictions below keeps every regular expression match short."""


def _nesting(condition: str) -> int:
    depth = deepest = 0
    for character in condition:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth -= 1
    return deepest


def _pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` could take exponential or polynomial time (catastrophic backtracking), or None.

    Refused: backreferences, a repetition inside a repetition, alternatives inside a repetition, more than
    two repetitions, patterns over 200 characters.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"longer than {MAX_PATTERN_CHARS} characters"
    try:
        parsed = _sre.parse(pattern)
    except (re.error, RecursionError, OverflowError) as error:
        return f"invalid: {error}"
    repeats = 0

    def walk(items: Any, repeated: bool) -> str | None:
        nonlocal repeats
        for op, av in items:
            name = str(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                _low, high, body = av
                if high > 1:
                    if repeated:
                        return "a repetition inside a repetition"
                    repeats += 1
                problem = walk(body, repeated or high > 1)
            elif name == "BRANCH":
                if repeated:
                    return "alternatives inside a repetition"
                problem = next(filter(None, (walk(branch, repeated) for branch in av[1])), None)
            elif name in ("GROUPREF", "GROUPREF_EXISTS"):
                return "a backreference"
            elif name == "SUBPATTERN":
                problem = walk(av[-1], repeated)
            elif name in ("ASSERT", "ASSERT_NOT"):
                problem = walk(av[1], repeated)
            elif name == "ATOMIC_GROUP":
                problem = walk(av, repeated)
            else:
                problem = None
            if problem:
                return problem
        return None

    problem = walk(parsed, False)
    if problem is None and repeats > MAX_PATTERN_REPEATS:
        problem = f"more than {MAX_PATTERN_REPEATS} repetitions"
    return problem


def _expressions(node: Any, depth: int = 0) -> Iterable[Any]:
    """Every expression node of a compiled rule-engine tree."""
    if depth > 4 * MAX_CONDITION_NESTING:
        return
    yield node
    for value in vars(node).values():
        children = value if isinstance(value, (list, tuple)) else (value,)
        for child in children:
            if isinstance(child, rule_engine.ast.ExpressionBase):
                yield from _expressions(child, depth + 1)


def _check_regexes(compiled: Any, here: str, where: str) -> None:
    for node in _expressions(compiled.statement.expression):
        if not isinstance(node, rule_engine.ast.FuzzyComparisonExpression):
            continue
        if not isinstance(node.right, rule_engine.ast.StringExpression):
            raise RuleError(where, f"{here}: the pattern of a regular expression operator must be a string literal")
        problem = _pattern_problem(node.right.value)
        if problem:
            raise RuleError(where, f"{here}: regular expression {node.right.value[:60]!r} is refused: {problem} "
                                   "(slow matching)")


def _compile(entry: Mapping[str, Any], where: str) -> Rule:
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleError(where, "every rule needs an 'id' (a non-empty string)")
    here = f"rule '{rule_id}'"
    for key in entry:
        if key not in RULE_KEYS:
            raise RuleError(where, f"{here}: unknown key '{key}'{suggest(key, RULE_KEYS)}")
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
    if len(when) > MAX_CONDITION_CHARS:
        raise RuleError(where, f"{here}: condition longer than {MAX_CONDITION_CHARS} characters")
    if _nesting(when) > MAX_CONDITION_NESTING:
        raise RuleError(where, f"{here}: condition nested more than {MAX_CONDITION_NESTING} levels deep")
    try:
        compiled = rule_engine.Rule(when, context=_CONTEXT)
    except RecursionError as exc:
        raise RuleError(where, f"{here}: condition nested too deeply") from exc
    except rule_engine.SymbolResolutionError as error:
        name = error.symbol_name
        raise RuleError(where, f"{here}: unknown fact '{name}'{suggest(name, SYMBOLS)}") from error
    except rule_engine.RuleSyntaxError as error:
        raise RuleError(where, f"{here}: invalid condition: {error.message}") from error
    except rule_engine.EngineError as error:
        raise RuleError(where, f"{here}: invalid condition: {getattr(error, 'message', error)}") from error
    _check_regexes(compiled, here, where)
    try:
        names = _placeholders(message)
    except ValueError as error:
        raise RuleError(where, f"{here}: invalid message: {error}") from error
    for name in names:
        if name not in SYMBOLS:
            raise RuleError(where, f"{here}: message names unknown fact '{name}'{suggest(name, SYMBOLS)}")
    return Rule(rule_id, when, verdict, message, bool(entry.get("final", True)), where,
                str(entry.get("description", "")), compiled)


def _read(path: str | os.PathLike[str] | None, text: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    name = os.fspath(path) if path is not None else f"pkginspect/rules/{DEFAULT_RULES}"
    if text is None:
        text = read_text(name, limit=MAX_RULES_BYTES, error=RuleError, what="a rules file")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(name, f"invalid TOML: {error}") from error
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
            except (rule_engine.EngineError, ArithmeticError, LookupError, TypeError, ValueError,
                    RecursionError) as failure:
                text = str(getattr(failure, "message", None) or failure)[:200]
                raise RuleError(rule.source, f"rule '{rule.id}': cannot evaluate its condition: {text}") from failure
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
    shown = _Shown(values)
    return "".join(literal + (shown[name] if name else "") for literal, name in _template(template))


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
