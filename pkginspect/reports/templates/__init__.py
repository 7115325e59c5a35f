"""The HTML reports' Jinja2 templates and the one autoescaping environment they render in."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup


def _escaped(value: object) -> object:
    # Escape as html.escape does (&quot;, &#x27;) rather than markupsafe (&#34;, &#39;): the reports stay as they were.
    return value if hasattr(value, "__html__") else Markup(html.escape(str(value), quote=True))


ENVIRONMENT = Environment(loader=PackageLoader(__name__, "."), autoescape=True, finalize=_escaped,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
"""Every value a template prints is escaped, unless it is markup the templates made (a macro's output)."""


def render_chunks(name: str, **context: Any) -> Iterator[str]:
    """The template ``name`` rendered with ``context``, as pieces of text made one after another."""
    return ENVIRONMENT.get_template(name).generate(**context)
