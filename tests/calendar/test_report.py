"""The calendar formatters: golden text and JSON for the bundled data, and JSON valid against its schema."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pkginspect.calendar import Calendar, bundled_calendar, load_calendar
from pkginspect.reports.calendar import SCHEMA_ID, calendar_json, calendar_text

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("PKGINSPECT_REGENERATE_GOLDEN") == "1"


def compare_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        lines = zip(expected.splitlines(), actual.splitlines(), strict=False)
        first = next((n for n, (e, a) in enumerate(lines, 1) if e != a), min(len(expected), len(actual)))
        pytest.fail(f"{name} differs from the golden file from line {first} "
                    "(set PKGINSPECT_REGENERATE_GOLDEN=1 to rewrite it, then review the diff)")


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return bundled_calendar()


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("pkginspect.schemas").joinpath("calendar.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def validate(schema: dict[str, Any], text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


def test_text_golden(calendar: Calendar) -> None:
    compare_golden("calendar.txt", calendar_text(calendar))


def test_json_golden(calendar: Calendar) -> None:
    compare_golden("calendar.json", calendar_json(calendar))


def test_one_product_golden(calendar: Calendar) -> None:
    compare_golden("server2022.txt", calendar_text(calendar, "windows-server-2022-azure-edition"))


def test_text_grid(calendar: Calendar) -> None:
    text = calendar_text(calendar, "windows-server-2022-azure-edition")
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.startswith("  20")}
    assert rows["2024"] == ["B", "H", "H+o", "B", "H", "H+o", "B", "B*", "H", "B", "H", "H"]
    assert rows["2025"] == ["B+o", "H", "H", "B+o", "H+o", "H", "B", "H", "H", "B+o", "H", "H"]
    assert "windows-server-2025" not in text
    server2025 = calendar_text(calendar, "windows-server-2025")
    assert "  2024  ·     ·" in server2025
    assert "KB5070881  update    breaks the chain  [breaks the hotpatch chain]" in server2025
    assert "KB5070893  update    keeps the chain  [(WSUS) keeps it]" in server2025


def test_text_for_a_product_without_data_and_an_unknown_one(calendar: Calendar) -> None:
    assert "windows-11-26h1\n  no releases in the calendar" in calendar_text(calendar, "windows-11-26h1")
    with pytest.raises(ValueError, match="unknown calendar product"):
        calendar_text(calendar, "windows-10")
    with pytest.raises(ValueError, match="unknown calendar product"):
        calendar_json(calendar, "windows-10")


def test_json_is_valid_and_complete(calendar: Calendar, schema: dict[str, Any]) -> None:
    document = validate(schema, calendar_json(calendar))
    assert schema["$id"] == SCHEMA_ID == document["$schema"]
    assert len(document["releases"]) == len(calendar.releases()) == 66
    assert len(document["entries"]) == len(calendar) == 131
    assert document["newest_months"] == dict.fromkeys(calendar.products(), "2026-03")
    late = [e for e in document["entries"] if e["kb"] == 5082314]
    assert [(e["kind"], e["cycle"], e["date"]) for e in late] == [("oob-lcu", "2026-02", "2026-03-02")]
    assert document["planned_baseline_months"] == [1, 4, 7, 10]
    by_kb = {(r["product"], r["kb"]): r for r in document["releases"]}
    may = by_kb[("windows-server-2022-azure-edition", 5037848)]
    assert (may["lcu_kb"], may["lcu_build"], may["baseline_build"]) == (5037782, "20348.2461", "20348.2402")
    assert by_kb[("windows-server-2025", 5046696)]["baseline_build"] is None
    october = by_kb[("windows-server-2025", 5066835)]
    assert [(o["kb"], o["breaks_chain"], o["chain_stated"]) for o in october["out_of_band"]] == [
        (5070773, True, False), (5070881, True, True), (5070893, False, True),
    ]


def test_json_for_user_data_is_valid(tmp_path: Path, schema: dict[str, Any]) -> None:
    path = tmp_path / "25h2.json"
    path.write_text(json.dumps([{
        "product": "windows-11-25h2", "month": "2026-05", "type": "hotpatch", "date": "2026-05-12",
        "build": "26200.8300", "kb": "KB5099002", "note": "OOB hotpatch 2026-05-20 26200.8302 KB5099005",
    }]), encoding="utf-8")
    calendar = load_calendar([path])
    document = validate(schema, calendar_json(calendar, "windows-11-25h2"))
    [release] = [r for r in document["releases"] if r["month"] == "2026-05"]
    assert (release["lcu_kb"], release["confidence"], release["baseline_build"]) == (None, "?", None)
    assert document["sources"][-1] == str(path)
    assert "H+o" in calendar_text(calendar, "windows-11-25h2")


def test_outputs_are_deterministic(calendar: Calendar) -> None:
    again = load_calendar()
    assert calendar_json(again) == calendar_json(calendar)
    assert calendar_text(again) == calendar_text(calendar)
