"""The issue's acceptance cases on packages of 2026 releases: a user calendar with Microsoft's real 2026 rows,
the 2026 product model (Server 2025 vs Windows 11 by UBR range and title), applicability from every parent, and
the staleness warning in every output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pkginspect import products
from pkginspect.calendar import BUNDLED_NAME, load_calendar
from pkginspect.classification import classify, classify_batch
from pkginspect.cli import main
from pkginspect.package import UpdatePackage, inspect
from pkginspect.rules.decide import evaluate
from pkginspect.rules.facts import load_machines
from tests.calendar.made import make_package

MY2026 = Path(__file__).parent / "data" / "my2026.csv"
SERVER_TITLE = ("{month} Cumulative Update for Microsoft server operating system version 24H2 for x64-based Systems "
                "({kb})")
CLIENT_TITLE = "{month} Cumulative Update for Windows 11 Version 24H2 for x64-based Systems ({kb})"
WS2025_BASELINE = "ws2025-2025-10-baseline-KB5066835.json"
WS2025_HOTPATCH = "ws2025-2025-11-hotpatch-KB5068966.json"
WS2022_LCU = "ws2022-2024-05-lcu-KB5037782.json"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Packages of real 2026 releases, and of two May 2026 releases the calendar does not know yet."""
    folder = tmp_path_factory.mktemp("packages2026")
    known = folder / "known"
    newer = folder / "newer"
    found = {
        "baseline": make_package(WS2025_BASELINE, known, kb="KB5073379", build="26100.32230", date="2026-01-13"),
        "hotpatch": make_package(WS2025_HOTPATCH, known, kb="KB5075942", build="26100.32313", date="2026-02-10"),
        "oob": make_package(WS2022_LCU, known, kb="KB5082314", build="20348.4776", date="2026-03-02"),
        "server-may": make_package(WS2025_BASELINE, newer, kb="KB5099301", build="26100.32700", date="2026-05-12",
                                   title=SERVER_TITLE.format(month="2026-05", kb="KB5099301")),
        "client-may": make_package(WS2025_BASELINE, newer, kb="KB5099302", build="26100.8300", date="2026-05-12",
                                   title=CLIENT_TITLE.format(month="2026-05", kb="KB5099302")),
    }
    return found


@pytest.fixture(scope="module")
def inspected(made: dict[str, Path]) -> dict[str, UpdatePackage]:
    return {name: inspect(path, sha256=False) for name, path in made.items()}


def machine_file(folder: Path, name: str, **facts: object) -> Path:
    base: dict[str, object] = {
        "name": name, "product": "windows-server-2025", "edition": "ServerDatacenter", "build": "26100.32230",
        "architecture": "amd64", "installation": "core", "hotpatch_enrolled": True, "vbs": "running",
        "secure_boot": True, "vm_generation": 2, "chpe_disabled": False, "reboot_pending": False, "platform": "arc",
    }
    base.update(facts)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(base), encoding="utf-8")
    return path


# --- a user calendar file with Microsoft's real 2026 rows (both irregular ones included) -------------------------

EXPECTED = {"baseline": "baseline-planned", "hotpatch": "hotpatch", "oob": "lcu"}


def test_library_classify_with_only_the_users_2026_file(inspected: dict[str, UpdatePackage]) -> None:
    calendar = load_calendar([MY2026], bundled=False, user_dir=False)
    for name, kind in EXPECTED.items():
        result = classify(inspected[name], calendar)
        assert (result.kind, result.confidence, result.rule) == (kind, "high", "calendar"), name
        assert result.conflicts == () and result.stale is None, name
        assert any(str(MY2026) in e.source for e in result.evidence if e.signal == "calendar")
    oob = classify(inspected["oob"], calendar)
    assert (oob.product, oob.month) == ("windows-server-2022-azure-edition", "2026-02")  # dated 2026-03-02


