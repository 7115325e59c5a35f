"""Numbers in metadata are ASCII digits of bounded length (issue 17, item 4): never a ValueError, never exit 4."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from fixtures.cabwriter import Folder, Member, build_cabinet
from pkginspect.cli import main
from pkginspect.metadata import PARSERS
from pkginspect.metadata._common import kb_from_text, parse_int, parse_version
from pkginspect.numbers import parse_decimal
from pkginspect.products import build_of_version

WHEN = dt.datetime(2024, 4, 9, 10, 0, 0)
HUGE = "9" * 5000
HOSTILE = [HUGE, "١٢٣", "²", "12\u0663", "+-1", "", " ", "0x10", "1_000", "𝟗𝟗"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_values_are_not_numbers(text: str) -> None:
    assert parse_decimal(text) is None
    assert parse_int(text) is None
    assert parse_version(f"{text}.1") is None
    assert build_of_version(f"{text}.2402.1.12") is None


def test_valid_values() -> None:
    assert parse_decimal(" 42 ") == 42
    assert parse_int("-7") == -7
    assert parse_decimal("-7") is None
    assert parse_decimal("1" * 20) == int("1" * 20)
    assert parse_decimal("1" * 21) is None
    assert parse_version("10.0.20348.2402") == (10, 0, 20348, 2402)
    assert kb_from_text("KB5036909") == 5036909
    assert kb_from_text("KB١٢٣٤٥") is None
    assert kb_from_text("KB" + HUGE) is None


@given(st.text(max_size=40))
def test_parse_decimal_never_raises(text: str) -> None:
    value = parse_decimal(text, signed=True)
    assert value is None or abs(value) < 10**20


def mum(version: str, size: str, kb: str) -> bytes:
    return (
        f'<assembly xmlns="urn:schemas-microsoft-com:asm.v3" manifestVersion="1.0">'
        f'<assemblyIdentity name="Package_for_RollupFix" version="{version}" processorArchitecture="amd64"'
        f' publicKeyToken="31bf3856ad364e35" language="neutral"/>'
        f'<package identifier="{kb}" releaseType="Security Update" restart="required">'
        f'<update name="a"><package integrate="hidden"><assemblyIdentity name="x" version="{version}"'
        f' packageSize="{size}"/></package></update></package></assembly>'
    ).encode()


PROPS = "Windows10.0-KB5000001-x64-pkgProperties.txt"


@pytest.mark.parametrize("value", [HUGE, "١٢٣٤٥", "²", "KB" + HUGE])
def test_a_package_with_hostile_numbers_is_listed_not_a_crash(value: str, tmp_path: Path) -> None:
    files = [
        Member.from_bytes("update.mum", mum(f"{value}.2402.1.12", value, value), WHEN),
        Member.from_bytes(PROPS, f'KB Article Number="{value}"\r\nPackage Type="Update"\r\n'.encode(), WHEN),
    ]
    package = tmp_path / "Windows10.0-KB5000001-x64.cab"
    package.write_bytes(build_cabinet([Folder(files)]))
    for command in (["inspect", "--no-hash"], ["classify"]):
        result = CliRunner().invoke(main, [*command, "--format", "json", str(package)])
        assert result.exit_code in (0, 3), result.output
        json.loads(result.stdout)
    parsed = PARSERS["mum"](mum(value, value, value), "update.mum")
    assert parsed is not None
