"""Packages of 2026 releases made with the fixture generator.

A committed spec is re-labelled with another release's KB, build, month and WSUS title (everything else — layout,
identity, markers — stays the spec's).
"""

from __future__ import annotations

import json
from pathlib import Path

from fixtures import SPECS_DIR
from fixtures.packages import write_package
from fixtures.specs import parse_spec


def make_package(spec_name: str, out_dir: Path, *, kb: str, build: str, date: str, title: str | None = None) -> Path:
    """Write the spec's package as release ``kb`` (``KB5075942``) of build ``build`` released on ``date``.

    ``title`` replaces the WSUS title (default: the spec's, with KB, build and month replaced).
    """
    data = json.loads((SPECS_DIR / spec_name).read_text(encoding="utf-8"))
    old_kb, old_build, old_month = data["kb"], data["build"], data["release_month"]
    text = json.dumps(data)
    text = text.replace(old_kb[2:], kb[2:]).replace(old_build, build).replace(old_month, date[:7])
    text = text.replace(data["release_date"], date)
    spec_data = json.loads(text)
    if title is not None:
        spec_data["title"] = title
    spec = parse_spec(spec_data, f"made-{kb}", spec_name)
    return write_package(spec, out_dir)
