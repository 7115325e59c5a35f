"""The CSV report: a header and one RFC 4180 row per machine × package."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter

from pkginspect.batch import AuditResult
from pkginspect.reports.audit_csv import COLUMNS, audit_csv
from tests.reports.conftest import HOSTILE


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_decision_with_crlf(fixture_audit: AuditResult) -> None:
    text = audit_csv(fixture_audit)
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert text.count("\r\n") == len(fixture_audit.decisions) + 1
    assert "\n" not in text.replace("\r\n", "")
    table = rows(text)
    assert len(table) == 360
    assert Counter(r["verdict"] for r in table) == {k: v for k, v in fixture_audit.totals().items() if v}
    first = table[0]
    assert first["machine"] == "fleet-001-ws22ae"
    assert first["package"] == "Windows10.0-KB5036620-x64-NDP481.msu"
    assert first["path"] == "fixtures/packages/Windows10.0-KB5036620-x64-NDP481.msu"
    assert (first["kb"], first["kind"], first["confidence"]) == ("KB5036620", "dotnet", "high")
    assert (first["verdict"], first["rule"]) == ("reboot-possible", "kind.own-restart-possible")


def test_reasons_are_joined_in_order(fixture_audit: AuditResult) -> None:
    table = {(r["machine"], r["kb"], r["package"]): r for r in rows(audit_csv(fixture_audit))}
    decision = next(d for d in fixture_audit.decisions if len(d.reasons) > 1)
    row = table[(decision.machine, f"KB{decision.kb}", decision.package.rsplit("/", 1)[-1])]
    assert row["reasons"].split(" | ") == [r.message for r in decision.reasons]
    assert row["rule"] == decision.reasons[0].rule


def test_missing_facts_and_markup_in_names(rough_audit: AuditResult) -> None:
    table = rows(audit_csv(rough_audit))
    bare = [r for r in table if r["machine"] == "bare"]
    assert bare and all(r["verdict"] == "unknown" and r["missing"] for r in bare)
    assert "architecture" in bare[0]["missing"].split(" | ")
    assert {r["machine"] for r in table} == {"bare", "partial", HOSTILE}  # starts with "<": kept as is


def test_cells_a_spreadsheet_would_run_are_kept_as_text(fixture_audit: AuditResult) -> None:
    decisions = tuple(dataclasses.replace(d, machine=name) for d, name in zip(
        fixture_audit.decisions[:4], ["=SUM(A1)", "@cmd", "-2+3", "a=b"], strict=True))
    text = audit_csv(dataclasses.replace(fixture_audit, decisions=decisions, machines=()))
    assert sorted(r["machine"] for r in rows(text)) == ["'-2+3", "'=SUM(A1)", "'@cmd", "a=b"]
