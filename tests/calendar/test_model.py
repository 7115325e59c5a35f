"""Months, the planned cadence, note parsing and product aliases."""

from __future__ import annotations

import datetime as dt

import pytest

from pkginspect.calendar import (
    KNOWN_PRODUCTS,
    Month,
    calendar_product,
    is_baseline_month,
    planned_baseline_months,
)
from pkginspect.calendar.notes import NoteRelease, parse_note


def test_month_parse_and_format() -> None:
    assert Month.parse("2024-05") == Month(2024, 5)
    assert str(Month(2024, 5)) == "2024-05"
    assert Month.of((2024, 5)) == Month.of("2024-05") == Month.of(dt.date(2024, 5, 14)) == Month(2024, 5)
    assert Month(2024, 12) < Month(2025, 1)
    assert Month(2024, 5).contains(dt.date(2024, 5, 31))
    assert not Month(2024, 5).contains(dt.date(2024, 6, 1))


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "2024-5", "24-05", "2024/05", "2024-05-01", "", "２０２４-05"])
def test_month_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        Month.parse(text)


@pytest.mark.parametrize(
    ("month", "baseline"),
    [("2024-01", "2024-01"), ("2024-03", "2024-01"), ("2024-04", "2024-04"), ("2024-09", "2024-07"),
     ("2024-12", "2024-10")],
)
def test_planned_baseline(month: str, baseline: str) -> None:
    assert str(Month.parse(month).planned_baseline()) == baseline


def test_planned_cadence() -> None:
    assert planned_baseline_months() == (1, 4, 7, 10)
    assert [m for m in range(1, 13) if is_baseline_month((2025, m))] == [1, 4, 7, 10]
    assert is_baseline_month("2024-10") and not is_baseline_month(Month(2024, 8))


def test_note_single_out_of_band() -> None:
    assert parse_note("OOB 2024-03-22 20348.2342 KB5037422") == (
        NoteRelease(dt.date(2024, 3, 22), "20348.2342", 5037422, False, None, ""),
    )


def test_note_chain_statements_and_continuations() -> None:
    note = ("OOB 2025-10-20 26100.6901 KB5070773; OOB 2025-10-23 26100.6905 KB5070881 breaks the hotpatch chain; "
            "2025-10-24 26100.6905 KB5070893 (WSUS) keeps it")
    found = parse_note(note)
    assert [(r.kb, r.breaks_chain, r.remark) for r in found] == [
        (5070773, None, ""),
        (5070881, True, "breaks the hotpatch chain"),
        (5070893, False, "(WSUS) keeps it"),
    ]


def test_note_hotpatch_and_free_text() -> None:
    found = parse_note("25H2 build 26200.7092; OOB hotpatch 2025-11-20 26200.7093 KB5072753 (25H2)")
    assert found == (NoteRelease(dt.date(2025, 11, 20), "26200.7093", 5072753, True, None, "(25H2)"),)
    # a free-text clause ends the list: a later date/build/KB clause is not an out-of-band release
    assert parse_note("OOB 2024-03-22 20348.2342 KB5037422; see below; 2024-03-25 20348.2343 KB5037423") == (
        NoteRelease(dt.date(2024, 3, 22), "20348.2342", 5037422, False, None, ""),
    )
    # continuations inherit the kind of the OOB clause they follow
    assert [r.hotpatch for r in parse_note("OOB hotpatch 2025-05-16 26100.3983 KB1; 2025-05-17 26100.3984 KB2")] == [
        True, True,
    ]


@pytest.mark.parametrize(
    "note",
    ["", "GA RTM build 26100.1742", "marked 2024.08 B* (was planned as hotpatch)", "x64 GA 2025-04-02; inferred KB",
     "OOBE fixes", "2024-03-22 20348.2342 KB5037422"],
)
def test_note_without_out_of_band(note: str) -> None:
    assert parse_note(note) == ()


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("OOB 2024-03-22", "cannot read the out-of-band release"),
        ("OOB hotpatch KB5037422", "cannot read the out-of-band release"),
        ("OOB 2024-02-30 20348.2342 KB5037422", "bad date '2024-02-30'"),
        ("OOB 2024-03-22 2034.2342 KB5037422", "bad build '2034.2342'"),
        ("OOB 2024-03-22 20348.2342 KB5037422 breaks or keeps it", "says both"),
    ],
)
def test_note_errors(note: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_note(note)


@pytest.mark.parametrize(
    ("product", "build", "expected"),
    [
        ("windows-server-2022", 20348, "windows-server-2022-azure-edition"),
        ("windows-server-2022", None, "windows-server-2022-azure-edition"),
        ("Windows-Server-2022", 20348, "windows-server-2022-azure-edition"),
        ("windows-server-2022", 26100, None),
        ("windows-server-2025", 26100, "windows-server-2025"),
        ("windows-server-2025", None, "windows-server-2025"),
        ("windows-11", 26100, "windows-11-24h2"),
        ("windows-11", 26200, "windows-11-25h2"),
        ("windows-11", 22631, None),
        ("windows-11", None, None),
        ("windows-11-24h2", 26100, "windows-11-24h2"),
        ("windows-server-2022-azure-edition", None, "windows-server-2022-azure-edition"),
        ("windows-10", 19045, None),
        ("windows-server-2019", 17763, None),
    ],
)
def test_calendar_product(product: str, build: int | None, expected: str | None) -> None:
    assert calendar_product(product, build) == expected


def test_calendar_product_needs_data_when_asked() -> None:
    bundled = ("windows-server-2022-azure-edition", "windows-server-2025", "windows-11-24h2")
    assert calendar_product("windows-11", 26200, available=bundled) is None
    assert calendar_product("windows-11", 26100, available=bundled) == "windows-11-24h2"
    assert "windows-11-25h2" in KNOWN_PRODUCTS and "windows-server-2022" not in KNOWN_PRODUCTS


def test_note_out_of_band_without_a_build() -> None:
    from pkginspect.calendar.notes import free_text

    assert parse_note("OOB hotpatch 2026-03-16 KB5084897") == (
        NoteRelease(dt.date(2026, 3, 16), None, 5084897, True, None, ""),
    )
    note = "25H2 build 26200.7092; OOB hotpatch 2025-11-20 26200.7093 KB5072753 (25H2); 2025-11-21 KB5072754; see KB"
    assert free_text(note) == "25H2 build 26200.7092; see KB"


def test_new_products_and_next_month() -> None:
    assert {"windows-11-26h1", "windows-11-26h2"} <= set(KNOWN_PRODUCTS)
    assert calendar_product("windows-11", 28000) == "windows-11-26h1"
    assert calendar_product("windows-11", 26300) == "windows-11-26h2"
    assert Month(2026, 12).next() == Month(2027, 1) and Month(2026, 2).next() == Month(2026, 3)
