"""The format enum and the factory: every member has a formatter, values are what ``--format`` takes."""

from __future__ import annotations

import dataclasses

import pytest

from pkginspect.batch import AuditResult
from pkginspect.reports.formats import FORMATTERS, ReportFormat, formatter, render


def test_every_format_maps_to_a_formatter() -> None:
    assert set(FORMATTERS) == set(ReportFormat)
    for member in ReportFormat:
        assert callable(formatter(member))
        assert formatter(member.value) is FORMATTERS[member]


def test_values_extensions_and_media_types() -> None:
    assert [m.value for m in ReportFormat] == ["json", "csv", "markdown", "html", "junit"]
    assert {m.value: m.extension for m in ReportFormat} == {
        "json": "json", "csv": "csv", "markdown": "md", "html": "html", "junit": "xml"}
    assert ReportFormat.JUNIT.media_type == "application/xml"
    assert str(ReportFormat.MARKDOWN) == "markdown"
    assert ReportFormat("html") is ReportFormat.HTML


@pytest.mark.parametrize("member", list(ReportFormat))
def test_render_returns_text_ending_with_a_newline(fixture_audit: AuditResult, member: ReportFormat) -> None:
    text = render(fixture_audit, member)
    assert isinstance(text, str) and text.endswith("\n")
    assert text == render(fixture_audit, member.value)


@pytest.mark.parametrize("member", list(ReportFormat))
def test_render_is_deterministic(fixture_audit: AuditResult, rough_audit: AuditResult, member: ReportFormat) -> None:
    assert render(fixture_audit, member) == render(fixture_audit, member)
    assert render(rough_audit, member) == render(rough_audit, member)


def test_unknown_format_names_the_choices(fixture_audit: AuditResult) -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'pdf' \(choose one of json, csv, markdown, html, "
                                         r"junit\)"):
        render(fixture_audit, "pdf")


@pytest.mark.parametrize("member", list(ReportFormat))
@pytest.mark.parametrize("packages, machines", [(0, 1), (1, 0), (0, 0)])
def test_empty_results(fixture_audit: AuditResult, member: ReportFormat, packages: int, machines: int) -> None:
    kept = fixture_audit.packages[:packages]
    empty = dataclasses.replace(
        fixture_audit, packages=kept, classifications=fixture_audit.classifications[:packages],
        machines=fixture_audit.machines[:machines], decisions=(), sources=())
    text = render(empty, member)
    assert text.endswith("\n")
