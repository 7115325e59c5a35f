"""The shared value types read, compare and serialise as the strings they replace."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pkginspect.classification import KINDS
from pkginspect.rules import VERDICTS
from pkginspect.types import VERDICT_MARKS, VERDICT_ORDER, Build, Kind, Verdict


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


def test_a_build_reads_and_prints_canonically() -> None:
    assert Build.parse("20348.2402") == Build(20348, 2402) and str(Build(20348, 2402)) == "20348.2402"
    assert Build.parse("10.0.26100.32230") == Build(26100, 32230)
    assert Build.parse("7601.017514") == Build(7601, 17514) and str(Build.parse("7601.017514")) == "7601.17514"
    assert Build.parse("26100.32230", calendar=True) == Build(26100, 32230)
    number, ubr = Build(26100, 4349)
    assert (number, ubr) == (26100, 4349)


def test_builds_order_by_number_then_ubr() -> None:
    assert Build(20348, 9999) < Build(26100, 1) < Build(26100, 32230)
    assert min(["26100.7623", "26100.32230", "26100.950"], key=Build.parse) == "26100.950"


@pytest.mark.parametrize("text", ["20348", "203.2402", "203480.2402", "20348.2402.1", "20348.", "20348.1234567",
                                  "x.1", " 20348.2402", "6.3.20348.2402", "２０３４８.2402"])
def test_what_no_site_accepts_is_not_a_build(text: str) -> None:
    with pytest.raises(ValueError, match=r"^not a build like 20348\.2402: "):
        Build.parse(text)
    assert Build.of(text) is None


@pytest.mark.parametrize("text", ["2034.2402", "10.0.20348.2402", "20348.123456"])
def test_a_calendar_holds_five_digits_a_dot_and_up_to_five(text: str) -> None:
    assert Build.of(text) is not None
    with pytest.raises(ValueError, match=r"^not a build like 20348\.2402: "):
        Build.parse(text, calendar=True)


def test_build_of_what_is_not_a_string_is_unknown() -> None:
    assert Build.of(None) is None and Build.of(20348.2402) is None


@given(st.integers(1000, 99999), st.integers(0, 999999))
def test_a_printed_build_reads_back(number: int, ubr: int) -> None:
    build = Build(number, ubr)
    assert Build.parse(str(build)) == build
    if number >= 10000 and ubr < 100000:
        assert Build.parse(str(build), calendar=True) == build
