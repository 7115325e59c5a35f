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


@pytest.fixture(autouse=True)
def _isolated_user_calendar_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user calendar directory at an empty folder, so a developer's own calendar.d never leaks in."""
    folder = tmp_path_factory.mktemp("calendar.d")
    monkeypatch.setenv("PKGINSPECT_CALENDAR_DIR", str(folder))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder.parent / "xdg-data"))
    return folder
