"""Inputs for the decision benchmarks: a synthetic fleet and a folder of N package copies."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


def fleet_csv(target: Path, count: int) -> Path:
    """``count`` machines cycling through the fixture machines, each with its own name and a varied build.

    Builds vary over a few hundred UBRs so that the engine sees many distinct fact sets (as a real fleet
    does), not one profile repeated.
    """
    templates = json.loads((FIXTURES / "machines" / "fleet.json").read_text())
    templates = templates["machines"] if isinstance(templates, dict) else templates
    names = list(templates[0])
    with open(target, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        for index in range(count):
            row = dict(templates[index % len(templates)])
            row["name"] = f"m{index:06d}"
            build = row.get("build")
            if build and index % 3 == 0:
                number, ubr = str(build).split(".")
                row["build"] = f"{number}.{int(ubr) + index % 301}"
            writer.writerow({k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                             for k, v in row.items()})
    return target


def package_copies(target: Path, count: int) -> Path:
    """A folder of ``count`` packages: the fixture packages hard-linked (or copied) under distinct names."""
    target.mkdir(parents=True, exist_ok=True)
    sources = sorted((FIXTURES / "packages").glob("*.msu"))
    for index in range(count):
        source = sources[index % len(sources)]
        link = target / f"{index:04d}-{source.name}"
        if not link.exists():
            try:
                os.link(source, link)
            except OSError:
                shutil.copyfile(source, link)
    return target
