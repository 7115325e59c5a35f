"""Classification of the fixtures, the real samples, user calendar months, weak evidence and conflicts."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from pkginspect.calendar import bundled_calendar, load_calendar
from pkginspect.classification import classify, classify_batch
from pkginspect.cli import main
from pkginspect.package import Fact, UpdatePackage, inspect

REPO = Path(__file__).parents[2]
FIXTURES = REPO / "fixtures" / "packages"
INDEX = json.loads((FIXTURES / "index.json").read_text())
SCHEMA = json.loads((REPO / "pkginspect/schemas/classify.schema.json").read_text())


@pytest.fixture(scope="module")
def packages() -> dict[str, UpdatePackage]:
    return {entry["file"]: inspect(FIXTURES / entry["file"], sha256=False) for entry in INDEX}


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_each_fixture_classifies_as_its_spec_says(packages: dict[str, UpdatePackage], entry: dict[str, str]) -> None:
    result = classify(packages[entry["file"]])
    assert result.kind == entry["expected_kind"]
    assert result.confidence in ("high", "medium")
    assert result.conflicts == ()


def test_batch_agrees_with_specs(packages: dict[str, UpdatePackage]) -> None:
    results = classify_batch(list(packages.values()))
    assert [r.kind for r in results] == [e["expected_kind"] for e in INDEX]


def test_hotpatch_names_its_baseline(packages: dict[str, UpdatePackage]) -> None:
    result = classify(packages["Windows10.0-KB5037848-x64.msu"])
    assert (result.product, result.month, result.baseline) == ("windows-server-2022-azure-edition", "2024-05",
                                                              "20348.2402")
    assert {e.signal for e in result.evidence} >= {"calendar", "hotpatch-marker", "identity", "release-month"}


def test_real_samples_are_other_with_release_type(real_samples: Path) -> None:
    for path in sorted(real_samples.glob("*.[mc][sa][ub]")):
        result = classify(inspect(path, sha256=False))
        assert result.kind == "other", path
        assert any(e.signal == "release-type" for e in result.evidence)


def renamed(package: UpdatePackage, kb: int, title: str, build: str) -> UpdatePackage:
    """The same package as if it were another month's release (new KB, title and build)."""
    source = package.title.source if package.title else "title"
    return dataclasses.replace(
        package, kb=Fact(kb, "test"), title=Fact(title, source), build=Fact(build, "test"),
        hotpatch_markers=tuple(m for m in package.hotpatch_markers if "title" not in m.value),
    )


USER_CALENDAR = """product,month,type,date,build,kb,lcu_build,lcu_kb,confidence,note
windows-server-2022-azure-edition,2026-01,baseline-planned,2026-01-13,20348.4650,KB5090001,20348.4650,KB5090001,P,
windows-server-2022-azure-edition,2026-02,baseline-unplanned,2026-02-10,20348.4710,KB5090002,20348.4710,KB5090002,P,
"""


def test_user_calendar_months_classify(packages: dict[str, UpdatePackage], tmp_path: Path) -> None:
    lcu = packages["Windows10.0-KB5037782-x64.msu"]
    january = renamed(lcu, 5090001, "2026-01 Cumulative Update for Microsoft server operating system (KB5090001)",
                      "20348.4650")
    february = renamed(lcu, 5090002, "2026-02 Cumulative Update for Microsoft server operating system (KB5090002)",
                       "20348.4710")
    # Without the user's calendar: month-rule guesses, low confidence, and February is wrongly 'lcu'.
    assert (classify(january).kind, classify(january).confidence) == ("baseline-planned", "low")
    assert (classify(february).kind, classify(february).confidence) == ("lcu", "low")
    user = tmp_path / "next.csv"
    user.write_text(USER_CALENDAR)
    calendar = load_calendar([user])
    assert (classify(january, calendar).kind, classify(january, calendar).rule) == ("baseline-planned", "calendar")
    result = classify(february, calendar)
    assert (result.kind, result.confidence, result.rule) == ("baseline-unplanned", "high", "calendar")
    assert any("next.csv" in e.source for e in result.evidence)


