"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.shared import require_shared


@pytest.fixture(scope="session")
def real_samples() -> Path:
    """Folder of genuine Microsoft packages (``shared/samples/real``)."""
    return require_shared("samples", "real")


@pytest.fixture(scope="session")
def cab_corpus() -> Path:
    """Folder of libmspack/cabextract test cabinets (``shared/samples/cab-corpus``)."""
    return require_shared("samples", "cab-corpus")
