"""The HTML report: one self-contained, escaped page; and in headless Chromium it renders and reads right."""

from __future__ import annotations

import configparser
import html
import os
import shutil
import struct
import subprocess
from pathlib import Path

import lxml.html
import pytest

from pkginspect.batch import AuditResult
from pkginspect.reports.audit_html import audit_html, audit_html_chunks
from pkginspect.reports.templates import ENVIRONMENT
from tests.reports.conftest import HOSTILE, ROOT

DOCS_SCREENSHOT = ROOT / "docs" / "audit-report.png"
REGENERATE = os.environ.get("PKGINSPECT_REGENERATE_GOLDEN") == "1"


def html_document(text: str) -> lxml.html.HtmlElement:
    # lxml.html parses to HtmlElement (text_content, body); lxml-stubs declare the plain etree _Element.
    return lxml.html.document_fromstring(text)


def page(result: AuditResult) -> lxml.html.HtmlElement:
    return html_document(audit_html(result))


def test_self_contained(fixture_audit: AuditResult) -> None:
    text = audit_html(fixture_audit)
    document = html_document(text)
    assert not document.xpath("//script | //link | //img | //iframe | //object | //embed | //base")
    assert not document.xpath("//@src | //@href | //@srcset | //@action")
    style = "".join(document.xpath("//style/text()"))
    assert "url(" not in style and "@import" not in style and "@media print" in style
    assert text.startswith("<!DOCTYPE html>\n") and '<meta charset="utf-8">' in text


def test_totals_matrix_and_reasons(fixture_audit: AuditResult) -> None:
    document = page(fixture_audit)
    totals = [" ".join(li.text_content().split()) for li in document.xpath('//section[@id="totals"]//li')]
    assert totals == ["34 reboot required", "14 reboot possible", "0 unknown", "7 no reboot", "305 not applicable"]
    rows = document.xpath('//table[@class="matrix"]/tbody/tr')
    assert len(rows) == 36
    cells = document.xpath('//table[@class="matrix"]/tbody/tr/td[details]')
    assert len(cells) == 360
    assert sum(1 for c in cells if c.get("class") == "v-reboot-required") == 34
    for cell in cells:  # colour and a word, always
        assert cell.get("class", "").startswith("v-") and cell.xpath("string(details/summary)").strip()
    row = rows[1]
    assert row.xpath("string(th)").startswith("fleet-002-ws22dc")
    assert [c.xpath("string(details/summary)") for c in row.xpath("td[details]")][:6] == [
        "may restart", "n/a", "n/a", "restart", "restart", "restart"]
    why = " ".join(row.xpath("string(td[6]/details/div)").split())
    assert ("kind.cumulative (reboot-required) This unplanned hotpatch baseline (an out-of-band cumulative update) "
            "always restarts") in why
    assert document.xpath('string(//table[@class="matrix"]/tfoot/tr/td[last()])') == "34"


def test_sections_chart_and_calendars(fixture_audit: AuditResult) -> None:
    document = page(fixture_audit)
    assert [" ".join(h.text_content().split()) for h in document.xpath("//h2")] == [
        "Totals per verdict", "Machines × packages", "Machines that will restart (22)",
        "Machines that may restart (14)", "Unknown verdicts (0)", "Errors (0)",
        "Expected restarts per machine and month", "Packages (10)", "Hotpatch calendars"]
    svg = document.xpath('//section[@id="chart"]//svg')[0]
    names = [t.text for t in svg.xpath(".//*[local-name()='text']") if (t.text or "").startswith("fleet-")]
    assert len(names) == 22 and names[0] == "fleet-001-ws22ae"
    months = [t.text for t in svg.xpath(".//*[local-name()='text'][@font-weight='600']")]
    assert months == ["2024-04", "2024-05", "2024-08", "2024-09", "2025-10", "2025-11", "total"]
    assert [h.text for h in document.xpath('//section[@id="calendars"]//h3')] == [
        "windows-server-2022-azure-edition", "windows-server-2025", "windows-11-24h2"]
    audited = document.xpath('//table[contains(@class, "calendar")]//td[contains(@class, "audited")]')
    assert " ".join(audited[0].text_content().split()) == "B KB5036620 KB5036899 KB5036909"


def test_escapes_everything(rough_audit: AuditResult) -> None:
    text = audit_html(rough_audit)
    document = html_document(text)
    assert not document.xpath("//script")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; =HYPERLINK(&quot;http://x&quot;)" in text
    assert HOSTILE in document.text_content()
    errors = document.xpath('string(//section[@id="errors"])')
    assert "truncated cabinet header: 20 of 36 bytes present" in errors
    unknown = " ".join(document.xpath('string(//section[@id="unknown"])').split())
    assert "Unknown verdicts (4)" in unknown and "architecture, product, build_number" in unknown


def test_streamed_as_the_template_renders(fixture_audit: AuditResult) -> None:
    chunks = list(audit_html_chunks(fixture_audit))
    assert len(chunks) > 100 and "".join(chunks) == audit_html(fixture_audit)


def test_templates_escape_as_html_escape_does() -> None:
    template = ENVIRONMENT.from_string("{% macro bold(v) %}<b>{{ v }}</b>{% endmacro %}{{ v }} {{ bold(v) }}")
    escaped = html.escape(HOSTILE + "'")
    assert template.render(v=HOSTILE + "'") == f"{escaped} <b>{escaped}</b>"


def test_templates_are_package_data() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    patterns = [p.strip() for p in config["options.package_data"]["pkginspect"].split(",")]
    package = ROOT / "pkginspect"
    templates = [p for p in (package / "reports" / "templates").iterdir() if p.suffix != ".py" and p.is_file()]
    assert templates and all(any(t.relative_to(package).match(p) for p in patterns) for t in templates)


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary on PATH (Debian: apt-get install chromium)")


def run_chromium(binary: str, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / "profile"
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", *arguments]
    return subprocess.run(command, capture_output=True, timeout=180, check=True, cwd=tmp_path)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.slow
def test_renders_in_headless_chromium(fixture_audit: AuditResult, tmp_path: Path) -> None:
    binary = chromium()
    report = tmp_path / "audit.html"
    report.write_text(audit_html(fixture_audit), encoding="utf-8")
    shot = tmp_path / "shot.png"
    run_chromium(binary, tmp_path, f"--screenshot={shot}", "--window-size=1400,2000", "--hide-scrollbars",
                 report.as_uri())
    data = shot.read_bytes()
    assert png_size(data) == (1400, 2000)
    assert len(data) > 50_000  # a blank page is a few kilobytes
    if REGENERATE:
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        DOCS_SCREENSHOT.write_bytes(data)
    dom = run_chromium(binary, tmp_path, "--dump-dom", report.as_uri()).stdout.decode("utf-8")
    text = " ".join(html_document(dom).body.text_content().split())
    assert "34 reboot required 14 reboot possible 0 unknown 7 no reboot 305 not applicable" in text
    assert "fleet-001-ws22ae" in text and "22 of 36 machines need at least one restart." in text


def test_docs_screenshot_is_there() -> None:
    assert png_size(DOCS_SCREENSHOT.read_bytes()) == (1400, 2000)
