"""The shared value types read, compare and serialise as the strings they replace."""

from __future__ import annotations

import csv
import io
import json

from pkginspect.classification import KINDS
from pkginspect.rules import VERDICTS
from pkginspect.types import VERDICT_MARKS, VERDICT_ORDER, Kind, Verdict


def test_a_verdict_is_its_string_everywhere() -> None:
    text: str = "no-reboot"
    verdict = Verdict(text)
    assert verdict is Verdict.NO_REBOOT and verdict == text and hash(verdict) == hash(text)
    assert str(verdict) == f"{verdict}" == "no-reboot" and f"[{verdict:<10}]" == "[no-reboot ]"
    assert json.dumps({"verdict": verdict, verdict: 1}) == '{"verdict": "no-reboot", "no-reboot": 1}'
    out = io.StringIO()
    csv.writer(out).writerow([verdict, Kind.LCU])
    assert out.getvalue() == "no-reboot,lcu\r\n"
    assert {"no-reboot": 1}[verdict] == 1


def test_the_types_cover_what_the_rules_and_classifier_use() -> None:
    assert set(VERDICT_ORDER) == set(VERDICTS) == set(VERDICT_MARKS)
    assert VERDICT_ORDER[0] == "reboot-required" and VERDICT_ORDER[-1] == "not-applicable"
    assert tuple(Kind) == KINDS and "baseline-planned" in KINDS


def test_marks() -> None:
    assert "".join(VERDICT_MARKS[v] for v in VERDICT_ORDER) == "Rr?.-"
    assert "no-reboot" in VERDICT_MARKS  # a plain string finds its member
