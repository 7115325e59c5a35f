"""The audit report formats: one ``str`` enum, one formatter per member, and ``render`` to pick one."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType

from pkginspect.batch import AuditResult
from pkginspect.errors import wrong_type
from pkginspect.reports.audit_csv import audit_csv
from pkginspect.reports.audit_html import audit_html
from pkginspect.reports.audit_json import audit_json
from pkginspect.reports.audit_junit import audit_junit
from pkginspect.reports.audit_markdown import audit_markdown

Formatter = Callable[[AuditResult], str]


class ReportFormat(str, enum.Enum):
    """An output format of ``pkginspect audit`` (the value is what ``--format`` takes)."""

    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"
    JUNIT = "junit"

    def __str__(self) -> str:
        return self.value

    @property
    def extension(self) -> str:
        """The usual file name extension for this format, without the dot (``md`` for Markdown)."""
        return _EXTENSIONS[self]

    @property
    def media_type(self) -> str:
        """The IANA media type of this format's text."""
        return _MEDIA_TYPES[self]


_EXTENSIONS = {
    ReportFormat.JSON: "json",
    ReportFormat.CSV: "csv",
    ReportFormat.MARKDOWN: "md",
    ReportFormat.HTML: "html",
    ReportFormat.JUNIT: "xml",
}
_MEDIA_TYPES = {
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv",
    ReportFormat.MARKDOWN: "text/markdown",
    ReportFormat.HTML: "text/html",
    ReportFormat.JUNIT: "application/xml",
}

FORMATTERS: Mapping[ReportFormat, Formatter] = MappingProxyType({
    ReportFormat.JSON: audit_json,
    ReportFormat.CSV: audit_csv,
    ReportFormat.MARKDOWN: audit_markdown,
    ReportFormat.HTML: audit_html,
    ReportFormat.JUNIT: audit_junit,
})
"""Each format's formatter: ``AuditResult`` in, the whole report as text out."""


def formatter(format: ReportFormat | str) -> Formatter:
    """The formatter for ``format`` (a ``ReportFormat`` or its value); ValueError naming the choices otherwise."""
    try:
        chosen = ReportFormat(format)
    except ValueError:
        choices = ", ".join(member.value for member in ReportFormat)
        raise ValueError(f"unknown report format {str(format)!r} (choose one of {choices})") from None
    return FORMATTERS[chosen]


def render(result: AuditResult, format: ReportFormat | str) -> str:
    """The audit ``result`` as a report in ``format``: text the caller writes (the CSV's line ends are CRLF)."""
    if not isinstance(result, AuditResult):
        raise wrong_type("render", "result", "an AuditResult", result, "from pkginspect.audit(paths, fleet)")
    return formatter(format)(result)


__all__ = ["FORMATTERS", "Formatter", "ReportFormat", "formatter", "render"]
