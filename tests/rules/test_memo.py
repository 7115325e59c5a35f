"""The evaluator's memos: conditions replayed from their tries, outcome paths stored compactly, shared rows."""

from __future__ import annotations

import dataclasses
import types
from pathlib import Path
from typing import Any

from pkginspect.batch import evaluate_all
from pkginspect.calendar import bundled_calendar
from pkginspect.package import inspect
from pkginspect.rules import load_machines
from pkginspect.rules.engine import _Recorder, load_ruleset
from pkginspect.rules.memo import ConditionMemo, add_path, find
from pkginspect.rules.symbols import Missing

REPO = Path(__file__).parents[2]


class Condition:
    """``a == 1 and b == 2`` (``b`` read only when ``a`` is 1), counting how often it really runs."""

    def __init__(self) -> None:
        self.runs = 0

    def read(self, recorder: Any, name: str) -> Any:
        recorder.used.append(name)
        value = recorder.values.get(name)
        if value is None:
            raise Missing(name, (name,))
        return value

    def matches(self, recorder: Any) -> bool:
        self.runs += 1
        return self.read(recorder, "a") == 1 and self.read(recorder, "b") == 2


def test_a_condition_runs_once_per_distinct_reading() -> None:
    condition = Condition()
    rule = types.SimpleNamespace(compiled=condition)  # a stand-in Rule (matches() reads only .compiled)
    memo = ConditionMemo()
    cases = [({"a": 1, "b": 2}, True, ["a", "b"]), ({"a": 1, "b": 3}, False, ["a", "b"]),
             ({"a": 0, "b": 2}, False, ["a"]), ({"a": 0, "b": 9}, False, ["a"])]
    for _ in range(3):
        for values, fired, used in cases:
            recorder = _Recorder(values)
            assert memo.matches(rule, recorder) is fired  # type: ignore[arg-type]
            assert recorder.used == used
    assert condition.runs == 3  # a=0 reads only a: the fourth case replays the third's path


def test_an_unknown_value_always_runs_the_condition() -> None:
    condition = Condition()
    rule = types.SimpleNamespace(compiled=condition)  # a stand-in Rule (matches() reads only .compiled)
    memo = ConditionMemo()
    memo.matches(rule, _Recorder({"a": 1, "b": 2}))  # type: ignore[arg-type]
    for expected_runs in (2, 3):
        recorder = _Recorder({"a": 1, "b": None})
        try:
            memo.matches(rule, recorder)  # type: ignore[arg-type]
        except Missing as missing:
            assert missing.symbol == "b" and recorder.used == ["a", "b"]
        else:
            raise AssertionError("an unknown value must raise Missing")
        assert condition.runs == expected_runs


def walk(root: list[Any], values: dict[str, Any]) -> Any:
    return find(root, values.__getitem__)


def test_paths_share_prefixes_and_split_where_values_differ() -> None:
    root: list[Any] = [None]
    paths = {
        (1, 1, 1): "x", (1, 1, 2): "y", (1, 2, 1): "z", (2, 5, 5): "w",
    }
    for (a, b, c), leaf in paths.items():
        add_path(root, [("a", a), ("b", b), ("c", c)], leaf)
    add_path(root, [("a", 3)], "short")  # a path that ends early
    add_path(root, [("a", 1), ("x", 1)], "inconsistent")  # b is read after a=1: never stored
    for (a, b, c), leaf in paths.items():
        assert walk(root, {"a": a, "b": b, "c": c}) == leaf
    assert walk(root, {"a": 3, "b": 0, "c": 0}) == "short"
    assert walk(root, {"a": 1, "b": 3, "c": 1}) is None
    assert walk(root, {"a": 2, "b": 5, "c": 6}) is None
    add_path(root, [("a", 1), ("b", 1), ("c", 1)], "again")  # known already: kept
    assert walk(root, {"a": 1, "b": 1, "c": 1}) == "x"
    assert type(root[0][1][2]) is tuple and len(root[0][1][2]) == 3  # a lone path stays a chain


def test_fixed_symbols_are_left_out_and_unhashable_values_store_nothing() -> None:
    root: list[Any] = [None]
    add_path(root, [("p", 1), ("a", 2), ("q", (3,))], "leaf", {"p", "q"})
    assert root[0] == ("a", 2, "leaf") and find(root, {"a": 2}.__getitem__) == "leaf"
    add_path(root, [("a", [1])], "unhashable")
    assert root[0] == ("a", 2, "leaf") and find(root, {"a": [1]}.__getitem__) is None


def test_machines_with_equal_facts_share_outcomes_unless_a_rule_shows_the_name(tmp_path: Path) -> None:
    package = inspect(REPO / "fixtures" / "packages" / "Windows10.0-KB5037848-x64.msu", sha256=False)
    template = load_machines(REPO / "fixtures" / "machines" / "azure-edition-core.json")[0]
    fleet = [dataclasses.replace(template, name=f"vm{i}") for i in range(3)]
    shared = evaluate_all([package], fleet, bundled_calendar())
    assert shared[0].reasons is shared[1].reasons is shared[2].reasons
    rules = tmp_path / "name.toml"
    rules.write_text('[[rule]]\nid = "named"\nwhen = "reboot_pending == false"\nverdict = "no-reboot"\n'
                     'message = "{name} has no pending restart."\nbefore = "not-applicable.architecture"\n')
    named = evaluate_all([package], fleet, bundled_calendar(), load_ruleset([rules]))
    assert [d.reasons[0].message for d in named] == [f"vm{i} has no pending restart." for i in range(3)]
