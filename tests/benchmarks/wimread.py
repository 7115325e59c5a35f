"""Read one WIM member through pkginspect's library and write it to standard output (a benchmark helper).

    python -m tests.benchmarks.wimread WIM MEMBER

The counterpart of ``wimlib-imagex extract WIM 1 /MEMBER --to-stdout``: both read the same member
of the same WIM and write its bytes to a pipe, so the benchmark compares the reading alone.
"""

from __future__ import annotations

import shutil
import sys

from pkginspect.containers import open_container


def main(argv: list[str]) -> int:
    """Copy ``argv[1]``'s member ``argv[2]`` to standard output in 1 MiB pieces."""
    wim, name = argv[1], argv[2]
    with open_container(wim) as container:
        member = next((m for m in container.members if m.name == name), None)
        if member is None:
            sys.exit(f"{wim}: no member {name!r}")
        with container.open(member) as stream:
            shutil.copyfileobj(stream, sys.stdout.buffer, 1 << 20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
