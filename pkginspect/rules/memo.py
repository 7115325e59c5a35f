"""Exact memos of rule evaluation: tries of the (symbol, value) pairs an evaluation read, in reading order.

Evaluation is a function of that sequence alone, so values that follow a stored path lead to its stored leaf (an
outcome, or a condition's bool) after reading only the symbols on it. A node with one edge is ``(symbol, value,
next node)``, one with more ``(symbol, {value: next node})``: most paths share a prefix and then run alone to their
leaf, and a tuple is a fraction of a dict's size. A trie lives in ``root[0]`` (None while empty).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Container
from typing import Any

from pkginspect.rules.engine import Rule


def find(root: list[Any], read: Callable[[str], Any]) -> Any:
    """The leaf the values ``read(symbol)`` lead to from ``root[0]``; None off the stored paths."""
    node = root[0]
    try:
        while type(node) is tuple:
            value = read(node[0])
            node = (node[2] if node[1] == value else None) if len(node) == 3 else node[1].get(value)
    except TypeError:  # an unhashable value: not memoised
        return None
    return node


def _chain(trace: list[tuple[str, Any]], start: int, leaf: Any) -> Any:
    node = leaf
    for symbol, value in reversed(trace[start:]):
        node = (symbol, value, node)
    return node


def add_path(root: list[Any], trace: list[tuple[str, Any]], leaf: Any, fixed: Container[str] = ()) -> None:
    """Store the path ``trace`` → ``leaf`` (an unhashable value stores nothing; a known path keeps its leaf).

    Symbols in ``fixed`` have one value for every path of this trie: they are left out, and never read again.
    """
    trace = [(symbol, value) for symbol, value in trace if symbol not in fixed]
    with contextlib.suppress(TypeError):
        passed: list[tuple[Any, ...]] = []
        node = root[0]
        depth = 0
        while True:
            if node is None:
                new = _chain(trace, depth, leaf)
                break
            if depth == len(trace) or type(node) is not tuple or node[0] != trace[depth][0]:
                return  # known already, or an inconsistent path (cannot happen for deterministic rules)
            value = trace[depth][1]
            if len(node) == 3 and node[1] != value:
                new = (node[0], {node[1]: node[2], value: _chain(trace, depth + 1, leaf)})
                break
            passed.append(node)
            node = node[2] if len(node) == 3 else node[1].get(value)
            depth += 1
        # ``new`` takes the place of the node at ``depth``; one-edge nodes above it are rebuilt up to a dict.
        while passed:
            parent = passed.pop()
            depth -= 1
            if len(parent) == 2:
                parent[1][trace[depth][1]] = new
                return
            new = (parent[0], parent[1], new)
        root[0] = new


class ConditionMemo:
    """Rule conditions memoised by the (symbol, value) pairs they read, in order: one trie per rule.

    ``matches`` stands in for ``rule.compiled.matches(recorder)`` in :meth:`Ruleset.evaluate`: it walks the
    rule's trie reading the same symbols the condition would (recording them as read), and runs the
    condition only off the known paths. An unknown value (None) is on no path: the condition runs and raises
    ``Missing`` naming what is missing.
    """

    def __init__(self) -> None:
        self._roots: dict[int, list[Any]] = {}

    def matches(self, rule: Rule, recorder: Any) -> bool:
        """Whether ``rule``'s condition holds for ``recorder.values``; the symbols read go to ``recorder.used``."""
        root = self._roots.get(id(rule))
        if root is None:
            root = self._roots[id(rule)] = [None, rule]  # the rule kept referenced: its id stays unique
        values, used = recorder.values, recorder.used
        start = len(used)

        def read(symbol: str) -> Any:
            used.append(symbol)
            return values.get(symbol)

        found = find(root, read)
        if type(found) is bool:
            return found
        del used[start:]
        fired = bool(rule.compiled.matches(recorder))  # raises Missing on an unknown value: nothing memoised
        add_path(root, [(name, values.get(name)) for name in used[start:]], fired)
        return fired
