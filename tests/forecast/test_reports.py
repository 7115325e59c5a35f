"""Forecast reports: golden files of the fixture fleet in every format, escaping, and the HTML in Chromium.

Rewrite the golden files with ``PKGINSPECT_REGENERATE_GOLDEN=1 python -m pytest tests/forecast``, then review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest

from pkginspect.forecasting import ForecastResult, forecast
from pkginspect.reports.forecast_html import forecast_html
from pkginspect.reports.formats import FORMATS, Format, format_of
from pkginspect.rules import Machine, load_machines
from tests.reports.test_audit_html import chromium, html_document, png_size, run_chromium
from tests.reports.test_golden import REGENERATE

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
NOW = dt.datetime(2026, 1, 15, tzinfo=dt.timezone.utc)
HOSTILE = '<script>alert("x")</script> & =HYPERLINK("http://x")'


@pytest.fixture(scope="module")
def fleet_forecast() -> ForecastResult:
    return forecast(load_machines(ROOT / "fixtures" / "machines" / "fleet.json"), start="2025-07", now=NOW)


@pytest.fixture(scope="module")
def hostile_forecast() -> ForecastResult:
    machine = Machine(name=HOSTILE, product="windows-server-2022", edition="ServerTurbine", build="20348.2908",
                      architecture="amd64", platform="azure", hotpatch_enrolled=False, vbs="running",
                      secure_boot=True, vm_generation=2, reboot_pending=False)
    return forecast([machine, Machine(name="bare")], start="2025-01", now=NOW)


def compare_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    data = actual.encode("utf-8")
    if REGENERATE:
        path.write_bytes(data)
    expected = path.read_bytes()
    if data != expected:
        offset = next((n for n, (e, a) in enumerate(zip(expected, data, strict=False)) if e != a),
                      min(len(expected), len(data)))
        line = expected[:offset].count(b"\n") + 1
        pytest.fail(f"{name} differs from the golden file at byte {offset} (line {line}); set "
                    "PKGINSPECT_REGENERATE_GOLDEN=1 to rewrite it, then review the diff")


@pytest.mark.parametrize("member", FORMATS["forecast"], ids=lambda member: member.name)
def test_golden(fleet_forecast: ForecastResult, member: Format) -> None:
    compare_golden(f"forecast.{member.extension}", member.render(fleet_forecast))


def test_every_format_has_a_formatter() -> None:
    assert all(callable(member.load()) for member in FORMATS["forecast"])
    with pytest.raises(ValueError, match="unknown forecast format 'pdf' \\(choose one of text, json, csv"):
        format_of("forecast", "pdf")


def test_json_holds_the_same_numbers(fleet_forecast: ForecastResult) -> None:
    document = json.loads(format_of("forecast", "json").render(fleet_forecast))
    assert document["start"] == "2025-07" and len(document["months"]) == 12
    assert document["totals"]["machines"] == 36
    assert sum(document["restarts_per_month"].values()) == document["totals"]["restarts"]
    assert sum(m["restarts"] for m in document["machines"]) == document["totals"]["restarts"]
    first = document["machines"][0]
    assert first["name"] == "fleet-001-ws22ae" and first["restart_months"] == ["2025-07", "2025-10", "2026-01",
                                                                                  "2026-04"]


def test_csv_rows_and_formula_cells(hostile_forecast: ForecastResult) -> None:
    rows = list(csv.reader(io.StringIO(format_of("forecast", "csv").render(hostile_forecast))))
    assert rows[0][:3] == ["machine", "month", "product"] and len(rows) == 1 + 2 * 12
    assert all(row[0] in ("bare", HOSTILE) for row in rows[1:])
    bare = [row for row in rows[1:] if row[0] == "bare"]
    assert {row[10] for row in bare} == {"unknown"}


def test_html_escapes_everything(hostile_forecast: ForecastResult) -> None:
    page = forecast_html(hostile_forecast)
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    document = html_document(page)
    assert document.xpath("//svg") or "<svg" in page
    names = [" ".join(th.text_content().split()) for th in document.xpath('//section[@id="machines"]//tbody/tr/th')]
    assert names == [" ".join(HOSTILE.split()), "bare"]


def test_markdown_escapes_names(hostile_forecast: ForecastResult) -> None:
    text = format_of("forecast", "markdown").render(hostile_forecast)
    assert "<script>" not in text and "\\<script\\>" in text


@pytest.mark.slow
def test_html_renders_in_headless_chromium(fleet_forecast: ForecastResult, tmp_path: Path) -> None:
    binary = chromium()
    report = tmp_path / "forecast.html"
    report.write_text(forecast_html(fleet_forecast), encoding="utf-8")
    shot = tmp_path / "shot.png"
    run_chromium(binary, tmp_path, f"--screenshot={shot}", "--window-size=1400,1600", "--hide-scrollbars",
                 report.as_uri())
    data = shot.read_bytes()
    assert png_size(data) == (1400, 1600) and len(data) > 40_000
    dom = run_chromium(binary, tmp_path, "--dump-dom", report.as_uri()).stdout.decode("utf-8")
    document = html_document(dom)
    text = " ".join(document.body.text_content().split())
    totals = fleet_forecast.totals()
    assert f"{totals['restarts']} restarts" in text and "enable VBS on 11 machines" in text
    bars = document.xpath('//section[@id="chart"]//*[local-name()="rect"]')
    assert len(bars) >= 12


def test_json_validates_against_the_shipped_schema(fleet_forecast: ForecastResult, tmp_path: Path) -> None:
    from pkginspect.forecasting import load_assessment
    from tests.reports.test_audit_json import load_schema

    schema = load_schema("forecast.schema.json")
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(format_of("forecast", "json").render(fleet_forecast)))
    fleet = [*load_machines(ROOT / "fixtures" / "machines" / "fleet.json"), Machine(name="bare")]
    data = Path(__file__).parent / "data"
    assessed = forecast(fleet, start="2024-06", months=2, now=NOW,
                        assessments=[load_assessment(str(p)) for p in sorted(data.glob("*.json"))])
    document = json.loads(format_of("forecast", "json").render(assessed))
    validator.validate(document)
    assert document["$schema"] == schema["$id"] and len(document["assessment"]) == 3


def test_html_of_a_large_fleet_lists_the_first_machines(monkeypatch: pytest.MonkeyPatch,
                                                         fleet_forecast: ForecastResult) -> None:
    from pkginspect.reports import forecast_html as module

    monkeypatch.setattr(module, "MAX_MACHINE_ROWS", 10)
    monkeypatch.setattr(module, "MAX_GROUP_NAMES", 2)
    document = html_document(module.forecast_html(fleet_forecast))
    assert len(document.xpath('//section[@id="machines"]//tbody/tr')) == 10
    text = " ".join(document.text_content().split())
    assert "The first 10 of 36 machines; every machine's months are in the CSV and JSON reports." in text
    assert "10: fleet-002-ws22dc, fleet-007-ws22dc and 8 more" in text
