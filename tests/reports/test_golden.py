"""Golden reports: the fixture packages audited against the fixture fleet, in every format, byte for byte.

Rewrite them with ``PKGINSPECT_REGENERATE_GOLDEN=1 python -m pytest tests/reports``, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pkginspect.batch import AuditResult
from pkginspect.reports.formats import ReportFormat, render

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("PKGINSPECT_REGENERATE_GOLDEN") == "1"


def compare_golden(name: str, actual: str) -> None:
    """Compare bytes (the CSV's CRLF included); on a difference name the first line and offset that differ."""
    path = GOLDEN / name
    data = actual.encode("utf-8")
    if REGENERATE:
        path.write_bytes(data)
    expected = path.read_bytes()
    if data != expected:
        pairs = enumerate(zip(expected, data, strict=False))
        offset = next((n for n, (e, a) in pairs if e != a), min(len(expected), len(data)))
        line = expected[:offset].count(b"\n") + 1
        pytest.fail(f"{name} differs from the golden file at byte {offset} (line {line}); set "
                    "PKGINSPECT_REGENERATE_GOLDEN=1 to rewrite it, then review the diff")


@pytest.mark.parametrize("member", list(ReportFormat))
def test_golden(fixture_audit: AuditResult, member: ReportFormat) -> None:
    compare_golden(f"audit.{member.extension}", render(fixture_audit, member))


def test_golden_inputs_are_the_fixtures(fixture_audit: AuditResult) -> None:
    assert fixture_audit.generated == "2026-01-15T00:00:00Z"
    assert len(fixture_audit.packages) == 10 and len(fixture_audit.machines) == 36
    assert all(p.path.startswith("fixtures/packages/") for p in fixture_audit.packages)
    assert not fixture_audit.errors