def test_cli_classify_with_the_users_2026_file(made: dict[str, Path]) -> None:
    paths = [str(made[name]) for name in EXPECTED]
    result = CliRunner().invoke(main, ["classify", *paths, "--calendar", str(MY2026), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = {Path(c["package"]).name: (c["kind"], c["confidence"], c["stale"])
             for c in json.loads(result.stdout)["classifications"]}
    assert found == {made[name].name: (kind, "high", None) for name, kind in EXPECTED.items()}


def test_cli_check_and_audit_with_the_users_2026_file(made: dict[str, Path], tmp_path: Path) -> None:
    on_chain = machine_file(tmp_path, "ws25-jan")
    off_chain = machine_file(tmp_path, "ws25-oob", build="26100.32234")  # took January's out-of-band update
    runner = CliRunner()
    check = runner.invoke(main, ["check", str(made["hotpatch"]), "--machine", str(on_chain), "--machine",
                                 str(off_chain), "--calendar", str(MY2026), "--explain"])
    assert check.exit_code == 0, check.output
    lines = [line.split() for line in check.stdout.splitlines() if line.startswith("ws25-")]
    assert [(row[0], row[3], row[4]) for row in lines] == [("ws25-jan", "hotpatch", "no-reboot"),
                                                           ("ws25-oob", "hotpatch", "reboot-required")]
    assert "warnings" not in check.stdout
    audit = runner.invoke(main, ["audit", *(str(made[n]) for n in EXPECTED), "--fleet", str(on_chain),
                                 "--calendar", str(MY2026), "--format", "json"])
    assert audit.exit_code == 0, audit.output
    document = json.loads(audit.stdout)
    kinds = {Path(p["path"]).name: (p["classified"]["kind"], p["classified"]["confidence"])
             for p in document["packages"]}
    assert kinds == {made[name].name: (kind, "high") for name, kind in EXPECTED.items()}


# --- the 2026 product model --------------------------------------------------------------------------------------

def test_products_by_ubr_range_and_title() -> None:
    assert products.by_ubr(26100, 32230) == ("windows-server-2025",)
    assert products.by_ubr(26100, 7623) == ("windows-11",)
    assert products.by_ubr(26100, 7462) == ("windows-11", "windows-server-2025")  # 2025: one file for both
    assert products.by_ubr(26200, 7623) == ("windows-11",) and products.by_ubr(28000, 1) == ("windows-11",)
    assert products.release_name(28000) == "26H1" and products.release_name(26300) == "26H2"
    server = "2026-01 Cumulative Update for Microsoft server operating system version 24H2 (KB5073379)"
    client = "2026-01 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB5074109)"
    assert products.title_side(server) == "server" and products.title_side(client) == "client"
    assert products.title_side("Hotfix for Windows (KB2465285)") is None
    assert products.package_products([(26100, None)], server) == ("windows-server-2025",)
    assert products.package_products([(26100, 7092)], server) == ("windows-11", "windows-server-2025")
    assert products.by_title_first(("windows-11", "windows-server-2025"), server)[0] == "windows-server-2025"
    assert products.title_contradicts(("windows-11",), server)
    assert not products.title_contradicts(("windows-11", "windows-server-2025"), server)


def test_a_server_range_package_is_server_2025_and_a_client_range_one_windows_11(
    inspected: dict[str, UpdatePackage],
) -> None:
    server, client = classify(inspected["server-may"]), classify(inspected["client-may"])
    assert (server.product, server.build) == ("windows-server-2025", "26100.32700")
    assert (client.product, client.build) == ("windows-11-24h2", "26100.8300")
    assert classify(inspected["baseline"]).product == "windows-server-2025"


def test_not_applicable_product_follows_the_ubr_range(inspected: dict[str, UpdatePackage], tmp_path: Path) -> None:
    [server] = load_machines(machine_file(tmp_path, "ws25", build="26100.32463"))
    [client] = load_machines(machine_file(tmp_path, "w11", product="windows-11", edition="Enterprise",
                                          build="26100.7979", platform="other"))
    refused = evaluate(inspected["server-may"], client)
    assert (refused.verdict, refused.reasons[0].rule) == ("not-applicable", "not-applicable.product")
    assert "windows-server-2025" in refused.reasons[0].message
    refused = evaluate(inspected["client-may"], server)
    assert (refused.verdict, refused.reasons[0].rule) == ("not-applicable", "not-applicable.product")
    assert evaluate(inspected["server-may"], server).verdict != "not-applicable"
    assert evaluate(inspected["client-may"], client).verdict != "not-applicable"


def test_a_2025_package_still_serves_both() -> None:
    fixtures = Path(__file__).parents[2] / "fixtures" / "packages"
    package = inspect(fixtures / "Windows11.0-KB5068966-x64.msu", sha256=False)
    assert classify(package).product == "windows-server-2025"  # the calendar names it for both; title first
    from pkginspect.classification import package_families
    assert package_families(package) == ("windows-11", "windows-server-2025")


# --- applicability from every parent -------------------------------------------------------------------------------

@pytest.mark.parametrize(("product", "build", "applicable"), [
    ("windows-server-2008-r2", "7601.24544", True),  # SP1: the second parent
    ("windows-server-2008-r2", "7600.16385", True),  # RTM: the first parent
    ("windows-7", "7601.24544", True),
    ("windows-server-2012", "9200.24000", False),
])
def test_kb2465285_applies_to_every_parent(real_samples: Path, tmp_path: Path, product: str, build: str,
                                           applicable: bool) -> None:
    package = inspect(real_samples / "KB2465285-x64.msu", sha256=False)
    [machine] = load_machines(machine_file(tmp_path, "old", product=product, build=build, edition="ServerStandard",
                                           hotpatch_enrolled=False, platform="other", installation="desktop"))
    decision = evaluate(package, machine)
    assert (decision.verdict != "not-applicable") is applicable, decision
    if not applicable:
        assert decision.reasons[0].rule == "not-applicable.product"


def test_kb2465285_builds_come_from_both_parents_and_the_sp1_sub_package(real_samples: Path) -> None:
    from pkginspect.classification import package_builds

    package = inspect(real_samples / "KB2465285-x64.msu", sha256=False)
    primary = package.primary
    assert primary is not None
    assert primary.manifest.parent_versions == ("6.1.7600.16385", "6.1.7601.17514")
    [sp1] = [s for s in primary.sub_packages if s.name == "Package_for_KB2465285_SP1"]
    assert sp1.parents == ("6.1.7601.17514",)
    assert package_builds(package) == ((7600, None), (7601, None))


# --- staleness is said in every output ----------------------------------------------------------------------------

STALE = "the release calendar knows only up to 2026-03 of windows-server-2025, and this package is from 2026-05"


def test_staleness_in_the_classification(inspected: dict[str, UpdatePackage]) -> None:
    result = classify(inspected["server-may"])
    assert result.stale is not None and result.stale.startswith(STALE)
    assert "pkginspect calendar import FILE… -o " in result.stale
    assert classify(inspected["hotpatch"]).stale is None  # the calendar knows it
    [client] = classify_batch([inspected["client-may"]])
    assert client.stale is not None and "of windows-11-24h2" in client.stale
    newer = load_calendar([MY2026])
    assert classify(inspected["baseline"], newer).stale is None


def test_staleness_in_classify_and_check_outputs(made: dict[str, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["classify", str(made["server-may"])])
    assert text.exit_code == 0 and f"  warning: {STALE}" in text.stdout
    as_json = json.loads(runner.invoke(main, ["classify", str(made["server-may"]), "--format", "json"]).stdout)
    assert as_json["classifications"][0]["stale"].startswith(STALE)
    machine = machine_file(tmp_path, "ws25", build="26100.32463")
    check = runner.invoke(main, ["check", str(made["server-may"]), "--machine", str(machine)])
    assert check.exit_code == 0 and "\nwarnings\n" in check.stdout and STALE in check.stdout
    check_json = json.loads(runner.invoke(main, ["check", str(made["server-may"]), "--machine", str(machine),
                                                 "--format", "json"]).stdout)
    [warning] = check_json["warnings"]
    assert warning.startswith(f"{made['server-may'].name}: {STALE}")


@pytest.mark.parametrize("output_format", ["json", "csv", "markdown", "html", "junit"])
def test_staleness_in_every_audit_format(made: dict[str, Path], tmp_path: Path, output_format: str) -> None:
    machine = machine_file(tmp_path, "ws25", build="26100.32463")
    result = CliRunner().invoke(main, ["audit", str(made["server-may"]), str(made["hotpatch"]), "--fleet",
                                       str(machine), "--format", output_format])
    assert result.exit_code == 0, result.output
    assert STALE in result.stdout.replace("&#x27;", "'")
    if output_format == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {row["package"]: bool(row["warning"]) for row in rows} == {made["server-may"].name: True,
                                                                          made["hotpatch"].name: False}


def test_no_warning_when_the_calendar_is_current(made: dict[str, Path]) -> None:
    result = CliRunner().invoke(main, ["classify", str(made["hotpatch"]), str(made["baseline"])])
    assert result.exit_code == 0 and "warning" not in result.stdout
    assert BUNDLED_NAME in result.stdout
