"""The JUnit report: a suite per machine, a case per package; restarts fail, unknowns error, n/a skips."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from pkginspect.batch import AuditResult
from pkginspect.reports.audit_junit import ERRORS_SUITE, audit_junit
from tests.reports.conftest import HOSTILE

junitparser = pytest.importorskip("junitparser", reason="junitparser (PyPI) reads the report as CI systems do")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_junitparser_reads_the_counts(fixture_audit: AuditResult, tmp_path: Path) -> None:
    xml = junitparser.JUnitXml.fromfile(str(write(tmp_path, audit_junit(fixture_audit))))
    totals = fixture_audit.totals()
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (
        360, totals["reboot-required"], totals["unknown"], totals["not-applicable"])
    suites = list(xml)
    assert [s.name for s in suites] == [m.name for m in fixture_audit.machines]
    for suite in suites:
        verdicts = Counter(d.verdict for d in fixture_audit.decisions if d.machine == suite.name)
        assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (
            10, verdicts["reboot-required"], verdicts["unknown"], verdicts["not-applicable"])
        cases = list(suite)
        assert len(cases) == suite.tests
        outcomes = Counter(type(r).__name__ for case in cases for r in case.result)
        assert outcomes["Failure"] == suite.failures and outcomes["Skipped"] == suite.skipped
        assert all(case.classname == suite.name for case in cases)


def test_a_failing_case(fixture_audit: AuditResult, tmp_path: Path) -> None:
    xml = junitparser.JUnitXml.fromfile(str(write(tmp_path, audit_junit(fixture_audit))))
    suite = next(s for s in xml if s.name == "fleet-018-ws25arc")
    case = next(c for c in suite if c.name == "KB5068966 Windows11.0-KB5068966-x64.msu")
    (failure,) = case.result
    assert isinstance(failure, junitparser.Failure)
    assert failure.type == "reboot-required"
    assert failure.message == "Hotpatch through Azure Arc needs UEFI Secure Boot, which is off on this machine."
    assert "\n2. [hotpatch.chain] (reboot-required) Build 26100.6905 is not on the hotpatch chain" in failure.text
    assert "secure_boot=false" in failure.text
    properties = {p.name: p.value for p in suite.properties()}
    assert properties["platform"] == "arc" and properties["secure_boot"] == "false"
    passing = next(c for c in suite if c.name == "KB5036620 Windows10.0-KB5036620-x64-NDP481.msu")
    assert isinstance(passing.result[0], junitparser.Skipped)
    suite = next(s for s in xml if s.name == "fleet-001-ws22ae")
    passing = next(c for c in suite if c.name == "KB5036620 Windows10.0-KB5036620-x64-NDP481.msu")
    assert passing.is_passed and passing.system_out.startswith("verdict: reboot-possible\n")


def test_unknowns_are_errors_and_unreadable_packages_have_a_suite(rough_audit: AuditResult, tmp_path: Path) -> None:
    text = audit_junit(rough_audit)
    xml = junitparser.JUnitXml.fromfile(str(write(tmp_path, text)))
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (6 + 2, 0, 4 + 2, 1)
    bare = next(s for s in xml if s.name == "bare")
    (error,) = next(iter(bare)).result
    assert isinstance(error, junitparser.Error) and error.type == "unknown"
    assert error.message == "unknown: missing facts architecture, product, build_number"
    broken = next(s for s in xml if s.name == ERRORS_SUITE)
    assert [c.name for c in broken] == [e.path for e in rough_audit.errors]
    assert next(iter(broken)).result[0].message.startswith("not a cabinet (MSCF) or WIM (MSWIM) package")
    assert HOSTILE in [s.name for s in xml]
    assert "<script>" not in text


def test_well_formed_without_junitparser(fixture_audit: AuditResult) -> None:
    text = audit_junit(fixture_audit)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites" and len(root) == 36
    assert {s.get("timestamp") for s in root} == {"2026-01-15T00:00:00"}
