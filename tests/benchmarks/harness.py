"""Run commands repeatedly, measuring wall time and the child's own peak RSS; summarise as medians and ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Measurement:
    """Medians over the repetitions of one command."""

    tool: str
    seconds: float
    peak_rss_mb: float
    ok: bool


def run_once(argv: Sequence[str]) -> tuple[float, float, bool]:
    """Wall seconds, peak RSS in MiB and success of one run of ``argv``.

    Peak RSS comes from GNU time's ``%M`` when ``/usr/bin/time`` exists: the tool is then forked from that
    small C process. Linux carries ``ru_maxrss`` across ``exec``, so measuring a child forked straight from
    this Python process would report at least this process's own peak.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        command = list(argv)
        if os.path.exists(GNU_TIME):
            command = [GNU_TIME, "-f", "%M", "-o", report.name, *command]
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        peak_kib = usage.ru_maxrss
        if command[0] == GNU_TIME:
            text = report.read().strip().splitlines()
            peak_kib = int(text[-1]) if text and text[-1].isdigit() else peak_kib
    return elapsed, peak_kib / 1024, os.waitstatus_to_exitcode(status) == 0


def measure(tool: str, argv: Sequence[str], repetitions: int) -> Measurement:
    """Median time and peak memory of ``argv`` over ``repetitions`` runs."""
    runs = [run_once(argv) for _ in range(repetitions)]
    return Measurement(
        tool,
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        all(r[2] for r in runs),
    )


def table(case: str, results: Sequence[Measurement]) -> str:
    """A Markdown table of one case: each tool's median time, ratio to pkginspect, peak RSS."""
    ours = next((r for r in results if r.tool == "pkginspect"), results[0])
    lines = [f"### {case}", "", "| tool | median s | × pkginspect | peak RSS MiB | ok |", "|---|---:|---:|---:|---|"]
    for result in results:
        ratio = result.seconds / ours.seconds if ours.seconds else float("nan")
        lines.append(
            f"| {result.tool} | {result.seconds:.3f} | {ratio:.2f} | {result.peak_rss_mb:.1f} | "
            f"{'yes' if result.ok else 'FAILED'} |"
        )
    return "\n".join(lines) + "\n"
