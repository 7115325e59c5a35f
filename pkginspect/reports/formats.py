"""The audit report formats: one ``str`` enum, one formatter per member, and ``render`` to pick one."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

from pkginspect.batch import AuditResult
from pkginspect.errors import wrong_type
from pkginspect.reports.audit_csv import audit_csv, audit_csv_chunks
from pkginspect.reports.audit_html import audit_html
from pkginspect.reports.audit_json import audit_json, audit_json_chunks
from pkginspect.reports.audit_junit import audit_junit, audit_junit_chunks
from pkginspect.reports.audit_markdown import audit_markdown, audit_markdown_chunks

Formatter = Callable[[AuditResult], str]
ChunkFormatter = Callable[[AuditResult], Iterator[str]]


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


def _whole(format: ReportFormat) -> ChunkFormatter:
    def chunks(result: AuditResult) -> Iterator[str]:
        yield FORMATTERS[format](result)
    return chunks


CHUNK_FORMATTERS: Mapping[ReportFormat, ChunkFormatter] = MappingProxyType({
    ReportFormat.JSON: audit_json_chunks,
    ReportFormat.CSV: audit_csv_chunks,
    ReportFormat.MARKDOWN: audit_markdown_chunks,
    ReportFormat.HTML: _whole(ReportFormat.HTML),
    ReportFormat.JUNIT: audit_junit_chunks,
})
"""Each format's formatter as pieces of text made as they are written (their concatenation is the report):
the decisions are never all held at once."""


def _chosen(format: ReportFormat | str) -> ReportFormat:
    try:
        return ReportFormat(format)
    except ValueError as exc:
        choices = ", ".join(member.value for member in ReportFormat)
        raise ValueError(f"unknown report format {str(format)!r} (choose one of {choices})") from exc


def formatter(format: ReportFormat | str) -> Formatter:
    """The formatter for ``format`` (a ``ReportFormat`` or its value); ValueError naming the choices otherwise."""
    return FORMATTERS[_chosen(format)]


def render_chunks(result: AuditResult, format: ReportFormat | str) -> Iterator[str]:
    """The report as pieces of text to write one after another (see :data:`CHUNK_FORMATTERS`)."""
    return CHUNK_FORMATTERS[_chosen(format)](result)


def render(result: AuditResult, format: ReportFormat | str) -> str:
    """The audit ``result`` as a report in ``format``: text the caller writes (the CSV's line ends are CRLF)."""
    if not isinstance(result, AuditResult):
        raise wrong_type("render", "result", "an AuditResult", result, "from pkginspect.audit(paths, fleet)")
    return formatter(format)(result)


__all__ = ["CHUNK_FORMATTERS", "FORMATTERS", "ChunkFormatter", "Formatter", "ReportFormat", "formatter", "render",
           "render_chunks"]
