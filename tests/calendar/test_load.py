"""User calendar files: CSV and JSON merged over the bundled data, and every error they can raise."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pkginspect.calendar import BUNDLED_NAME, MAX_CALENDAR_BYTES, load_calendar
from pkginspect.calendar import LEGACY_COLUMNS as COLUMNS
from pkginspect.errors import CalendarError

HEADER = ",".join(COLUMNS)
# Server 2025, January 2026: a planned baseline (build numbers of the 26100.32xxx server range).
JANUARY = "windows-server-2025,2026-01,baseline-planned,2026-01-13,26100.32230,KB5099001,26100.32230,KB5099001,S,"
FEBRUARY = "windows-server-2025,2026-02,hotpatch,2026-02-10,26100.32300,KB5099002,26100.32370,KB5099003,S,"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def csv_text(*rows: str, comments: bool = True) -> str:
    head = "# my calendar\n# next month's releases\n" if comments else ""
    return head + HEADER + "\n" + "\n".join(rows) + "\n"


def entry(**changes: object) -> dict[str, object]:
    base: dict[str, object] = dict(zip(COLUMNS, JANUARY.split(","), strict=True))
    base.update(changes)
    return base


def test_user_csv_adds_months(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.csv", csv_text(JANUARY, FEBRUARY))
    calendar = load_calendar([path])
    assert calendar.sources == (BUNDLED_NAME, str(path))
    [match] = calendar.by_kb("KB5099001")
    assert (match.role, match.product, str(match.month), match.build) == (
        "baseline-planned", "windows-server-2025", "2026-01", "26100.32230",
    )
    assert match.release.source == f"{path}:4"
    assert [m.role for m in calendar.by_kb(5099003)] == ["lcu"]
    assert len(calendar.releases("windows-server-2025")) == 17  # the bundled months are replaced
    assert calendar.by_kb("KB5073379") == [] and calendar.by_kb("KB5077793") == []  # legacy rows: whole months
    assert calendar.chain_builds("windows-server-2025", "2026-02") == {"26100.32230", "26100.32300"}
    assert calendar.baseline_for("windows-server-2025", "2026-03") is not None
    assert calendar.by_kb(5041160)  # bundled data still there


def test_user_json_list_and_object(tmp_path: Path) -> None:
    listed = write(tmp_path, "mine.json", json.dumps([entry(kb=5099001, lcu_kb="5099001")]))
    calendar = load_calendar(listed)  # a single path is accepted too
    [match] = calendar.by_kb(5099001)
    assert str(match.month) == "2026-01" and match.release.source == f"{listed}:entry 1"
    wrapped = write(tmp_path, "wrapped.json", json.dumps({"$schema": "x", "releases": [entry(), entry(
        month="2026-02", type="hotpatch", date="2026-02-10", build="26100.32300", kb="KB5099002",
        lcu_build="26100.32370", lcu_kb="KB5099003", note=None, confidence=None)]}))
    february = load_calendar([wrapped]).release("windows-server-2025", "2026-02")
    assert february is not None and (february.note, february.confidence) == ("", "?")


def test_user_row_replaces_a_bundled_month(tmp_path: Path) -> None:
    row = ("windows-server-2022-azure-edition,2025-12,hotpatch,2025-12-09,20348.4467,KB5071413,20348.4529,KB5071547,"
           "P,OOB 2025-12-18 20348.4531 KB5099100 keeps the chain")
    calendar = load_calendar([write(tmp_path, "fix.csv", csv_text(row))])
    december = calendar.release("windows-server-2022-azure-edition", "2025-12")
    assert december is not None and december.source.startswith(str(tmp_path))
    assert len(calendar.releases("windows-server-2022-azure-edition")) == 27
    assert "20348.4531" in calendar.chain_builds("windows-server-2022-azure-edition", "2025-12")


def test_replacing_a_month_frees_its_kbs(tmp_path: Path) -> None:
    # the user says December's hotpatch was KB5099200, not KB5071413; the old KB is gone, and may be reused
    row = ("windows-server-2022-azure-edition,2025-12,hotpatch,2025-12-09,20348.4467,KB5099200,20348.4529,KB5071547,"
           "P,")
    calendar = load_calendar([write(tmp_path, "fix.csv", csv_text(row))])
    assert calendar.by_kb(5071413) == [] and calendar.by_kb(5099200)


def test_later_files_win(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", csv_text(JANUARY))
    second = write(tmp_path, "b.csv", csv_text(JANUARY.replace(",S,", ",P,")))
    january = load_calendar([first, second]).release("windows-server-2025", "2026-01")
    assert january is not None and january.confidence == "P" and january.source == f"{second}:4"


def test_new_known_product_and_shared_kbs(tmp_path: Path) -> None:
    # 25H2 shares the 24H2/Server 2025 KBs of the same month; an unplanned baseline may be another product's LCU
    rows = [
        "windows-11-25h2,2025-10,baseline-planned,2025-10-14,26200.6899,KB5066835,26200.6899,KB5066835,S,",
        "windows-11-25h2,2025-11,baseline-unplanned,2025-11-11,26200.7171,KB5068861,26200.7171,KB5068861,S,",
        "windows-11-25h2,2025-12,hotpatch,2025-12-09,26200.7392,KB5072014,26200.7462,KB5072033,S,",
    ]
    calendar = load_calendar([write(tmp_path, "25h2.csv", csv_text(*rows))])
    assert calendar.products()[-1] == "windows-11-25h2"
    assert calendar.product_for("windows-11", 26200) == "windows-11-25h2"
    assert [(m.product, m.role) for m in calendar.by_kb(5068861)] == [
        ("windows-server-2025", "lcu"), ("windows-11-24h2", "lcu"), ("windows-11-25h2", "baseline-unplanned"),
    ]
    assert calendar.chain_builds("windows-11-25h2", "2025-12") == {"26200.7171", "26200.7392"}


def test_without_bundled_data(tmp_path: Path) -> None:
    calendar = load_calendar([write(tmp_path, "only.csv", csv_text(JANUARY, comments=False))], bundled=False)
    assert len(calendar) == 1 and calendar.by_kb(5041160) == []
    assert load_calendar(bundled=False).products() == ()


def test_crlf_bom_blank_lines_quotes_and_other_column_order(tmp_path: Path) -> None:
    columns = ["kb", "product", "month", "type", "date", "build", "note"]
    text = ("\ufeff# comment\r\n" + ",".join(columns) + "\r\n\r\n"
            '5099001,windows-server-2025,2026-01,baseline-planned,2026-01-13,26100.32230,"a, quoted; note"\r\n')
    calendar = load_calendar([write(tmp_path, "odd.txt", text)], bundled=False)
    [release] = calendar.releases()
    assert (release.note, release.lcu_build, release.source) == ("a, quoted; note", "26100.32230",
                                                                 f"{tmp_path}/odd.txt:4")


def test_format_is_sniffed_without_a_known_extension(tmp_path: Path) -> None:
    calendar = load_calendar([write(tmp_path, "cal.data", json.dumps([entry()]))], bundled=False)
    assert len(calendar) == 1


ROW_ERRORS: list[tuple[str, str | bytes, str]] = [
    # (file name, content, fragment of the message after "<file>: ")
    ("c.csv", csv_text(JANUARY.replace("windows-server-2025", "windows-server-2019", 1)),
     "line 4: unknown product 'windows-server-2019'"),
    ("c.csv", csv_text(JANUARY.replace("windows-server-2025", "windows-server-2022", 1)),
     "line 4: unknown product 'windows-server-2022' (did you mean 'windows-server-2022-azure-edition'?)"),
    ("c.csv", csv_text(JANUARY.replace("windows-server-2025", "windows-server-2052", 1)),
     "(did you mean 'windows-server-2025'?)"),
    ("c.csv", csv_text(JANUARY.replace("2026-01,", "2026-1,", 1)), "line 4: bad month '2026-1'"),
    ("c.csv", csv_text(JANUARY.replace("2026-01,", "2026-13,", 1)), "line 4: bad month '2026-13'"),
    ("c.csv", csv_text(JANUARY.replace("baseline-planned", "baseline-plan")),
     "line 4: bad type 'baseline-plan' (did you mean 'baseline-planned'?)"),
    ("c.csv", csv_text(FEBRUARY.replace("hotpatch", "baseline-planned")),
     "line 4: baseline-planned in 2026-02, which is not a planned baseline month"),
    ("c.csv", csv_text(JANUARY.replace("baseline-planned", "baseline-unplanned")),
     "line 4: baseline-unplanned in 2026-01, a planned baseline month"),
    ("c.csv", csv_text(JANUARY.replace("2026-01-13", "2026-01-32")), "line 4: bad date '2026-01-32'"),
    ("c.csv", csv_text(JANUARY.replace("2026-01-13", "20260113")), "line 4: bad date '20260113'"),
    ("c.csv", csv_text(JANUARY.replace("2026-01-13", "2026-02-10")),
     "line 4: date 2026-02-10 is outside the month 2026-01"),
    ("c.csv", csv_text(JANUARY.replace("26100.32230,KB5099001,26100", "26100.3a,KB5099001,26100")),
     "line 4: bad build '26100.3a' (expected NNNNN.NNNN"),
    ("c.csv", csv_text(JANUARY.replace(",26100.32230,KB5099001,S", ",2610.32230,KB5099001,S")),
     "line 4: bad lcu_build '2610.32230'"),
    ("c.csv", csv_text(JANUARY.replace("26100.32230", "20348.32230")),
     "line 4: build 20348.32230 is not a windows-server-2025 build (26100.x)"),
    ("c.csv", csv_text(JANUARY.replace("KB5099001,26100", "KBX5099001,26100")), "line 4: bad kb 'KBX5099001'"),
    ("c.csv", csv_text(JANUARY.replace(",KB5099001,S", ",KB0,S")), "line 4: bad lcu_kb 'KB0'"),
    ("c.csv", csv_text(JANUARY.replace(",S,", ",X,")), "line 4: bad confidence 'X'"),
    ("c.csv", csv_text(JANUARY.replace(",KB5099001,S", ",,S")), "line 4: lcu_build and lcu_kb go together"),
    ("c.csv", csv_text(JANUARY.replace(",26100.32230,KB5099001,S", ",26100.32231,KB5099001,S")),
     "line 4: a baseline is the month's cumulative update"),
    ("c.csv", csv_text(FEBRUARY.replace("26100.32370", "26100.32299")),
     "line 4: hotpatch build 26100.32300 is not below the month's lcu_build 26100.32299"),
    ("c.csv", csv_text(JANUARY + "OOB 2026-01-20"),
     "line 4: note: cannot read the out-of-band release 'OOB 2026-01-20'"),
    ("c.csv", csv_text(JANUARY + "OOB 2026-03-02 26100.32240 KB5099010"),
     "line 4: note: out-of-band date 2026-03-02 is outside the month 2026-01 or the next"),
    ("c.csv", csv_text(JANUARY + "OOB 2026-01-20 17763.32240 KB5099010"),
     "line 4: note: out-of-band build 17763.32240 is not a windows-server-2025 build"),
    ("c.csv", csv_text(JANUARY.replace("2026-01,baseline-planned", "2026-01,", 1)), "line 4: type is empty"),
    ("c.csv", csv_text(JANUARY, JANUARY.replace(",S,", ",P,")),
     "line 5: a second row for windows-server-2025 2026-01 (the first is at line 4)"),
    ("c.csv", csv_text(JANUARY, FEBRUARY.replace("KB5099002", "KB5099001")),
     "line 5: KB5099001 is the hotpatch of windows-server-2025 2026-02 but also the baseline-planned of "
     "windows-server-2025 2026-01 (line 4)"),
    ("c.csv", csv_text(FEBRUARY.replace("KB5099003", "KB5099002")),
     "line 4: KB5099002 is the lcu of windows-server-2025 2026-02 but also the hotpatch"),
    ("c.csv", csv_text(FEBRUARY + "OOB 2026-02-20 26100.32380 KB5099003"),
     "line 4: KB5099003 is the oob-lcu of windows-server-2025 2026-02 but also the lcu"),
    ("c.csv", csv_text(JANUARY.replace("KB5099001", "KB5041160")),
     f"line 4: KB5041160 is the baseline-planned of windows-server-2025 2026-01 but also the baseline-unplanned of "
     f"windows-server-2022-azure-edition 2024-08 ({BUNDLED_NAME}:23)"),
    ("c.csv", csv_text("windows-11-24h2,2025-11,hotpatch,2025-11-11,26100.7092,KB5068861,,,S,"),
     "line 4: KB5068861 is the hotpatch of windows-11-24h2 2025-11 but also the lcu of windows-server-2025 2025-11"),
    ("c.csv", csv_text("windows-11-24h2,2025-12,hotpatch,2025-12-09,26100.7392,KB5068966,,,S,"),
     "line 4: KB5068966 is the hotpatch of windows-11-24h2 2025-12 but also the hotpatch of windows-server-2025 "
     "2025-11"),
    ("c.csv", csv_text(JANUARY.replace("2026-01,", "2026-13,", 1), JANUARY.replace("2026-01-13", "x")),
     "line 4: bad month '2026-13' (expected YYYY-MM with a month from 01 to 12) (and 1 more problem)"),
]

FILE_ERRORS: list[tuple[str, str | bytes, str]] = [
    ("c.csv", "", "empty file"),
    ("c.csv", "  \n\n", "empty file"),
    ("c.csv", "# only\n# comments\n", "empty file (only comments)"),
    ("c.csv", csv_text(), "no releases in the file"),
    ("c.csv", b"product,month\xff\n", "not UTF-8 text (bad byte at offset 13)"),
    ("c.csv", HEADER.replace("note", "notes") + "\n" + JANUARY + "\n",
     "line 1: unknown column 'notes' (did you mean 'note'?)"),
    ("c.csv", HEADER + ",kb\n", "line 1: column 'kb' appears twice"),
    ("c.csv", "product,month,type,date\n" + "windows-server-2025,2026-01,baseline-planned,2026-01-13\n",
     "line 1: missing required column(s): build, kb"),
    ("c.csv", csv_text(JANUARY + ",extra"), "line 4: 11 fields, the header has 10"),
    ("c.csv", csv_text(JANUARY + "x" * 200_000), "line 4: not valid CSV: field larger than field limit"),
    ("c.json", "[", "not valid JSON: Expecting value at line 1 column 2"),
    ("c.json", "[]", "no releases in the file"),
    ("c.json", '{"releases": [], "release": []}', "unknown top-level key 'release' (did you mean 'releases'?)"),
    ("c.json", '{"entries": []}', "unknown top-level key 'entries'"),
    ("c.json", '{"$schema": "x"}', "the JSON object has no 'releases' list"),
    ("c.json", '"releases"', "expected a JSON list of releases or an object with a 'releases' list"),
    ("c.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("c.json", '[{"product": "a", "product": "b"}]', "key 'product' appears twice in one object"),
    ("c.json", json.dumps([entry(), 5]), "entry 2: expected an object, found int"),
    ("c.json", json.dumps([{**entry(), "kbs": "x"}]), "entry 1: unknown key 'kbs' (did you mean 'kb'?)"),
    ("c.json", json.dumps([{k: v for k, v in entry().items() if k not in ("date", "kb")}]),
     "entry 1: missing required key(s): date, kb"),
    ("c.json", json.dumps([entry(build=26100.3223)]), "entry 1: build must be a string, found 26100.3223"),
    ("c.json", json.dumps([entry(kb=True)]), "entry 1: bad kb True"),
    ("c.json", json.dumps([entry(kb=-5)]), "entry 1: bad kb -5"),
    ("c.json", json.dumps([entry(product=None)]), "entry 1: product is empty"),
    ("c.json", json.dumps([entry(), entry()]), "entry 2: a second row for windows-server-2025 2026-01 (the first is at "
                                                 "entry 1)"),
]


@pytest.mark.parametrize(("name", "content", "fragment"), ROW_ERRORS + FILE_ERRORS)
def test_error_messages(tmp_path: Path, name: str, content: str | bytes, fragment: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(CalendarError) as raised:
        load_calendar([path])
    message = str(raised.value)
    assert message.startswith(f"{path}: "), message
    assert fragment in message, message
    assert raised.value.source == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match=r"nope\.csv: file not found"):
        load_calendar([tmp_path / "nope.csv"])


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match=r": is a directory"):
        load_calendar([tmp_path])


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as stream:
        stream.truncate(MAX_CALENDAR_BYTES + 1)
    with pytest.raises(CalendarError, match=rf"huge\.csv: too large: more than {MAX_CALENDAR_BYTES} bytes"):
        load_calendar([path])


def test_error_names_the_later_file(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", csv_text(JANUARY))
    second = write(tmp_path, "b.csv", csv_text(FEBRUARY.replace("KB5099002", "KB5099001")))
    with pytest.raises(CalendarError) as raised:
        load_calendar([first, second])
    assert str(raised.value).startswith(f"{second}: line 4: KB5099001 is the hotpatch")
    assert f"({first}:4)" in str(raised.value)


def _load_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "calendar" + suffix)
        with open(path, "wb") as stream:
            stream.write(data)
        try:
            load_calendar([path], bundled=False)
        except CalendarError as error:
            assert str(error).startswith(path + ": ")


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".json", ".txt"]))
def test_arbitrary_bytes_load_or_raise_calendar_error(data: bytes, suffix: str) -> None:
    _load_bytes(data, suffix)


_FRAGMENTS = st.sampled_from(
    [JANUARY, FEBRUARY, HEADER, "#", ",", ";", '"', "\n", "\r", "OOB ", "2026-01-20 ", "26100.32240 ", "KB5099010",
     "hotpatch", "windows-11-25h2", "2026-13", "", "\x00", "keeps", "breaks", "[", "{", "}", "]", ":", "null"]
)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_FRAGMENTS | st.text(max_size=8), max_size=30), suffix=st.sampled_from([".csv", ".json"]))
def test_calendar_like_text_loads_or_raises_calendar_error(parts: list[str], suffix: str) -> None:
    _load_bytes((HEADER + "\n" + "".join(parts)).encode("utf-8", "surrogatepass"), suffix)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                                 st.text(max_size=12), st.sampled_from(JANUARY.split(","))),
                       min_size=len(COLUMNS), max_size=len(COLUMNS)))
def test_json_values_load_or_raise_calendar_error(values: list[object]) -> None:
    _load_bytes(json.dumps([dict(zip(COLUMNS, values, strict=True))]).encode(), ".json")
