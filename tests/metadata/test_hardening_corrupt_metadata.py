"""Broken metadata files: one row per error message, pinned through the parsers and through ``pkginspect inspect``.

Through the CLI a package whose metadata cannot be read still prints, then exits 3 with one line per problem on
stderr: ``pkginspect: error: <package>!<member>: <message>``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.cabwriter import Folder, Member, build_cabinet
from pkginspect.cli import main
from pkginspect.errors import MetadataError
from pkginspect.metadata import PARSERS

WHEN = dt.datetime(2024, 4, 9, 10, 0, 0)
MUM = "update.mum"
PROPS = "Windows10.0-KB5000001-x64-pkgProperties.txt"
UNATTEND = "Windows10.0-KB5000001-x64.xml"
COMPDB = "LCUCompDB_KB5000001.xml"

#: id → (parser kind, member name inside a package, bytes, message after "<source>: ")
ROWS: dict[str, tuple[str, str, bytes, str]] = {
    "empty": ("mum", MUM, b"", "invalid XML: empty document"),
    "whitespace only": ("mum", MUM, b" \r\n\t ", "invalid XML: empty document"),
    "BOM only": ("mum", MUM, b"\xef\xbb\xbf", "invalid XML: empty document"),
    "bad UTF-8": ("mum", MUM, b"<assembly>\xff</assembly>",
                  "invalid XML: not valid UTF-8 text (byte 0xff at offset 10)"),
    "bad UTF-8 after BOM": ("mum", MUM, b"\xef\xbb\xbf<a>\xc3\x28</a>",
                            "invalid XML: not valid UTF-8 text (byte 0xc3 at offset 3)"),
    "unknown encoding": ("mum", MUM, b"<?xml version='1.0' encoding='klingon'?><a/>",
                         "invalid XML: unsupported encoding 'klingon'"),
    "not a text encoding": ("mum", MUM, b"<?xml version='1.0' encoding='rot13'?><a/>",
                            "invalid XML: unsupported encoding 'rot13'"),
    "ASCII with a high byte": ("mum", MUM, b"<?xml version='1.0' encoding='us-ascii'?><a>\xe9</a>",
                               "invalid XML: not valid ASCII text (byte 0xe9 at offset 44)"),
    "UTF-16 odd length": ("mum", MUM, b"\xff\xfe<\x00a\x00/\x00>",
                          "invalid XML: not valid UTF-16 text (byte 0x3e at offset 8)"),
    "UTF-16 lone surrogate": ("mum", MUM, b"\xff\xfe<\x00a\x00>\x00\x00\xdc</\x00a\x00>\x00",
                              "invalid XML: not valid UTF-16 text (byte 0x00 at offset 8)"),
    "UTF-16LE without BOM, odd": ("mum", MUM, b"<\x00a\x00/\x00>",
                                  "invalid XML: not valid UTF-16-LE text (byte 0x3e at offset 6)"),
    "DOCTYPE": ("mum", MUM, b"<!DOCTYPE a><a/>",
                "invalid XML: DOCTYPE/ENTITY declarations are refused (entity expansion and XXE protection)"),
    "ENTITY": ("mum", MUM, b"<a><!ENTITY x 'y'></a>",
               "invalid XML: DOCTYPE/ENTITY declarations are refused (entity expansion and XXE protection)"),
    "tag mismatch": ("mum", MUM, b"<assembly><package></assembly>",
                     "invalid XML: Opening and ending tag mismatch: package line 1 and assembly, line 1, column 31"),
    "NUL character": ("mum", MUM, b"<assembly>\x00</assembly>",
                      "invalid XML: Invalid character: Char 0x0 out of allowed range, line 1, column 11"),
    "unclosed": ("mum", MUM, b"<assembly>",
                 "invalid XML: Premature end of data in tag assembly line 1, line 1, column 11"),
    "mum: wrong root": ("mum", MUM, b"<package/>", "not a package manifest: root element is <package>, not <assembly>"),
    "mum: no identity": ("mum", MUM, b"<assembly><package/></assembly>",
                         "not a package manifest: no <assemblyIdentity> element"),
    "mum: no package": ("mum", MUM, b"<assembly><assemblyIdentity name='x'/></assembly>",
                        "not a package manifest: no <package> element"),
    "manifest: wrong root": ("manifest", "x.manifest", b"<component/>",
                             "not a component manifest: root element is <component>, not <assembly>"),
    "compdb: wrong root": ("compdb", COMPDB, b"<Features/>",
                           "not a CompDB: root element is <Features> and holds no <CompDB>"),
    "express index: wrong root": ("express-index", "express.psf.cix.xml", b"<Files/>",
                                  "not an express index: root element is <Files>, not <Container>"),
    "unattend: wrong root": ("unattend", UNATTEND, b"<settings/>",
                             "not an unattend file: root element is <settings>, not <unattend>"),
    "package.xml: wrong root": ("wsus-package", "package.xml", b"<Updates/>",
                                "not a WSUS package.xml: root element is <Updates>, not <OfflineSyncPackage>"),
    "extended: no element": ("wsus-extended", "extended/1", b"<Other/>",
                             "not a WSUS extended-properties file: no <ExtendedProperties> element"),
    "localized: no element": ("wsus-localized", "localized/en/1", b"<Other/>",
                              "not a WSUS localized-properties file: no <LocalizedProperties> element"),
    "core: no element": ("wsus-core", "core/1", b"<Other/>",
                         "not a WSUS core file: no <UpdateIdentity>, <Properties> or <ApplicabilityRules>"),
    "pkgProperties: not key=value": ("pkgprops", PROPS, b"ApplicabilityInfo\r\n",
                                     "line 1: expected Key=\"Value\", got 'ApplicabilityInfo'"),
    "pkgProperties: duplicate key": ("pkgprops", PROPS, b'A="1"\r\nA="2"\r\n',
                                     "line 2: duplicate key 'A' (first on line 1)"),
    "pkgProperties: empty": ("pkgprops", PROPS, b"", 'empty pkgProperties file: no Key="Value" lines'),
    "pkgProperties: bad UTF-16": ("pkgprops", PROPS, b"\xff\xfeA\x00=\x00\x00\xdc",
                                  "not valid UTF-16LE text (byte 0x00 at offset 4)"),
    "pkgProperties: UTF-16 without BOM": ("pkgprops", PROPS, b'A\x00="1"',
                                          "unexpected NUL character (UTF-16 text without a byte-order mark?)"),
    "pkgProperties: bad UTF-8": ("pkgprops", PROPS, b'A="\xff"', "not valid UTF-8 text (byte 0xff at offset 3)"),
}
#: Members ``inspect`` reads from the top of a package (the others need WSUSSCAN or component options).
INSPECTED = {MUM, PROPS, UNATTEND, COMPDB}


@pytest.mark.parametrize("row", sorted(ROWS), ids=lambda name: name.replace(" ", "-"))
def test_parser_message(row: str) -> None:
    kind, name, data, message = ROWS[row]
    source = f"pkg.msu!{name}"
    with pytest.raises(MetadataError) as caught:
        PARSERS[kind](data, source)
    assert str(caught.value) == f"{source}: {message}"


@pytest.mark.parametrize("row", sorted(r for r in ROWS if ROWS[r][1] in INSPECTED), ids=lambda n: n.replace(" ", "-"))
def test_cli_inspect_one_line_per_problem(row: str, tmp_path: Path) -> None:
    _kind, name, data, message = ROWS[row]
    package = tmp_path / "Windows10.0-KB5000001-x64.cab"
    package.write_bytes(build_cabinet([Folder([Member.from_bytes(name, data, WHEN)])]))
    result = CliRunner().invoke(main, ["inspect", str(package), "--no-hash"])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert result.stderr == f"pkginspect: error: {package}!{name}: {message}\n"
    assert "KB5000001" in result.stdout  # the rest of the package still printed (from its file name)


def test_declared_utf16_that_is_really_8_bit_is_read() -> None:
    """A .NET habit: ``encoding="utf-16"`` on an ASCII file. Not an error."""
    data = b"<?xml version='1.0' encoding='utf-16'?><unattend xmlns='urn:schemas-microsoft-com:unattend'/>"
    assert PARSERS["unattend"](data, "x.xml").source == "x.xml"


def test_hostile_xml_fixtures_through_the_cli() -> None:
    broken = Path(__file__).resolve().parent.parent.parent / "fixtures" / "packages" / "broken"
    for name in ("xxe-package.cab", "billion-laughs-package.cab"):
        result = CliRunner().invoke(main, ["inspect", str(broken / name), "--no-hash"])
        assert result.exit_code == 3
        assert result.stderr == (
            f"pkginspect: error: {broken / name}!update.mum: invalid XML: DOCTYPE/ENTITY declarations are refused "
            "(entity expansion and XXE protection)\n"
        )
        assert "root:" not in result.output
