"""The format registry: every declared format maps to a formatter, every ``--format`` choice comes from it."""

from __future__ import annotations

import dataclasses
import inspect

import click
import pytest

from pkginspect.batch import AuditResult
from pkginspect.cli import main
from pkginspect.reports.formats import FORMATS, ReportFormat, choices, format_of, render


@pytest.mark.parametrize("command", list(FORMATS))
def test_every_format_maps_to_a_formatter(command: str) -> None:
    names = choices(command)
    assert len(set(names)) == len(names)
    for name in names:
        declared = format_of(command, name)
        for function in [declared.load(), *([declared.load(declared.streamed)] if declared.streamed else [])]:
            assert callable(function)
            assert set(declared.options) <= set(inspect.signature(function).parameters)  # every option it is given
    with pytest.raises(ValueError, match=rf"unknown {command} format 'pdf' \(choose one of {', '.join(names)}\)"):
        format_of(command, "pdf")


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
    return found


def test_every_format_choice_comes_from_the_registry() -> None:
    offered = {}
    for name, command in _commands(main).items():
        for param in command.params:
            if param.name == "output_format":
                assert isinstance(param.type, click.Choice)
                offered[name] = list(param.type.choices)
                assert param.required or param.default == offered[name][0]
    assert offered == {command: choices(command) for command in FORMATS}


def test_audit_formats_are_the_enum() -> None:
    assert choices("audit") == [member.value for member in ReportFormat]


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
