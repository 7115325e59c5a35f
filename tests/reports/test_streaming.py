"""Audit reports streamed from the decision matrix: the same text as from a plain list of decisions, in pieces."""

from __future__ import annotations

import dataclasses

import pytest

from pkginspect.batch import AuditResult, DecisionMatrix
from pkginspect.reports.formats import ReportFormat, render, render_chunks
from pkginspect.rules.decide import Evaluator


def test_the_matrix_holds_the_evaluators_decisions(fixture_audit: AuditResult) -> None:
    matrix = fixture_audit.decisions
    assert isinstance(matrix, DecisionMatrix)
    evaluator = Evaluator(fixture_audit.calendar)
    expected = [
        evaluator.decide(package, classification, machine)
        for machine in fixture_audit.machines
        for package, classification in zip(fixture_audit.packages, fixture_audit.classifications, strict=True)
    ]
    assert list(matrix) == expected
    assert matrix[5] == expected[5] and matrix[-1] == expected[-1] and matrix[2:4] == tuple(expected[2:4])
    assert len(matrix.rows) <= len(fixture_audit.machines)


@pytest.mark.parametrize("member", list(ReportFormat))
@pytest.mark.parametrize("which", ["fixture_audit", "rough_audit"])
def test_streamed_reports_equal_the_list_based_ones(member: ReportFormat, which: str,
                                                    request: pytest.FixtureRequest) -> None:
    result: AuditResult = request.getfixturevalue(which)
    listed = dataclasses.replace(result, decisions=tuple(result.decisions))
    assert "".join(render_chunks(result, member)) == render(listed, member)


def test_identical_machines_share_a_row_and_reports_come_in_pieces(fixture_audit: AuditResult) -> None:
    template = next(m for m in fixture_audit.machines if getattr(m, "build", None))
    fleet = tuple(dataclasses.replace(template, name=f"m{n:05d}") for n in range(3000))
    from pkginspect.batch import decision_matrix

    matrix = decision_matrix(Evaluator(fixture_audit.calendar), fixture_audit.packages,
                             fixture_audit.classifications, fleet)
    assert len(matrix) == 3000 * len(fixture_audit.packages)
    assert len(matrix.rows) == 1 and matrix.groups() == [(0, list(range(3000)))]
    big = dataclasses.replace(fixture_audit, machines=fleet, decisions=matrix)
    for member in ReportFormat:
        chunks = list(render_chunks(big, member))
        assert len(chunks) > 2, member
        assert "".join(chunks) == render(big, member)
        if member is not ReportFormat.HTML:  # the HTML groups a matrix's identical machines, not a plain list's
            assert "".join(chunks) == render(dataclasses.replace(big, decisions=tuple(matrix)), member)
    assert big.totals()["reboot-required"] == sum(d.verdict == "reboot-required" for d in matrix)


def test_html_groups_identical_machines_of_a_big_fleet(fixture_audit: AuditResult) -> None:
    from pkginspect.batch import decision_matrix
    from pkginspect.reports.audit_html import GROUP_ABOVE

    machines = list(fixture_audit.machines)
    fleet = tuple(dataclasses.replace(machines[n % len(machines)], name=f"m{n:05d}") for n in range(GROUP_ABOVE * 5))
    matrix = decision_matrix(Evaluator(fixture_audit.calendar), fixture_audit.packages,
                             fixture_audit.classifications, fleet)
    big = dataclasses.replace(fixture_audit, machines=tuple(sorted(fleet, key=lambda m: m.name)), decisions=matrix)
    page = render(big, ReportFormat.HTML)
    assert f"{len(fleet)} machines in {len(matrix.rows)} groups" in page
    assert page.count('<th class="machine" scope="row">') == len(matrix.rows) + 1  # the groups and the footer
    assert "m00999" not in page.split('<section id="possible">')[0]  # names beyond the first few are counted
    small = render(fixture_audit, ReportFormat.HTML)
    assert " groups: the machines of a group" not in small
