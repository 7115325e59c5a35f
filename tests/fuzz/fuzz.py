#!/usr/bin/env python3
"""Coverage-guided fuzzing of one target: ``cab``, ``metadata`` or ``wim`` (see ``targets.TARGETS``).

    python tests/fuzz/fuzz.py TARGET [libFuzzer options] [CORPUS_DIR …]   # e.g. cab -max_total_time=40

With atheris (pip install atheris) this is libFuzzer driving the target's one-input function with pkginspect's
coverage; without it, a deterministic mutator runs over the corpus folders instead. See tests/fuzz/README.md.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

atheris: ModuleType | None
try:
    import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore,no-redef]
except ImportError:
    atheris = None

# Instrument pkginspect (and only it) for coverage: import it, lazily loaded modules included, in this block.
with atheris.instrument_imports(include=["pkginspect"]) if atheris else contextlib.nullcontext():
    import pkginspect.containers.codecs
    import pkginspect.containers.wim
    import pkginspect.metadata  # noqa: F401
    from tests.fuzz import targets

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(sorted(targets.TARGETS))}}} [libFuzzer options] [CORPUS_DIR ...]")
    # libFuzzer reads the rest of the command line; the target name is ours.
    sys.exit(targets.run(sys.argv[1], [sys.argv[0], *sys.argv[2:]]))
