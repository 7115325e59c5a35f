#!/usr/bin/env python3
"""Coverage-guided fuzz target: every metadata parser of ``metadata.PARSERS`` (the first byte picks the parser).

    python tests/fuzz/fuzz_metadata.py [libFuzzer options] [CORPUS_DIR …]   # e.g. -max_total_time=40

With atheris (pip install atheris) this is libFuzzer driving ``targets.metadata_one_input`` with pkginspect's
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
    import pkginspect.containers.lzx
    import pkginspect.containers.wim
    import pkginspect.metadata  # noqa: F401
    from tests.fuzz import targets

if __name__ == "__main__":
    sys.exit(targets.run("metadata", sys.argv))
