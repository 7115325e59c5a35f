"""The Markdown report: a change-ticket summary with totals, a matrix, restarts and why, unknowns, errors."""

from __future__ import annotations

import re

from pkginspect.batch import AuditResult
from pkginspect.reports._common import code, package_labels, text
from pkginspect.reports.audit_markdown import audit_markdown


def section(document: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}.*?(?=^## |\Z)", document, re.M | re.S)
    assert match, title
    return match.group(0)


def test_sections_and_totals(fixture_audit: AuditResult) -> None:
    document = audit_markdown(fixture_audit)
    assert re.findall(r"^## (.*)$", document, re.M) == [
        "Totals", "Packages", "Machines × packages", "Machines that will restart (22)",
        "Machines that may restart (14)", "Unknown verdicts (0)", "Errors (0)"]
    totals = section(document, "Totals")
    assert "| R reboot required | 34 |" in totals and "| – not applicable | 305 |" in totals
    assert "| **all decisions** | **360** |" in totals


def test_matrix_has_a_row_per_machine_and_a_column_per_package(fixture_audit: AuditResult) -> None:
    matrix = section(audit_markdown(fixture_audit), "Machines × packages")
    table = [line for line in matrix.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + 36
    assert table[0].count("|") == 1 + 1 + 10 + 1 + 1 - 1
    assert "| KB5068966 arm64 | KB5068966 amd64 |" in table[0]
    row = next(line for line in table if line.startswith("| fleet-002-ws22dc "))
    assert row == "| fleet-002-ws22dc | R? | – | – | **R** | **R** | **R** | – | – | – | – | 3 |"


def test_restarts_name_the_first_reason(fixture_audit: AuditResult) -> None:
    restarts = section(audit_markdown(fixture_audit), "Machines that will restart")
    assert ("- **fleet-018-ws25arc** (windows-server-2025, ServerDatacenter, 26100.6905)\n"
            "  - KB5068966 amd64 (hotpatch): Hotpatch through Azure Arc needs UEFI Secure Boot, which is off on this "
            "machine. (+1 more reason) `hotpatch.arc-secure-boot`") in restarts


def test_unknowns_errors_and_escaping(rough_audit: AuditResult) -> None:
    document = audit_markdown(rough_audit)
    unknown = section(document, "Unknown verdicts (4)")
    assert "- **bare** × KB5066835: missing `architecture`, `product`, `build_number`" in unknown
    errors = section(document, "Errors (2)")
    assert ("- `fixtures/packages/broken/truncated-header.msu`: truncated cabinet header: 20 of 36 bytes present"
            in errors)
    assert "<script>" not in document
    assert r'| \<script\>alert("x")\</script\> \& =HYPERLINK("http://x") | – | OK | 0 |' in document


def test_helpers() -> None:
    assert text("a | b\nc *d*") == r"a \| b c \*d\*"
    assert code("x`y") == "``x`y``"
    assert code("`x") == "`` `x ``"
    assert package_labels(()) == {}
