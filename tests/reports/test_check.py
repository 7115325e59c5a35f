"""``batch.check``, what ``pkginspect check`` renders: the decisions ``evaluate`` makes pair by pair, failures apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from pkginspect.batch import check
from pkginspect.calendar import bundled_calendar
from pkginspect.reports.formats import format_of
from pkginspect.rules import load_machines
from pkginspect.rules.decide import evaluate

ROOT = Path(__file__).resolve().parents[2]


def test_check_matches_evaluate_pair_by_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    machines = load_machines("fixtures/machines/fleet.json")
    paths = ["fixtures/packages", "fixtures/packages/broken/truncated-header.msu",
             "fixtures/packages/broken/xxe-package.cab"]
    result = check(paths, machines, calendar=bundled_calendar())
    assert [e.path for e in result.errors] == ["fixtures/packages/broken/truncated-header.msu"]
    assert [p.error for p in result.problems] == [
        "fixtures/packages/broken/xxe-package.cab!update.mum: invalid XML: DOCTYPE/ENTITY declarations are refused "
        "(entity expansion and XXE protection)"]
    expected = [evaluate(package, machine, bundled_calendar()) for machine in machines for package in result.packages]
    assert [d.to_dict() for d in result.decisions] == [d.to_dict() for d in expected]
    text = format_of("check", "text").render(result.decisions, explain=True, errors=result.errors)
    assert "truncated-header" not in text  # failures go to standard error, only JSON carries them
    assert "truncated-header" in format_of("check", "json").render(result.decisions, errors=result.errors)


def test_check_text_streams_in_batches_and_matches_the_plain_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    from pkginspect.reports.check import check_text_chunks

    monkeypatch.chdir(ROOT)
    machines = load_machines("fixtures/machines/fleet.json")
    matrix = check(["fixtures/packages"], machines, calendar=bundled_calendar()).decisions
    plain = tuple(matrix)  # widths from every decision, as a plain sequence has no matrix to read them from
    for explain in (False, True):
        for warnings in ((), ("the calendar is stale",)):
            whole = "".join(check_text_chunks(plain, explain, warnings, batch=len(plain) + 1))
            chunks = list(check_text_chunks(matrix, explain, warnings, batch=7))
            assert len(chunks) == -(-len(plain) // 7) + (1 if warnings and len(plain) % 7 == 0 else 0)
            assert "".join(chunks) == whole
            assert whole.count("\n") >= len(plain) and whole.endswith("\n")
    assert "".join(check_text_chunks((), warnings=())) == "\n"


def test_check_json_streams_the_same_indented_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from pkginspect.reports.check import check_json_chunks

    monkeypatch.chdir(ROOT)
    machines = load_machines("fixtures/machines/fleet.json")
    result = check(["fixtures/packages", "fixtures/packages/broken/truncated-header.msu"], machines,
                   calendar=bundled_calendar())
    decisions = result.decisions
    expected = json.dumps({"$schema": "https://pkginspect.invalid/schemas/check.schema.json",
                           "decisions": [d.to_dict() for d in decisions],
                           "errors": [e.to_dict() for e in result.errors], "warnings": ["stale"]}, indent=2) + "\n"
    for batch in (1, 7, len(decisions), len(decisions) + 1):
        chunks = list(check_json_chunks(decisions, result.errors, ["stale"], batch=batch))
        assert "".join(chunks) == expected, batch
        assert len(chunks) == 2 + -(-len(decisions) // batch)
    assert json.loads("".join(check_json_chunks((), (), ()))) == {
        "$schema": "https://pkginspect.invalid/schemas/check.schema.json", "decisions": [], "errors": [],
        "warnings": []}


def test_matrix_counts_per_package_as_the_decisions_do(monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import Counter

    monkeypatch.chdir(ROOT)
    matrix = check(["fixtures/packages"], load_machines("fixtures/machines/fleet.json")).decisions
    assert matrix.verdict_counts(by_package=True) == Counter((d.package, d.verdict) for d in matrix)
    assert matrix.verdict_counts() == Counter(d.verdict for d in matrix)
