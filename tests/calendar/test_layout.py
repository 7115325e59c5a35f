"""The calendar layout (one release per row), the legacy layout's irregular rows, merging, convert, calendar.d."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect.calendar import (
    BUNDLED_NAME,
    COLUMNS,
    entries_csv,
    load_calendar,
    read_entries,
    user_calendar_dir,
    user_calendar_files,
)
from pkginspect.cli import main
from pkginspect.errors import CalendarError
from tests.shared import require_shared

HEADER = ",".join(COLUMNS)
S2022 = "windows-server-2022-azure-edition"
S2025 = "windows-server-2025"
W11 = "windows-11-24h2"
# Server 2025, April 2026 (made-up KBs in the 26100.32xxx server range).
APRIL = "windows-server-2025,2026-04,baseline-planned,2026-04-14,26100.32600,KB5099101,,P,"
MAY = "windows-server-2025,2026-05,hotpatch,2026-05-12,26100.32650,KB5099102,,P,"
MAY_LCU = "windows-server-2025,2026-05,lcu,2026-05-12,26100.32700,KB5099103,,P,"
# Microsoft's 2026 rows with the two irregular ones, in the legacy layout, as a user wrote them (the file).
LEGACY_2026 = (Path(__file__).parent / "data" / "my2026.csv").read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_text(*rows: str) -> str:
    return "# mine\n" + HEADER + "\n" + "\n".join(rows) + "\n"


def test_the_calendar_layout_adds_releases(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.csv", csv_text(APRIL, MAY, MAY_LCU))
    calendar = load_calendar([path])
    [match] = calendar.by_kb("KB5099102")
    assert (match.role, str(match.month), match.build, match.entry.source) == (
        "hotpatch", "2026-05", "26100.32650", f"{path}:4")
    may = calendar.release(S2025, "2026-05")
    assert may is not None and (may.type, may.lcu_kb, may.lcu_build) == ("hotpatch", 5099103, "26100.32700")
    assert calendar.chain_builds(S2025, "2026-05") == {"26100.32600", "26100.32650"}
    assert str(calendar.newest_month(S2025)) == "2026-05"


def test_the_legacy_users_2026_file_with_both_irregular_rows_loads(tmp_path: Path) -> None:
    """The issue's refused file: an out-of-band date in the next month, and an out-of-band hotpatch without build."""
    calendar = load_calendar([write(tmp_path, "my2026.csv", LEGACY_2026)])
    [late] = calendar.by_kb(5082314)
    assert (late.role, str(late.month), late.entry.date, late.product) == ("oob-lcu", "2026-02", dt.date(2026, 3, 2),
                                                                            S2022)
    [early] = [m for m in calendar.by_kb(5084897) if m.product == W11]
    assert (early.role, early.build, early.confidence) == ("oob-hotpatch", None, "S")
    chain = calendar.chain(W11, "2026-03")
    assert chain is not None and chain.unknown_builds == (5084897,)


