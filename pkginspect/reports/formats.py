"""Every command's output formats in one registry: command → its formats → formatter, extension, media type.

A :class:`Format` renders its command's subject to text (only the CLI writes it). The options a command
collects (``--explain``, ``--details``, the errors a JSON document carries…) are offered to every format and
each takes only those it declares, so the CLI never chooses by format name.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pkginspect.errors import wrong_type

if TYPE_CHECKING:
    from pkginspect.batch import AuditResult


@dataclass(frozen=True)
class Format:
    """One output format of one command: its formatter, the options it takes, its file extension and media type."""

    name: str
    """What ``--format`` takes."""
    formatter: str
    """``module:function`` under ``pkginspect``: the command's subject in, the whole output as text out (loaded
    when first used, so that the CLI starts without importing every report)."""
    options: tuple[str, ...] = ()
    """The keyword options the formatter takes."""
    extension: str = "txt"
    media_type: str = "text/plain"
    streamed: str | None = None
    """The formatter as pieces of text made as they are written (``module:function``), when the format has one."""

    def load(self, where: str | None = None) -> Callable[..., Any]:
        """The function ``where`` names (the formatter by default)."""
        module, _, name = (where or self.formatter).partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(f"pkginspect.{module}"), name)
        return function

    def render(self, *subject: Any, **options: Any) -> str:
        """The output for ``subject``; of ``options``, only those this format takes are passed on."""
        text: str = self.load()(*subject, **self._taken(options))
        return text

    def chunks(self, *subject: Any, **options: Any) -> Iterator[str]:
        """The output in pieces (their concatenation is :meth:`render`'s text; one piece if not streamed)."""
        if self.streamed is None:
            return iter([self.render(*subject, **options)])
        pieces: Iterator[str] = self.load(self.streamed)(*subject, **self._taken(options))
        return pieces

    def _taken(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in options.items() if name in self.options}


def _text(formatter: str, *options: str) -> Format:
    return Format("text", "reports." + formatter, options)


def _json(formatter: str, *options: str, streamed: str | None = None) -> Format:
    return Format("json", "reports." + formatter, options, "json", "application/json", streamed)


def _csv(formatter: str, *options: str, streamed: str | None = None) -> Format:
    return Format("csv", "reports." + formatter, options, "csv", "text/csv", streamed)


_CALENDAR_FILE = (Format("csv", "calendar.write:entries_csv", ("comments",), "csv", "text/csv"),
                  Format("json", "calendar.write:entries_json", (), "json", "application/json"))
FORMATS: Mapping[str, tuple[Format, ...]] = MappingProxyType({
    "ls": (_text("listing:listing_text"), _json("listing:listing_json")),
    "extract": (_text("listing:extraction_text"), _json("listing:extraction_json")),
    "inspect": (_text("inspect:inspect_text", "members", "components"),
                _json("inspect:inspect_json", "members", "errors")),
    "classify": (_text("classify:classify_text", "evidence"), _json("classify:classify_json", "errors")),
    "calendar": (_text("calendar:calendar_text", "product"), _json("calendar:calendar_json", "product")),
    "calendar convert": _CALENDAR_FILE,
    "calendar import": _CALENDAR_FILE,
    "check": (Format("text", "reports.check:check_text", ("explain", "warnings"),
                     streamed="reports.check:check_text_chunks"),
              _json("check:check_json", "errors", "warnings", streamed="reports.check:check_json_chunks")),
    "audit": (
        _json("audit_json:audit_json", streamed="reports.audit_json:audit_json_chunks"),
        _csv("audit_csv:audit_csv", streamed="reports.audit_csv:audit_csv_chunks"),
        Format("markdown", "reports.audit_markdown:audit_markdown", (), "md", "text/markdown",
               "reports.audit_markdown:audit_markdown_chunks"),
        Format("html", "reports.audit_html:audit_html", (), "html", "text/html",
               "reports.audit_html:audit_html_chunks"),
        Format("junit", "reports.audit_junit:audit_junit", (), "xml", "application/xml",
               "reports.audit_junit:audit_junit_chunks"),
    ),
    "forecast": (
        _text("forecast_text:forecast_text", "details"), _json("forecast_json:forecast_json"),
        _csv("forecast_csv:forecast_csv"),
        Format("markdown", "reports.forecast_markdown:forecast_markdown", (), "md", "text/markdown"),
        Format("html", "reports.forecast_html:forecast_html", (), "html", "text/html"),
    ),
})
"""Each command's formats, its default first."""


def choices(command: str) -> list[str]:
    """The names ``--format`` of ``command`` takes, the default first."""
    return [output.name for output in FORMATS[command]]


def format_of(command: str, name: str) -> Format:
    """The format ``name`` of ``command``; ValueError naming the choices otherwise."""
    for output in FORMATS[command]:
        if output.name == name:
            return output
    raise ValueError(f"unknown {command} format {name!r} (choose one of {', '.join(choices(command))})")


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
        return format_of("audit", self.value).extension

    @property
    def media_type(self) -> str:
        """The IANA media type of this format's text."""
        return format_of("audit", self.value).media_type


def _chosen(format: ReportFormat | str) -> Format:
    try:
        return format_of("audit", ReportFormat(format).value)
    except ValueError as exc:
        raise ValueError(f"unknown report format {str(format)!r} (choose one of {', '.join(choices('audit'))})") \
            from exc


def render_chunks(result: AuditResult, format: ReportFormat | str) -> Iterator[str]:
    """The audit report as pieces of text to write one after another: the decisions are never all held at once."""
    return _chosen(format).chunks(result)


def render(result: AuditResult, format: ReportFormat | str) -> str:
    """The audit ``result`` as a report in ``format``: text the caller writes (the CSV's line ends are CRLF)."""
    from pkginspect.batch import AuditResult

    if not isinstance(result, AuditResult):
        raise wrong_type("render", "result", "an AuditResult", result, "from pkginspect.audit(paths, fleet)")
    return _chosen(format).render(result)


__all__ = ["FORMATS", "Format", "ReportFormat", "choices", "format_of", "render", "render_chunks"]
