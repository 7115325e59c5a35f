"""The bundled calendar: its rows, and lookups by KB, build and month, baselines and hotpatch chains."""

from __future__ import annotations

import datetime as dt

import pytest

from pkginspect.calendar import BUNDLED_NAME, Calendar, Entry, Month, bundled_calendar, read_entries
from tests.shared import require_shared

S2022 = "windows-server-2022-azure-edition"
S2025 = "windows-server-2025"
W11 = "windows-11-24h2"
W25 = "windows-11-25h2"


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return bundled_calendar()


def test_rows_per_product(calendar: Calendar) -> None:
    assert calendar.products() == (S2022, S2025, W11, W25)
    assert {p: len(calendar.releases(p)) for p in calendar.products()} == {S2022: 27, S2025: 17, W11: 17, W25: 5}
    assert len(calendar) == 131 and len(calendar.entries(W25)) == 11
    assert {p: str(calendar.newest_month(p)) for p in calendar.products()} == dict.fromkeys(
        (S2022, S2025, W11, W25), "2026-03")
    assert calendar.releases("windows-11-26h1") == () and calendar.newest_month("windows-11-26h1") is None
    assert calendar.sources == (BUNDLED_NAME,)


def _facts(entry: Entry) -> tuple[object, ...]:
    data = entry.to_dict()
    return tuple(value for key, value in data.items() if key != "source")


def test_same_facts_as_the_domain_file(calendar: Calendar) -> None:
    """The bundled file is the domain file (legacy layout) converted, plus 25H2 rows for the KBs it shares."""
    shared = require_shared("domain", "calendar.csv")
    domain = read_entries(shared)
    bundled = [entry for entry in calendar if entry.product != W25]
    assert sorted(map(_facts, domain), key=repr) == sorted(map(_facts, bundled), key=repr)
    for entry in calendar.entries(W25):
        twins = [m.entry for m in calendar.by_kb(entry.kb or 0) if m.product == W11]
        if entry.kb == 5072753:  # the 25H2 out-of-band hotpatch written in a 24H2 row's note
            assert twins == [] and entry.build == "26200.7093"
            continue
        [twin] = twins
        assert (twin.cycle, twin.kind, twin.date) == (entry.cycle, entry.kind, entry.date)
        assert entry.build == (twin.build.replace("26100.", "26200.") if twin.build else None)


def test_the_irregular_2026_releases(calendar: Calendar) -> None:
    [late] = calendar.by_kb("KB5082314")  # February's Server 2022 out-of-band update, dated in March
    assert (late.role, late.product, str(late.month), late.entry.date) == ("oob-lcu", S2022, "2026-02",
                                                                           dt.date(2026, 3, 2))
    chain = calendar.chain(S2022, "2026-03")
    assert late.entry.breaks_chain and chain is not None and "20348.4776" not in chain
    early = [m for m in calendar.by_kb(5084897) if m.product == W11]  # published before its build number
    assert [(m.role, m.build, str(m.month)) for m in early] == [("oob-hotpatch", None, "2026-03")]
    chain = calendar.chain(W11, "2026-03")
    assert chain is not None and chain.unknown_builds == (5084897,)
    assert chain.builds == {"26100.7623", "26100.7781", "26100.7979"}


def test_known_entries(calendar: Calendar) -> None:
    august = calendar.release(S2022, "2024-08")
    assert august is not None
    assert (august.type, august.kb, august.build, august.build_number, august.ubr) == (
        "baseline-unplanned", 5041160, "20348.2655", 20348, 2655,
    )
    assert august.is_baseline and august.confidence == "P"
    assert august.source == f"{BUNDLED_NAME}:23"
    preview = calendar.release(W11, "2024-11")
    assert preview is not None and (preview.lcu_build, preview.lcu_kb, preview.confidence) == (None, None, "S")


def test_by_kb_roles(calendar: Calendar) -> None:
    [match] = calendar.by_kb(5041160)
    assert (match.role, match.product, str(match.month), match.kb, match.build) == (
        "baseline-unplanned", S2022, "2024-08", 5041160, "20348.2655",
    )
    [lcu] = calendar.by_kb("KB5037782")
    assert (lcu.role, lcu.product, str(lcu.month), lcu.kb, lcu.build) == (
        "lcu", S2022, "2024-05", 5037782, "20348.2461",
    )
    [hotpatch] = calendar.by_kb("5037848")
    assert (hotpatch.role, hotpatch.build) == ("hotpatch", "20348.2458")
    [planned] = calendar.by_kb(5036909)  # a baseline is also the month's LCU: one match, as the baseline
    assert planned.role == "baseline-planned"
    assert calendar.by_kb(1234567) == []


def test_by_kb_out_of_band(calendar: Calendar) -> None:
    [breaks] = calendar.by_kb("KB5070881")
    assert breaks.role == "oob-lcu" and breaks.out_of_band is not None
    assert (breaks.product, str(breaks.month), breaks.build, breaks.kb) == (S2025, "2025-10", "26100.6905", 5070881)
    assert breaks.out_of_band.breaks_chain is True and breaks.out_of_band.chain_stated
    assert breaks.out_of_band.date == dt.date(2025, 10, 23)
    [keeps] = calendar.by_kb(5070893)
    assert keeps.out_of_band is not None and keeps.out_of_band.breaks_chain is False
    assert keeps.out_of_band.remark == "(WSUS) keeps it"
    [unstated] = calendar.by_kb(5037422)
    assert unstated.out_of_band is not None
    assert (unstated.out_of_band.breaks_chain, unstated.out_of_band.chain_stated) == (True, False)
    [oob_hotpatch] = calendar.by_kb(5061258)
    assert oob_hotpatch.out_of_band is not None and oob_hotpatch.out_of_band.hotpatch
    assert oob_hotpatch.out_of_band.breaks_chain is False
    # the 25H2 out-of-band hotpatch named in a 24H2 row's note belongs to 25H2 only
    assert [(m.product, m.role) for m in calendar.by_kb(5072753)] == [(W25, "oob-hotpatch")]
    first = calendar.release(S2022, "2025-04")
    assert first is not None and [o.kb for o in first.out_of_band] == [5058920, 5059092]


