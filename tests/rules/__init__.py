"""Tests of pkginspect.machines and pkginspect.rules: machine facts, their files and importers, the collector."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MACHINES = REPO / "fixtures" / "machines"
AZURE = MACHINES / "azure"
