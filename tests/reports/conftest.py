"""Audit results the report tests render: the fixture fleet and packages, and a small result with the rough edges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from pkginspect.batch import AuditResult, audit
from pkginspect.rules import Machine, load_machines

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
HOSTILE = '<script>alert("x")</script> & =HYPERLINK("http://x")'


@pytest.fixture(scope="session")
def fixture_audit() -> Iterator[AuditResult]:
    """The golden audit: every fixture package against the fixture fleet, run from the repository root so that
    package paths are the relative ones a user would type."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        fleet = load_machines("fixtures/machines/fleet.json")
        yield audit(sorted(Path("fixtures/packages").glob("*.msu")), fleet, now=NOW, jobs=1)


@pytest.fixture(scope="session")
def rough_audit() -> Iterator[AuditResult]:
    """Unknown verdicts (machines with missing facts), unreadable packages and a machine name full of markup."""
    fleet = [
        Machine(name="bare"),
        Machine(name="partial", product="windows-server-2025"),
        Machine(name=HOSTILE, product="windows-server-2025", build="26100.6899", architecture="amd64",
                edition="ServerTurbine", platform="azure", hotpatch_enrolled=True, vbs="running", secure_boot=True,
                vm_generation=2, reboot_pending=False),
    ]
    paths = [
        "fixtures/packages/Windows11.0-KB5066835-x64.msu",
        "fixtures/packages/Windows11.0-KB5068966-x64.msu",
        "fixtures/packages/broken/truncated-header.msu",
        "fixtures/packages/broken/not-a-package.msu",
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        yield audit(paths, fleet, now=NOW, jobs=1)