def test_shared_kb_gives_one_match_per_product(calendar: Calendar) -> None:
    assert [(m.product, m.role) for m in calendar.by_kb(5046696)] == [(S2025, "hotpatch"), (W11, "hotpatch")]
    assert [(m.product, m.role) for m in calendar.by_kb(5068861)] == [(S2025, "lcu"), (W11, "lcu"), (W25, "lcu")]


def test_by_kb_refuses_garbage(calendar: Calendar) -> None:
    with pytest.raises(ValueError, match="not a KB number"):
        calendar.by_kb("KBx")


def test_by_build(calendar: Calendar) -> None:
    assert [(m.role, str(m.month)) for m in calendar.by_build(S2022, "20348.2461")] == [("lcu", "2024-05")]
    assert [(m.role, str(m.month)) for m in calendar.by_build(S2022, "20348.2458")] == [("hotpatch", "2024-05")]
    assert [m.kb for m in calendar.by_build(S2025, "26100.6905")] == [5070881, 5070893]
    assert [m.product for m in calendar.by_build(None, "26100.2240")] == [S2025, W11]
    assert calendar.by_build(S2022, "26100.2240") == []
    with pytest.raises(ValueError):
        calendar.by_build(S2022, "20348")


def test_unknown_product_is_a_value_error(calendar: Calendar) -> None:
    with pytest.raises(ValueError, match="did you mean 'windows-server-2022-azure-edition'"):
        calendar.releases("windows-server-2022")


@pytest.mark.parametrize(
    ("product", "month", "baseline"),
    [
        (S2022, "2024-01", "2024-01"),
        (S2022, "2024-05", "2024-04"),
        (S2022, "2024-06", "2024-04"),
        (S2022, "2024-08", "2024-08"),
        (S2022, "2024-09", "2024-08"),  # an unplanned baseline starts a chain too
        (S2022, "2024-10", "2024-10"),
        (S2022, "2025-12", "2025-10"),
        (S2022, "2023-12", None),  # before the data
        (S2022, "2026-01", "2026-01"),
        (S2022, "2026-03", "2026-01"),
        (S2022, "2026-04", None),  # the governing baseline month has no row yet
        (W25, "2025-12", None),  # 25H2's October baseline is not in the calendar
        (S2025, "2024-11", None),  # the GA build is named only in a note
        (S2025, "2025-02", "2025-01"),
        (W11, "2025-12", "2025-10"),
    ],
)
def test_baseline_for(calendar: Calendar, product: str, month: str, baseline: str | None) -> None:
    found = calendar.baseline_for(product, month)
    assert (str(found.month) if found else None) == baseline


@pytest.mark.parametrize(
    ("product", "month", "builds"),
    [
        (S2022, "2024-05", {"20348.2402", "20348.2458"}),
        (S2022, "2024-04", {"20348.2402"}),
        (S2022, "2024-06", {"20348.2402", "20348.2458", "20348.2522"}),
        (S2022, "2024-09", {"20348.2655", "20348.2695"}),
        (S2022, "2025-02", {"20348.3091", "20348.3148"}),  # the January out-of-band 20348.3095 breaks it
        (S2025, "2025-11", {"26100.6899", "26100.7092"}),
        (W11, "2025-05", {"26100.3775", "26100.3981", "26100.3983"}),  # an out-of-band hotpatch keeps it
        (S2025, "2024-12", set()),  # baseline unknown
    ],
)
def test_chain_builds(calendar: Calendar, product: str, month: str, builds: set[str]) -> None:
    assert calendar.chain_builds(product, month) == builds


def test_regular_lcu_is_off_the_chain(calendar: Calendar) -> None:
    chain = calendar.chain(S2022, Month(2024, 5))
    assert chain is not None
    assert "20348.2461" not in chain and "20348.2458" in chain
    assert chain.baseline.kb == 5036909
    assert calendar.chain(S2025, "2024-11") is None


def test_same_build_keeping_and_breaking_is_ambiguous(calendar: Calendar) -> None:
    chain = calendar.chain(S2025, "2025-10")
    assert chain is not None
    assert chain.builds == {"26100.6899"}
    assert chain.ambiguous == {"26100.6905"}


def test_product_for(calendar: Calendar) -> None:
    assert calendar.product_for("windows-server-2022", 20348) == S2022
    assert calendar.product_for("windows-11", 26100) == W11
    assert calendar.product_for("windows-11", 26200) == W25
    assert calendar.product_for("windows-11", 28000) is None  # 26H1 is a known product without data


def test_calendar_refuses_two_rows_for_one_month(calendar: Calendar) -> None:
    entry = calendar.entries(S2022)[0]
    with pytest.raises(ValueError, match="two baselines or hotpatches for windows-server-2022-azure-edition 2024-01"):
        Calendar([entry, entry])
    assert "131 entries in 66 months" in repr(calendar)
    assert next(iter(calendar)) is entry
