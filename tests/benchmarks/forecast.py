"""Forecast benchmark: N machines × M months (target: 100,000 × 12 in under 10 s), on demand.

    python -m tests.benchmarks.forecast [--machines 100000] [--months 12] [--cli]

Two fleet shapes, both cycling through the fixture fleet's 36 machines under new names: ``released`` (default)
moves a third of them to another build their product really shipped (a baseline, hotpatch, regular or
out-of-band update of the calendar), as a real fleet is; ``arbitrary`` moves a third of them by up to 300 UBRs
(``scale.fleet_csv``), builds that no release has, so that thousands of machines start from a build of their
own. It times ``pkginspect.forecast`` on the machines in memory, and with ``--cli`` the whole
``pkginspect forecast --format csv`` run (loading the CSV fleet included).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.scale import REPO, fleet_csv


def released_fleet_csv(target: Path, count: int) -> Path:
    """``count`` machines cycling through the fixture machines; every third one at another released build."""
    from pkginspect.calendar import bundled_calendar

    calendar = bundled_calendar()
    builds: dict[int, list[str]] = {}
    for entry in calendar:
        if entry.build:
            builds.setdefault(int(entry.build.split(".")[0]), []).append(entry.build)
    templates = json.loads((REPO / "fixtures" / "machines" / "fleet.json").read_text())
    with open(target, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(templates[0]))
        writer.writeheader()
        for index in range(count):
            row = dict(templates[index % len(templates)])
            row["name"] = f"m{index:06d}"
            build = row.get("build")
            if build and index % 3 == 0:
                choices = sorted(set(builds.get(int(str(build).split(".")[0]), [str(build)])))
                row["build"] = choices[index // 3 % len(choices)]
            writer.writerow({k: ("" if v is None else str(v).lower() if isinstance(v, bool) else v)
                             for k, v in row.items()})
    return target


def run(machines: int, months: int, cli: bool, shape: str) -> list[str]:
    """Time the forecast and return the report lines."""
    from pkginspect.forecasting import forecast
    from pkginspect.rules import load_machines

    lines = []
    with tempfile.TemporaryDirectory(prefix="pkginspect-forecast-") as work:
        make = released_fleet_csv if shape == "released" else fleet_csv
        path = make(Path(work) / "fleet.csv", machines)
        started = time.perf_counter()
        fleet = load_machines(path)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        result = forecast(fleet, months=months, start="2025-07")
        elapsed = time.perf_counter() - started
        profiles = len({id(m.schedule) for m in result.machines})
        totals = result.totals()
        lines.append(f"forecast() [{shape} builds]: {machines:,} machines × {months} months in {elapsed:.2f} s "
                     f"(loading the CSV fleet: {loaded:.2f} s); {profiles:,} distinct schedules, "
                     f"{totals['restarts']:,} restarts, {len(result.fixes)} fixes ranked")
        if cli:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pkginspect", "forecast", "--fleet", str(path), "--from", "2025-07",
                            "--months", str(months), "--format", "csv", "-o", str(Path(work) / "out.csv")],
                           check=True)
            lines.append(f"pkginspect forecast --format csv (whole run): {time.perf_counter() - started:.2f} s")
    return lines


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.forecast", description=__doc__)
    parser.add_argument("--machines", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--cli", action="store_true", help="also time the whole command")
    parser.add_argument("--shape", choices=("released", "arbitrary"), default="released")
    args = parser.parse_args()
    for line in run(args.machines, args.months, args.cli, args.shape):
        print(line, flush=True)


if __name__ == "__main__":
    main()
