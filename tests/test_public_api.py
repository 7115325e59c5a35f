"""The public names of ``pkginspect``: imported for type checkers exactly as they load at run time."""

from __future__ import annotations

import ast
from pathlib import Path

import pkginspect

INIT = Path(pkginspect.__file__)


def _type_checking_imports() -> dict[str, str]:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    return {alias.name: node.module or "" for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}


def test_type_checking_imports_match_the_runtime_table() -> None:
    assert _type_checking_imports() == pkginspect._EXPORTS


def test_every_public_name_loads() -> None:
    assert pkginspect.__all__ == sorted(pkginspect.__all__)
    for name in pkginspect.__all__:
        assert getattr(pkginspect, name) is not None
    assert set(dir(pkginspect)) >= set(pkginspect.__all__)
