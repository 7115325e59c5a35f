"""The forecast report formats: one ``str`` enum, one formatter per member, and ``render_forecast``."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType

from pkginspect.forecasting import ForecastResult
from pkginspect.reports.forecast_csv import forecast_csv
from pkginspect.reports.forecast_html import forecast_html
from pkginspect.reports.forecast_json import forecast_json
from pkginspect.reports.forecast_markdown import forecast_markdown
from pkginspect.reports.forecast_text import forecast_text

ForecastFormatter = Callable[[ForecastResult], str]


class ForecastFormat(str, enum.Enum):
    """An output format of ``pkginspect forecast`` (the value is what ``--format`` takes)."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"

    def __str__(self) -> str:
        return self.value

    @property
    def extension(self) -> str:
        """The usual file name extension, without the dot."""
        return {"text": "txt", "markdown": "md"}.get(self.value, self.value)


FORECAST_FORMATTERS: Mapping[ForecastFormat, ForecastFormatter] = MappingProxyType({
    ForecastFormat.TEXT: forecast_text,
    ForecastFormat.JSON: forecast_json,
    ForecastFormat.CSV: forecast_csv,
    ForecastFormat.MARKDOWN: forecast_markdown,
    ForecastFormat.HTML: forecast_html,
})
"""Each format's formatter: ``ForecastResult`` in, the whole report as text out."""


def render_forecast(result: ForecastResult, format: ForecastFormat | str) -> str:
    """The forecast as a report in ``format``; ValueError naming the choices for an unknown format."""
    try:
        chosen = ForecastFormat(format)
    except ValueError as exc:
        choices = ", ".join(member.value for member in ForecastFormat)
        raise ValueError(f"unknown forecast format {str(format)!r} (choose one of {choices})") from exc
    return FORECAST_FORMATTERS[chosen](result)


__all__ = ["FORECAST_FORMATTERS", "ForecastFormat", "ForecastFormatter", "render_forecast"]
