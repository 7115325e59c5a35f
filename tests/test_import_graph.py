"""The import graph of pkginspect: no cycle between modules, and no import against the flow of layers.

The layers, in the order data flows through the tool (STYLE.md, DESIGN.md):

1. base      ``errors``, ``types``, ``suggest``, ``paths``, ``textfiles`` — the error hierarchy, shared value
             types, the did-you-mean helper, the base-name rule and bounded text reading: what every layer may use;
2. bytes     ``containers`` — bytes out of archives;
3. records   ``metadata`` — one parser per metadata file kind;
4. package   ``products``, ``package`` — a package's facts (and build numbers to products);
5. kind      ``calendar``, ``classification`` — what a package is, with the release calendar;
6. machines  ``machines`` — the facts record and its importers (a decision's input, read before any rule);
7. rules     ``rules`` — the engine, its symbols and the decision;
8. uses      ``forecasting``, ``batch`` — the rules applied over months or over paths × fleet;
9. report    ``reports``, ``schemas`` — formatters returning text;
10. cli      ``cli``, ``__main__`` and the package's ``__init__`` (the public names).

A module may import from its own layer or an earlier one, never a later one. Every import counts: module
level, inside functions (lazy) and under ``TYPE_CHECKING`` — a lazy import hides a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "pkginspect"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "types", "suggest", "paths", "numbers", "regularfiles", "textfiles"),
    ("containers",),
    ("metadata",),
    ("products", "package"),
    ("calendar", "classification"),
    ("machines",),
    ("rules",),
    ("forecasting", "batch"),
    ("reports", "schemas"),
    ("cli", "__main__", ""),
)

# Violations that exist today in modules another change owns; each names its issue. The test fails on any
# new one, and on any entry here that no longer happens (remove it then).
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()
KNOWN_AGAINST_FLOW: frozenset[tuple[str, str]] = frozenset()


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _owner(name: str, known: Iterable[str]) -> str | None:
    """The module an imported name lives in: the longest known module name that is a prefix of it."""
    names = set(known)
    while name and name not in names:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, source: str, known: Mapping[str, Path]) -> set[str]:
    """The pkginspect modules one module imports, anywhere in its body."""
    package = name if known[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str | None] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(_owner(alias.name, known) for alias in node.names if alias.name.startswith("pkginspect"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base.split(".")[0] != "pkginspect":
                continue
            for alias in node.names:  # "from pkginspect import products" imports the module products
                full = f"{base}.{alias.name}"
                found.add(full if full in known else _owner(base, known))
    found.discard(None)
    found.discard(name)
    return {module for module in found if module is not None}


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module → the modules it imports."""
    known = modules(root)
    return {name: imports_of(name, path.read_text(encoding="utf-8"), known) for name, path in known.items()}


def cycles(graph: Mapping[str, Iterable[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


def layer_of(module: str) -> int:
    """The layer of a module, by its top-level name under pkginspect (the package itself is the cli layer)."""
    top = module.split(".")[1] if "." in module else ""
    for number, names in enumerate(LAYERS):
        if top in names:
            return number
    raise AssertionError(f"{module} is in no layer: add {top!r} to LAYERS in tests/test_import_graph.py")


def against_flow(graph: Mapping[str, Iterable[str]]) -> set[tuple[str, str]]:
    """The imports of a module from a later layer than its own."""
    return {(module, imported) for module, targets in graph.items() for imported in targets
            if layer_of(imported) > layer_of(module)}


def test_every_module_has_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert found - KNOWN_CYCLES == set(), "new import cycle(s)"
    assert KNOWN_CYCLES - found == set(), "this cycle is gone: remove it from KNOWN_CYCLES"


def test_no_import_against_the_flow() -> None:
    found = against_flow(import_graph())
    assert found - KNOWN_AGAINST_FLOW == set(), "import(s) from a later layer"
    assert KNOWN_AGAINST_FLOW - found == set(), "this import is gone: remove it from KNOWN_AGAINST_FLOW"


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    package = tmp_path / "pkginspect"
    (package / "rules").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("def late():\n    from pkginspect.rules import engine\n")
    (package / "rules" / "__init__.py").write_text("from .engine import Rule\n")
    (package / "rules" / "engine.py").write_text("from pkginspect import errors\nRule = 1\n")
    graph = import_graph(package)
    assert graph["pkginspect.errors"] == {"pkginspect.rules.engine"}  # lazy, inside a function
    assert graph["pkginspect.rules"] == {"pkginspect.rules.engine"}  # relative
    assert graph["pkginspect.rules.engine"] == {"pkginspect.errors"}  # "from package import module"
    assert cycles(graph) == {frozenset({"pkginspect.errors", "pkginspect.rules.engine"})}
    assert against_flow(graph) == {("pkginspect.errors", "pkginspect.rules.engine")}


def test_reading_commands_start_without_the_rule_engine_or_templates() -> None:
    # ls, inspect and classify need no rules and no HTML: rule-engine alone costs ~0.4 s of imports, a large
    # part of inspecting a 1 GiB package (BENCHMARKS.md).
    import subprocess
    import sys

    package = ROOT.parent / "fixtures" / "packages" / "Windows10.0-KB5037848-x64.msu"
    for command in ("ls", "inspect", "classify"):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pkginspect", command, str(package)],
                              capture_output=True, text=True, check=True)
        loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
        assert "pkginspect.containers" in loaded, command
        assert not {"rule_engine", "jinja2", "pkginspect.rules", "pkginspect.batch"} & loaded, command