def test_a_json_file_in_the_calendar_layout(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [dict(zip(COLUMNS, line.split(","), strict=True)) for line in (APRIL, MAY)]
    rows.append({"product": S2025, "cycle": "2026-05", "kind": "oob-hotpatch", "date": "2026-06-02", "kb": 5099109,
                 "chain": "keeps"})
    calendar = load_calendar([write(tmp_path, "mine.json", json.dumps({"releases": rows}))], bundled=False)
    [oob] = calendar.by_kb(5099109)
    assert (oob.role, oob.build, oob.entry.chain_stated, oob.entry.source) == (
        "oob-hotpatch", None, True, f"{tmp_path}/mine.json:entry 3")


def test_missing_values_are_valid(tmp_path: Path) -> None:
    rows = ["windows-server-2025,2026-05,hotpatch,2026-05-12,,KB5099102,,S,build not published yet",
            "windows-server-2025,2026-05,lcu,2026-05-12,26100.32700,,,S,KB not known"]
    calendar = load_calendar([write(tmp_path, "m.csv", csv_text(APRIL, *rows))], bundled=False)
    may = calendar.release(S2025, "2026-05")
    assert may is not None and (may.build, may.kb, may.lcu_build, may.lcu_kb) == (None, 5099102, "26100.32700", None)
    assert calendar.chain_builds(S2025, "2026-05") == {"26100.32600"}


def test_a_new_layout_release_adds_to_a_bundled_month_without_replacing_it(tmp_path: Path) -> None:
    extra = "windows-server-2025,2026-03,oob-lcu,2026-03-20,26100.32530,KB5099201,keeps,P,WSUS only"
    calendar = load_calendar([write(tmp_path, "oob.csv", csv_text(extra))])
    march = calendar.release(S2025, "2026-03")
    assert march is not None and march.kb == 5078736 and [o.kb for o in march.out_of_band] == [5099201]
    assert "26100.32530" in calendar.chain_builds(S2025, "2026-03")
    fixed = "windows-server-2025,2026-03,hotpatch,2026-03-10,26100.32463,KB5099202,,P,"
    replaced = load_calendar([write(tmp_path, "fix.csv", csv_text(fixed))])
    assert replaced.by_kb(5078736) == [] and [m.role for m in replaced.by_kb(5099202)] == ["hotpatch"]
    assert replaced.by_kb(5078740)  # the month's regular update stays


ERRORS: list[tuple[str, str]] = [
    (APRIL.replace("baseline-planned", "baseline-plan"),
     "line 3: bad kind 'baseline-plan' (did you mean 'baseline-planned'?)"),
    (APRIL.replace("2026-04,", "2026-4,", 1), "line 3: bad cycle '2026-4'"),
    (MAY.replace("2026-05-12", "2026-06-02"), "line 3: date 2026-06-02 is outside the month 2026-05"),
    ("windows-server-2025,2026-05,oob-lcu,2026-07-01,26100.32710,KB5099110,,P,",
     "line 3: date 2026-07-01 is outside the month 2026-05 or the next"),
    ("windows-server-2025,2026-05,oob-lcu,2026-04-30,26100.32710,KB5099110,,P,",
     "line 3: date 2026-04-30 is outside the month 2026-05 or the next"),
    (MAY.replace("2026-05-12", "2026-05-32"), "line 3: bad date '2026-05-32'"),
    (MAY.replace("26100.32650,KB5099102", ","), "line 3: build and kb are both empty: give at least one"),
    (MAY.replace("26100.32650", "20348.32650"), "line 3: build 20348.32650 is not a windows-server-2025 build"),
    (MAY.replace("KB5099102,,", "KB5099102,kept,"), "line 3: bad chain 'kept' (did you mean 'keeps'?)"),
    (APRIL.replace("KB5099101,,", "KB5099101,breaks,"), "line 3: chain 'breaks' for a baseline-planned"),
    (MAY.replace("KB5099102,,", "KB5099102,starts,"), "line 3: chain 'starts' for a hotpatch"),
    (MAY_LCU.replace("KB5099103,,", "KB5099103,keeps,"), "line 3: chain 'keeps' for an lcu"),
    (MAY.replace(",P,", ",Q,"), "line 3: bad confidence 'Q'"),
    (MAY.replace("hotpatch", "baseline-planned"), "line 3: baseline-planned in 2026-05, which is not a planned"),
    (MAY + "\n" + MAY.replace("KB5099102", "KB5099104").replace("hotpatch", "baseline-unplanned"),
     "line 4: a second baseline or hotpatch for windows-server-2025 2026-05 (the first is at line 3)"),
    (MAY_LCU + "\n" + MAY_LCU.replace("KB5099103", "KB5099104"),
     "line 4: a second regular cumulative update (lcu) for windows-server-2025 2026-05 (the first is at line 3)"),
    (APRIL + "\n" + "windows-server-2025,2026-04,lcu,2026-04-14,26100.32600,KB5099105,,P,",
     "line 4: an lcu beside the baseline-planned of windows-server-2025 2026-04 (line 3): a baseline is the month's"),
    (MAY.replace("26100.32650", "26100.32750") + "\n" + MAY_LCU,
     "line 3: hotpatch build 26100.32750 is not below the month's lcu build 26100.32700 (line 4)"),
    (MAY + "\n" + MAY_LCU.replace("KB5099103", "KB5099102"),
     "line 4: KB5099102 is the lcu of windows-server-2025 2026-05 but also the hotpatch of windows-server-2025 "
     "2026-05 (line 3)"),
    (APRIL.replace("KB5099101", "KB5041160"),
     f"line 3: KB5041160 is the baseline-planned of windows-server-2025 2026-04 but also the baseline-unplanned of "
     f"{S2022} 2024-08 ({BUNDLED_NAME}:23)"),
]


@pytest.mark.parametrize(("rows", "fragment"), ERRORS)
def test_errors_name_file_line_and_field(tmp_path: Path, rows: str, fragment: str) -> None:
    path = write(tmp_path, "c.csv", HEADER + "\n" + "\n".join(["", rows]).lstrip("\n") + "\n")
    path.write_text("# one comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        load_calendar([path])
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and fragment in message, message


def test_layout_is_told_by_the_header(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="line 1: unknown column 'type'"):
        load_calendar([write(tmp_path, "mixed.csv", "product,cycle,type,date,kb\n")])
    with pytest.raises(CalendarError, match=r"line 1: missing required column\(s\): kind"):
        load_calendar([write(tmp_path, "nokind.csv", "product,cycle,date,kb\nx,y,z,w\n")])


def test_convert_round_trips_the_domain_file() -> None:
    domain = read_entries(require_shared("domain", "calendar.csv"))
    text = entries_csv(domain)
    assert text.splitlines()[5] == HEADER
    assert "windows-server-2025,2025-10,oob-lcu,2025-10-23,26100.6905,KB5070881,breaks,P,breaks the hotpatch chain" \
        in text
    assert "windows-11-24h2,2026-03,oob-hotpatch,2026-03-16,,KB5084897,,S," in text


def test_cli_convert(tmp_path: Path) -> None:
    legacy = write(tmp_path, "my2026.csv", LEGACY_2026)
    out = tmp_path / "converted.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["calendar", "convert", str(legacy), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 21 releases" in result.stderr
    converted = read_entries(out)
    strip = [{k: v for k, v in e.to_dict().items() if k != "source"} for e in read_entries(legacy)]
    assert sorted(map(repr, strip)) == sorted(repr({k: v for k, v in e.to_dict().items() if k != "source"})
                                              for e in converted)
    as_json = runner.invoke(main, ["calendar", "convert", str(out), "--format", "json"])
    assert as_json.exit_code == 0 and len(json.loads(as_json.stdout)["releases"]) == 21
    bad = write(tmp_path, "bad.csv", LEGACY_2026.replace("2026-03-02", "2026-04-02"))
    failed = runner.invoke(main, ["calendar", "convert", str(bad)])
    assert failed.exit_code == 3
    assert failed.stderr.startswith(f"pkginspect: error: {bad}: line 3: note: out-of-band date 2026-04-02 is outside")


def test_user_calendar_dir_resolution(tmp_path: Path) -> None:
    assert user_calendar_dir({"PKGINSPECT_CALENDAR_DIR": "/x/cal"}) == Path("/x/cal")
    assert user_calendar_dir({"XDG_DATA_HOME": "/data"}) == Path("/data/pkginspect/calendar.d")
    home = user_calendar_dir({})
    assert home.parts[-4:] == (".local", "share", "pkginspect", "calendar.d")
    assert user_calendar_files(tmp_path / "missing") == []


def test_user_calendar_dir_is_merged_automatically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "calendar.d"
    folder.mkdir()
    monkeypatch.setenv("PKGINSPECT_CALENDAR_DIR", str(folder))
    write(folder, "10-may.csv", csv_text(APRIL, MAY))
    write(folder, "notes.txt", "not a calendar")
    write(folder, ".hidden.csv", "garbage")
    calendar = load_calendar()
    assert calendar.sources == (BUNDLED_NAME, str(folder / "10-may.csv"))
    assert calendar.by_kb(5099102)
    assert load_calendar(user_dir=False).by_kb(5099102) == []
    result = CliRunner().invoke(main, ["calendar", "--product", S2025])
    assert result.exit_code == 0 and f"read from: {BUNDLED_NAME}, {folder / '10-may.csv'}" in result.stdout
    write(folder, "20-bad.csv", csv_text(MAY.replace("2026-05-12", "2026-05-40")))
    failed = CliRunner().invoke(main, ["calendar"])
    assert failed.exit_code == 3 and f"{folder / '20-bad.csv'}: line 3: bad date" in failed.stderr


def test_xdg_data_home_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PKGINSPECT_CALENDAR_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = tmp_path / "pkginspect" / "calendar.d"
    folder.mkdir(parents=True)
    write(folder, "may.csv", csv_text(APRIL, MAY))
    assert load_calendar().by_kb(5099101)


def test_a_user_directory_that_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "calendar.d", "not a folder")
    monkeypatch.setenv("PKGINSPECT_CALENDAR_DIR", str(path))
    result = CliRunner().invoke(main, ["calendar"])
    assert result.exit_code == 3
    assert result.stderr == (f"pkginspect: error: {path}: the user calendar directory is a file, not a directory "
                             "(see $PKGINSPECT_CALENDAR_DIR)\n")


def test_tests_never_see_a_real_user_directory() -> None:
    assert user_calendar_files() == []