def test_no_calendar_no_markers_no_month_is_unknown(packages: dict[str, UpdatePackage]) -> None:
    bare = dataclasses.replace(renamed(packages["Windows10.0-KB5037782-x64.msu"], 5099999, "Update", "20348.9999"),
                               creation_date=None, title=None)
    result = classify(bare)
    assert (result.kind, result.confidence) == ("unknown", "none")
    assert result.conflicts


def test_markers_without_calendar_are_medium_or_better(packages: dict[str, UpdatePackage]) -> None:
    hotpatch = packages["Windows10.0-KB5037848-x64.msu"]
    unknown_month = renamed(hotpatch, 5099998, "2026-05 Security Hotpatch Update (KB5099998)", "20348.4800")
    result = classify(unknown_month)
    assert (result.kind, result.rule) == ("hotpatch", "package-markers")


def test_disagreement_is_reported(packages: dict[str, UpdatePackage]) -> None:
    lcu = packages["Windows10.0-KB5037782-x64.msu"]
    marked = dataclasses.replace(lcu, hotpatch_markers=(Fact("hotpatch package cabinet", "x-Hotpatch-x64.cab"),))
    result = classify(marked)
    assert result.kind == "lcu" and result.rule == "calendar"
    assert any("hotpatch markers" in c for c in result.conflicts)


def test_batch_hotpatch_makes_the_cumulative_update_regular(packages: dict[str, UpdatePackage]) -> None:
    hotpatch = renamed(packages["Windows10.0-KB5037848-x64.msu"], 5099001,
                       "2026-05 Security Hotpatch Update (KB5099001)", "20348.4800")
    cumulative = renamed(packages["Windows10.0-KB5037782-x64.msu"], 5099002,
                         "2026-05 Cumulative Update (KB5099002)", "20348.4805")
    alone = classify(cumulative)
    together = classify_batch([hotpatch, cumulative], bundled_calendar())[1]
    assert (alone.kind, alone.rule) == ("lcu", "month-rule")
    assert (together.kind, together.confidence, together.rule) == ("lcu", "medium", "batch")


def test_cli_classify_json_and_text(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["classify", str(FIXTURES), "--format", "json"])
    assert result.exit_code == 0  # packages/broken/ is a subdirectory: not entered
    document = json.loads(result.stdout)
    assert not document["errors"]
    broken = CliRunner().invoke(main, ["classify", str(FIXTURES), str(FIXTURES / "broken"), "--format", "json"])
    assert broken.exit_code == 3 and json.loads(broken.stdout)["errors"]  # named, it is read and reported
    jsonschema.validate(document, SCHEMA)
    kinds = {Path(c["package"]).name: c["kind"] for c in document["classifications"]}
    for entry in INDEX:
        assert kinds[entry["file"]] == entry["expected_kind"]
    text = CliRunner().invoke(main, ["classify", str(FIXTURES / "Windows10.0-KB5041160-x64.msu"), "--no-evidence"])
    assert text.exit_code == 0
    assert text.output.startswith("Windows10.0-KB5041160-x64.msu  KB5041160  baseline-unplanned  (high confidence")


def test_cli_bad_calendar_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("product,month\nwindows-server-2019,2026-13\n")
    result = CliRunner().invoke(main, ["classify", str(FIXTURES / "Windows10.0-KB5041160-x64.msu"),
                                       "--calendar", str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"pkginspect: error: {bad}")


def test_cli_calendar_grid() -> None:
    result = CliRunner().invoke(main, ["calendar", "--product", "windows-server-2022-azure-edition"])
    assert result.exit_code == 0
    assert "  2024  B     H     H+o   B     H     H+o   B     B*    H     B     H     H" in result.output
    assert CliRunner().invoke(main, ["calendar", "--product", "nope"]).exit_code == 2
