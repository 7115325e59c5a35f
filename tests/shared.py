"""The one way tests find ``../shared`` (real samples, cab corpus, domain facts).

Looked up in this order: the ``PKGINSPECT_SHARED`` environment variable, then ``shared/`` beside the
repository (``<repo>/../shared``). When it is missing, tests that need it are skipped with a message saying
so — except under CI (``CI=true``), where a missing ``shared/`` is an error, since CI always has it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """Return the shared folder, or None when it cannot be found."""
    env = os.environ.get("PKGINSPECT_SHARED")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared")
    for candidate in candidates:
        if (candidate / "samples").is_dir():
            return candidate
    return None


def require_shared(*parts: str) -> Path:
    """Return ``shared/<parts…>``, skipping (or failing under CI) with a clear message when absent."""
    base = shared_dir()
    if base is None:
        message = (
            "../shared (real samples and cab corpus) not found: set PKGINSPECT_SHARED=/path/to/shared "
            "or place it beside the repository"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = base.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from the shared folder")
    return path
