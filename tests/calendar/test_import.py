"""``pkginspect calendar import``: each machine-readable source on a realistic saved response, then classify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pkginspect.calendar import load_calendar, read_entries
from pkginspect.calendar.imports import SHAPES, import_files
from pkginspect.classification import classify
from pkginspect.cli import main
from pkginspect.errors import CalendarError
from pkginspect.package import inspect
from tests.calendar.made import make_package

DATA = Path(__file__).parent / "data" / "imports"
GRAPH = DATA / "graph-catalog-entries.json"
INTUNE = DATA / "intune-quality-update-catalog-items.json"
OSBUILD_HOTPATCH = DATA / "osbuild-server2022-hotpatch.json"
OSBUILD = DATA / "osbuild-server2022.json"
HOTPATCH_CALENDAR = DATA / "winhotpatchcalendar-2026.json"
W11 = "windows-11-24h2"
W25 = "windows-11-25h2"
S2022 = "windows-server-2022-azure-edition"


def rows(path: Path | list[Path]) -> list[tuple[str, str, str, str | None, int | None, str]]:
    entries = import_files(path if isinstance(path, list) else [path])
    return sorted((e.product, str(e.cycle), e.kind, e.build, e.kb, e.confidence) for e in entries)


def test_graph_catalog_entries() -> None:
    found = rows(GRAPH)
    assert [r for r in found if r[0] == W11] == [
        (W11, "2026-01", "baseline-planned", "26100.7623", 5074109, "P"),
        (W11, "2026-02", "hotpatch", "26100.7781", 5077212, "P"),
        (W11, "2026-02", "lcu", "26100.7840", 5077181, "P"),
        (W11, "2026-03", "hotpatch", "26100.7979", 5079420, "P"),
        (W11, "2026-03", "lcu", "26100.8037", 5079473, "P"),
    ]
    assert [r[1:5] for r in found if r[0] == W25][1] == ("2026-02", "hotpatch", "26200.7781", 5077212)
    assert len(found) == 10  # the feature update entry is skipped


def test_intune_catalog_items_tell_the_hotpatch_by_its_lower_build() -> None:
    assert rows(INTUNE) == [
        (W11, "2026-01", "baseline-planned", "26100.7623", 5074109, "P"),
        (W11, "2026-02", "hotpatch", "26100.7781", 5077212, "P"),
        (W11, "2026-02", "lcu", "26100.7840", 5077181, "P"),
        (W25, "2026-01", "baseline-planned", "26200.7623", 5074109, "P"),
    ]


def test_osbuild_listings_alone_and_together() -> None:
    assert rows(OSBUILD_HOTPATCH) == [
        (S2022, "2026-01", "baseline-planned", "20348.4648", 5073457, "S"),
        (S2022, "2026-02", "hotpatch", "20348.4711", 5075943, "S"),
        (S2022, "2026-03", "hotpatch", "20348.4830", 5078737, "S"),
    ]
    together = import_files([OSBUILD_HOTPATCH, OSBUILD])
    by_kb = {e.kb: e for e in together}
    assert len(together) == 8  # January's baseline is in both listings: kept once
    assert (by_kb[5075906].kind, by_kb[5075906].note) == ("lcu", "")  # beside February's hotpatch
    late = by_kb[5082314]  # dated 2026-03-02, before March's Patch Tuesday: February's cycle
    assert (late.kind, str(late.cycle), late.date.isoformat()) == ("oob-lcu", "2026-02", "2026-03-02")
    alone = {e.kb: e for e in import_files([OSBUILD])}
    assert alone[5075906].kind == "lcu" and "may be an unplanned baseline" in alone[5075906].note


def test_hotpatch_calendar() -> None:
    found = rows(HOTPATCH_CALENDAR)
    assert (W11, "2026-03", "oob-hotpatch", None, 5084897, "S") in found  # published before its build
    assert (W25, "2026-01", "baseline-planned", "26200.7623", 5074109, "S") in found
    assert not [r for r in found if r[1] == "2026-04"]  # April is scheduled, not released
    assert len(found) == 8


def test_sources_agree_with_the_bundled_calendar() -> None:
    bundled = load_calendar(user_dir=False)
    for entry in import_files([GRAPH, HOTPATCH_CALENDAR, OSBUILD_HOTPATCH, OSBUILD]):
        matches = [m for m in bundled.by_kb(entry.kb or 0) if m.product == entry.product]
        assert [(m.role, str(m.month)) for m in matches] == [(entry.kind, str(entry.cycle))], entry


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("imported")
    title = "2026-02 {what} for Windows 11 Version 24H2 for x64-based Systems ({kb})"
    return {
        "hotpatch": make_package("ws2025-2025-11-hotpatch-KB5068966.json", folder, kb="KB5077212",
                                 build="26100.7781", date="2026-02-10",
                                 title=title.format(what="Security Hotpatch Update", kb="KB5077212")),
        "lcu": make_package("ws2025-2025-10-baseline-KB5066835.json", folder, kb="KB5077181", build="26100.7840",
                            date="2026-02-10", title=title.format(what="Cumulative Update", kb="KB5077181")),
        "oob": make_package("ws2022-2024-05-lcu-KB5037782.json", folder, kb="KB5082314", build="20348.4776",
                            date="2026-03-02"),
    }


@pytest.mark.parametrize(("sources", "expected"), [
    ([GRAPH], {"hotpatch": ("hotpatch", "high"), "lcu": ("lcu", "high")}),
    ([INTUNE], {"hotpatch": ("hotpatch", "high"), "lcu": ("lcu", "high")}),
    ([HOTPATCH_CALENDAR], {"hotpatch": ("hotpatch", "medium")}),
    ([OSBUILD, OSBUILD_HOTPATCH], {"oob": ("lcu", "medium")}),
])
def test_import_then_classify(packages: dict[str, Path], tmp_path: Path, sources: list[Path],
                              expected: dict[str, tuple[str, str]]) -> None:
    out = tmp_path / "calendar.d" / "releases.csv"
    out.parent.mkdir()
    result = CliRunner().invoke(main, ["calendar", "import", *map(str, sources), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "pkginspect: imported " in result.stderr
    calendar = load_calendar([out], bundled=False, user_dir=False)  # only what was imported
    for name, (kind, confidence) in expected.items():
        classified = classify(inspect(packages[name], sha256=False), calendar)
        assert (classified.kind, classified.confidence, classified.rule) == (kind, confidence, "calendar"), name
        assert classified.stale is None


def test_imported_file_in_the_user_directory_is_used_by_every_command(
    packages: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "calendar.d"
    folder.mkdir()
    monkeypatch.setenv("PKGINSPECT_CALENDAR_DIR", str(folder))
    runner = CliRunner()
    imported = runner.invoke(main, ["calendar", "import", str(GRAPH), "-o", str(folder / "graph.csv")])
    assert imported.exit_code == 0
    result = runner.invoke(main, ["classify", str(packages["hotpatch"]), "--format", "json"])
    [item] = json.loads(result.stdout)["classifications"]
    assert item["kind"] == "hotpatch" and any("graph.csv" in e["source"] for e in item["evidence"])
    assert read_entries(folder / "graph.csv")


def test_json_output_and_utf16(tmp_path: Path) -> None:
    utf16 = tmp_path / "osbuild.json"  # what Windows PowerShell 5.1's Out-File writes
    utf16.write_bytes(OSBUILD_HOTPATCH.read_text(encoding="utf-8").encode("utf-16"))
    result = CliRunner().invoke(main, ["calendar", "import", str(utf16), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["kb"] for r in json.loads(result.stdout)["releases"]] == ["KB5073457", "KB5075943", "KB5078737"]


def _graph(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(GRAPH.read_text(encoding="utf-8"))
    document["value"][1].update(changes)
    return document


ERRORS: list[tuple[str, str]] = [
    ("{", "not JSON (Expecting property name enclosed in double quotes at line 1 column 2); calendar import reads: "),
    ('{"value": [{"name": "x"}]}', "not a release-data file pkginspect knows; calendar import reads: "),
    ("[1, 2]", "entry 1: expected an object; calendar import reads: "),
    ('"text"', "expected a JSON list of objects; calendar import reads: "),
    (json.dumps(_graph(productRevisions=None)),
     "entry 2: no productRevisions list (save the response with $expand=productRevisions) (read as Microsoft Graph"),
    (json.dumps(_graph(releaseDateTime="13/01/2026")), "entry 2: releaseDateTime '13/01/2026' is not a date"),
    (json.dumps(_graph(qualityUpdateCadence="weekly")), "entry 2: qualityUpdateCadence 'weekly' is neither monthly"),
    (json.dumps([{"Version": "Version 21H2 (OS build 20348)", "Build": "20348.x", "Availability date": "2026-01-13",
                  "KB article": "KB5073457"}]), "entry 1: Build '20348.x' is not a build (NNNNN.NNNN)"),
    (json.dumps([{"Version": "Version 22H2 (OS build 19045)", "Build": "19045.6809",
                  "Availability date": "2026-01-13", "KB article": "KB5073724"}]),
     "no release of a calendar product in the file"),
    (json.dumps([{"Calendar Year": "2026", "Month": "Smarch", "Type": "Hotpatch", "Version": "24H2",
                  "OS build": "26100.7781", "KB article": "KB5077212", "Availability date": "2026-02-10"}]),
     "entry 1: month 'Smarch' of year '2026' is not a month"),
]


@pytest.mark.parametrize(("content", "fragment"), ERRORS)
def test_errors_name_the_file(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "saved.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["calendar", "import", str(path)])
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith(f"pkginspect: error: {path}: "), result.stderr
    assert fragment in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_unknown_shape_lists_the_shapes_read(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('[{"kb": 1}]', encoding="utf-8")
    with pytest.raises(CalendarError) as raised:
        import_files([path])
    for shape in ("Microsoft Graph Windows Updates catalog entries", "Intune windowsQualityUpdateCatalogItems",
                  "Get-LatestOSBuild", "Get-WinHotpatchCalendar"):
        assert shape in str(raised.value) and shape in SHAPES


def test_contradicting_sources_are_refused(tmp_path: Path) -> None:
    other = json.loads(OSBUILD_HOTPATCH.read_text(encoding="utf-8"))
    other[1]["KB article"] = "KB5099999"  # a second, different hotpatch for February 2026
    other[1]["Build"] = "20348.4712"
    path = tmp_path / "other.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(CalendarError, match="a second baseline or hotpatch for windows-server-2022-azure-edition "
                                            "2026-02"):
        import_files([OSBUILD_HOTPATCH, path])


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12)
    | st.sampled_from(["2026-01-13", "26100.7623", "KB5074109", "monthly", "outOfBand", "security", "True"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["releaseDateTime", "qualityUpdateCadence", "qualityUpdateClassification", "catalogName",
                         "productRevisions", "osBuild", "buildNumber", "updateBuildRevision", "knowledgeBaseArticle",
                         "id", "Build", "Availability date", "KB article", "Calendar Year", "Month", "Type",
                         "kbArticleId", "classification", "value", "@odata.type", "product", "version"]),
        inner, max_size=6),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(document=_VALUES)
def test_any_json_imports_or_raises_calendar_error(document: object) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "saved.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            import_files([path])
        except CalendarError as error:
            assert str(error).startswith(f"{path}: ") or str(error).startswith("the import of"), error


def test_release_data_passed_as_a_calendar_file_gets_a_hint() -> None:
    for path in (GRAPH, OSBUILD):
        with pytest.raises(CalendarError, match=r"Microsoft release data\? turn it into a calendar file with: "
                                                r"pkginspect calendar import FILE -o OUT"):
            load_calendar([path], user_dir=False)
