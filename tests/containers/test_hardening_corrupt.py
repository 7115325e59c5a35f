"""Corrupt packages: one row per error message, pinned through the library and through the command line.

Each row builds a damaged file, names what to do with it (list, read members, extract) and the exact message
that must follow the file's path. The CLI must answer the same input with exit code 3 and exactly one line
on stderr, ``pkginspect: error: <file>…``, never a traceback.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures.cabwriter import CFDATA, CFFILE, CFFOLDER, CFHEADER, build_cabinet
from pkginspect.cli import main
from pkginspect.containers import extract, open_package
from pkginspect.errors import PkgInspectError
from tests.containers.conftest import folder

REPO = Path(__file__).resolve().parent.parent.parent
BROKEN = REPO / "fixtures" / "packages" / "broken"
WIM_PACKAGE = REPO / "fixtures" / "packages" / "Windows11.0-KB5066835-x64.msu"
TEXT = b"<assembly xmlns='urn:schemas-microsoft-com:asm.v3'/>\r\n" * 1000
FILES_OFFSET = 16  # CFHEADER.coffFiles
FOLDER = CFHEADER.size  # the first CFFOLDER of a cabinet without reserves


def base(compression: str = "mszip", files: list[tuple[str, bytes]] | None = None) -> bytearray:
    """A valid one-folder cabinet (``a.txt``, ``b.txt``) to damage."""
    return bytearray(build_cabinet([folder(files or [("a.txt", TEXT), ("b.txt", TEXT[::-1])], compression)]))


def put(data: bytearray, offset: int, layout: str, *values: int) -> bytearray:
    """Overwrite a little-endian field."""
    struct.pack_into("<" + layout, data, offset, *values)
    return data


def files_at(data: bytes | bytearray) -> int:
    return int.from_bytes(data[FILES_OFFSET : FILES_OFFSET + 4], "little")


def first_block(data: bytes | bytearray) -> int:
    return int.from_bytes(data[FOLDER : FOLDER + 4], "little")


def raw_cabinet(folders: list[bytes], entries: list[bytes], *, cut: int | None = None, files: int | None = None,
                flags: int = 0, strings: bytes = b"") -> bytearray:
    """A cabinet assembled field by field (tables only); ``cut`` ends it early, ``cbCabinet`` = real size."""
    head = CFHEADER.size + len(strings)
    coff = head + len(folders) * CFFOLDER.size
    body = strings + b"".join(folders) + b"".join(entries)
    size = CFHEADER.size + len(body)
    if cut is not None:
        size = cut
    count = files if files is not None else len(entries)
    header = CFHEADER.pack(b"MSCF", 0, size, 0, coff, 0, 3, 1, len(folders), count, flags, 0, 0)
    return bytearray((header + body)[:size])


def entry(name: bytes, size: int = 1, offset: int = 0, index: int = 0) -> bytes:
    return CFFILE.pack(size, offset, index, 0x5821, 0, 0x20) + name + b"\0"


@dataclass(frozen=True)
class Case:
    """A damaged input, what to do with it, and the message it must give (``{path}`` is the file)."""

    build: Callable[[], bytes | bytearray]
    action: str
    """``ls`` (list, walking nested containers), ``read`` (each member through ``Package.read``) or ``extract``."""
    message: str
    cli: bool = True
    """Whether the CLI reaches this error (``read`` rows go through ``pkginspect extract``)."""
    cli_message: str | None = None
    """The CLI's message when it differs: extraction decodes whole folders, and names the folder."""


def _nested(inner: bytes) -> bytes:
    return bytes(base(files=[("inner.cab", inner)]))


CASES: dict[str, Case] = {
    "empty file": Case(lambda: b"", "ls", "{path}: empty file: not a cabinet or WIM package"),
    "text file": Case(lambda: b"hello, world", "ls",
                      "{path}: not a cabinet (MSCF) or WIM (MSWIM) package: starts with bytes 68 65 6c 6c 6f 2c 20 77"),
    "truncated header": Case(lambda: bytes(base()[:30]), "ls",
                             "{path}: truncated cabinet header: 30 of 36 bytes present"),
    "format version 2": Case(lambda: bytes(put(base(), 25, "B", 2)), "ls",
                             "{path}: cabinet format version 2.3 (only 1.x is read)"),
    "cut short": Case(lambda: bytes(base()[:-7]), "ls", "{path}: truncated cabinet: header declares {size7} bytes but "
                      "only {size} are present"),
    "no folders": Case(lambda: bytes(put(base(), 26, "H", 0)), "ls", "{path}: cabinet has no folders"),
    "no files": Case(lambda: bytes(put(base(), 28, "H", 0)), "ls", "{path}: cabinet has no files"),
    "truncated folder table": Case(
        lambda: raw_cabinet([CFFOLDER.pack(0, 0, 0), CFFOLDER.pack(0, 0, 0)], [entry(b"a")], cut=48), "ls",
        "{path}: truncated folder table (folder 1)"),
    "folder past the end": Case(
        lambda: raw_cabinet([CFFOLDER.pack(5000, 1, 1)], [entry(b"a")]), "ls",
        "{path}: folder 0 starts at offset 5000, past the cabinet's end (62)"),
    "file table past the end": Case(lambda: bytes(put(base(), FILES_OFFSET, "I", 0xFFFFFF)), "ls",
                                    "{path}: file table offset 16777215 is past the cabinet's end"),
    "truncated file table": Case(
        lambda: raw_cabinet([CFFOLDER.pack(0, 0, 0)], [entry(b"a")], cut=54), "ls",
        "{path}: truncated file table (entry 0)"),
    "unterminated name": Case(
        lambda: raw_cabinet([CFFOLDER.pack(0, 0, 0)], [entry(b"abc")], cut=63), "ls",
        "{path}: truncated file table (entry 0): unterminated name"),
    "name too long": Case(
        lambda: raw_cabinet([CFFOLDER.pack(0, 0, 0)], [entry(b"n" * 300)]), "ls",
        "{path}: file table (entry 0): name longer than 255 bytes or not terminated"),
    "empty name": Case(lambda: raw_cabinet([CFFOLDER.pack(0, 0, 0)], [entry(b"")]), "ls",
                       "{path}: file table entry 0 has an empty name"),
    "bad folder index": Case(
        lambda: raw_cabinet([CFFOLDER.pack(0, 0, 0)] * 2, [entry(b"a.txt", index=7)]), "ls",
        "{path}: member 'a.txt' refers to folder 7 but the cabinet has only 2 folders"),
    "bad compression type": Case(lambda: bytes(put(base(), FOLDER + 6, "H", 0x0007)), "extract",
                                 "{path}: folder 0: unsupported compression type 0x0007"),
    "quantum": Case(lambda: bytes(put(base(), FOLDER + 6, "H", 0x0702)), "read",
                    "{path}: a.txt: unsupported compression quantum:7 (Quantum)",
                    cli_message="{path}: folder 0: unsupported compression quantum:7 (Quantum)"),
    "lzx that is not": Case(lambda: bytes(put(base(), FOLDER + 6, "H", 0x1503)), "extract",
                            "{path}: folder 0: LZX folder 0 could not be decoded: {lzx}"),
    "lzx member past its folder": Case(
        lambda: bytes(put(put(base(), FOLDER + 6, "H", 0x1503), files_at(base()), "I", 0xFFFFFFF0)), "read",
        "{path}: a.txt: LZX folder 0: data ends at byte 4294967280, past the 131072 bytes its 4 blocks can hold",
        cli_message="{path}: folder 0: LZX folder 0: data ends at byte 4294967280, past the 131072 bytes its 4 "
                    "blocks can hold"),
    "stored sizes disagree": Case(
        lambda: bytes(put(base("none"), first_block(base("none")) + 6, "H", 100)), "extract",
        "{path}: folder 0: data block 0 of folder 0 is stored but declares 32768 bytes in and 100 out"),
    "mszip size disagrees": Case(
        lambda: bytes(put(base(), first_block(base()) + 6, "H", 1000)), "extract",
        "{path}: folder 0: data block 0 of folder 0: MSZIP block inflates to 32768 bytes, header says 1000"),
    "block continues in next cabinet": Case(
        lambda: bytes(put(base(), first_block(base()) + 6, "H", 0)), "extract",
        "{path}: folder 0: data block 0 of folder 0 continues in the next cabinet of a multi-part set "
        "(not supported)"),
    "missing MSZIP signature": Case(
        lambda: bytes(put(base(), first_block(base()) + CFDATA.size, "H", 0x5A5A)), "extract",
        "{path}: folder 0: data block 0 of folder 0: missing MSZIP 'CK' signature"),
    "data block cut short": Case(
        lambda: bytes(put(base()[: first_block(base()) + 100], 8, "I", first_block(base()) + 100)), "extract",
        "{path}: truncated data block 0 of folder 0: 92 of {block0} bytes present"),
    "member past its folder (extract)": Case(
        lambda: bytes(put(base(), files_at(base()) + 4, "I", 10_000_000)), "extract",
        "{path}: a.txt: folder data ends before this member (truncated or corrupt)"),
    "member past its folder (read)": Case(
        lambda: bytes(put(base(), files_at(base()) + 4, "I", 10_000_000)), "read",
        "{path}: a.txt: data ends after 0 of 54000 bytes (truncated or corrupt folder)", cli=False),
    "continued from another cabinet": Case(
        lambda: bytes(put(base(), files_at(base()) + 8, "H", 0xFFFD)), "read",
        "{path}: a.txt: member continues across cabinets of a multi-part set, which is not supported"),
    "folder shared with the next cabinet": Case(
        lambda: raw_cabinet([CFFOLDER.pack(0, 1, 1)], [entry(b"a")], flags=0x0002, strings=b"next.cab\0disk 2\0"),
        "read",
        "{path}: a: member lies in a folder shared with another cabinet of a multi-part set (not supported)"),
    "corrupt nested cabinet": Case(lambda: _nested(b"MSCF" + bytes(20)), "ls",
                                   "{path}!inner.cab: truncated cabinet header: 24 of 36 bytes present"),
    "nested cabinet cut short": Case(lambda: _nested(bytes(base()[:50])), "ls",
                                     "{path}!inner.cab: truncated cabinet: header declares {nested} bytes but only "
                                     "50 are present"),
    "truncated WIM": Case(lambda: (BROKEN / "truncated-wim.msu").read_bytes(), "ls",
                          "{path}: cannot open WIM: Unexpectedly reached the end of the file (wimlib error 65)"),
    "WIM with broken XML": Case(lambda: _wim_xml_broken(), "ls",
                                "{path}: cannot open WIM: The XML data of the WIM is invalid (wimlib error 73)"),
    "WIM resource damaged": Case(lambda: _wim_resource_damaged(), "extract", "{path}: {wim_member}: cannot extract: "
                                 "The SHA-1 message digest of a WIM resource did not match the expected value "
                                 "(wimlib error 28)"),
}


def _wim_xml_broken() -> bytes:
    """The WIM fixture with one letter of its (last) XML resource changed, so the XML is malformed."""
    data = bytearray(WIM_PACKAGE.read_bytes())
    at = data.rfind("TOTALBYTES".encode("utf-16-le"))
    data[at + 2] ^= 0x01
    return bytes(data)


def _wim_resource_damaged() -> bytes:
    """The WIM fixture (stored, not compressed) with a byte of the nested WIM's XML changed: its hash fails."""
    data = bytearray(WIM_PACKAGE.read_bytes())
    at = data.find("TOTALBYTES".encode("utf-16-le"))
    data[at + 2] ^= 0x01
    return bytes(data)


def expected(case: Case, path: Path, data: bytes, cli: bool = False) -> str:
    """Fill the row's placeholders from the file itself (the CLI's variant of the message with ``cli``)."""
    block = first_block(base())
    fields = {"path": str(path), "size": len(data), "size7": len(data) + 7, "nested": len(base()),
              "block0": int.from_bytes(base()[block + 4 : block + 6], "little"),
              "wim_member": "Windows11.0-KB5066835-x64.wim"}
    text = (case.cli_message if cli else None) or case.message
    if "{lzx}" in text:
        text = text.replace("{lzx}", "")  # libarchive's own wording follows; checked as a prefix
    return text.format(**fields)


def run_library(path: Path, action: str, target: Path) -> None:
    with open_package(path) as package:
        if action == "ls":
            list(package.walk())
        elif action == "read":
            for member in package.members:
                package.read(member.name)
        else:
            extract(package, target, recursive=True)


def write_case(name: str, folder: Path) -> tuple[Case, Path, bytes]:
    """Row ``name`` and its file, written under ``folder``."""
    row = CASES[name]
    data = bytes(row.build())
    path = folder / f"{name.replace(' ', '-')}.msu"
    path.write_bytes(data)
    return row, path, data


def _ids(name: str) -> str:
    return name.replace(" ", "-")


@pytest.mark.parametrize("name", sorted(CASES), ids=_ids)
def test_library_message(name: str, tmp_path: Path) -> None:
    row, path, data = write_case(name, tmp_path)
    message = expected(row, path, data)
    with pytest.raises(PkgInspectError) as caught:
        run_library(path, row.action, tmp_path / "out")
    if "{lzx}" in row.message:
        assert str(caught.value).startswith(message), str(caught.value)
    else:
        assert str(caught.value) == message


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n].cli), ids=_ids)
def test_cli_one_line_exit_3(name: str, tmp_path: Path) -> None:
    row, path, data = write_case(name, tmp_path)
    message = expected(row, path, data, cli=True)
    args = ["ls", str(path)] if row.action == "ls" else ["extract", str(path), "-d", str(tmp_path / "o"), "-r"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.rstrip("\n")
    assert line.startswith(f"pkginspect: error: {path}")
    if "{lzx}" not in row.message:
        assert line == f"pkginspect: error: {message}"


def test_cli_inspect_names_every_broken_file(tmp_path: Path) -> None:
    """``inspect`` on many broken files goes on past each, one line per file, then exits 3."""
    paths = []
    for name in ("empty file", "truncated header", "no files", "corrupt nested cabinet", "truncated WIM"):
        path = tmp_path / f"{name.replace(' ', '-')}.msu"
        path.write_bytes(bytes(CASES[name].build()))
        paths.append(path)
    result = CliRunner().invoke(main, ["inspect", *map(str, paths), "--format", "json"])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == len(paths)
    assert all(line.startswith(f"pkginspect: error: {p}") for line, p in zip(lines, paths, strict=True))


@pytest.mark.parametrize("command", ["ls", "extract", "inspect", "classify"])
def test_cli_directory_and_special_files(command: str, tmp_path: Path) -> None:
    """A directory where a file is expected, a FIFO (which must not block) and a missing file: one line each."""
    fifo = tmp_path / "pipe.msu"
    os.mkfifo(fifo)
    cases = {fifo: "is a FIFO, not a regular file", tmp_path / "missing.msu": "no such file"}
    if command in ("ls", "extract"):
        cases[tmp_path] = "is a directory, not a package file"
    for path, message in cases.items():
        args = [command, str(path)] + (["-d", str(tmp_path / "out")] if command == "extract" else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 3, (path, result.output)
        assert result.stderr == f"pkginspect: error: {path}: {message}\n"


def test_cli_escapes_control_characters_in_member_names(tmp_path: Path) -> None:
    """A member name with a line break or a terminal escape still gives one line, shown escaped."""
    path = tmp_path / "names.cab"
    path.write_bytes(bytes(base(files=[("evil\nname\x1b[2J.txt", TEXT)])))
    result = CliRunner().invoke(main, ["extract", str(path), "-d", str(tmp_path / "out"), "--max-member-size", "1K"])
    assert result.exit_code == 3
    assert result.stderr == (
        f"pkginspect: error: {path}: evil\\nname\\x1b[2J.txt: member size 54000 bytes exceeds the max_member_size "
        "limit; raise it with --max-member-size or Limits(max_member_size=…)\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="a real subprocess: checks stderr as a shell sees it")
def test_real_process_on_broken_fixtures(tmp_path: Path) -> None:
    """The installed entry point on every broken fixture: exit 0 or 3, never a traceback, one line on errors."""
    import subprocess

    for path in sorted(BROKEN.iterdir()):
        if path.suffix not in (".msu", ".cab"):
            continue
        result = subprocess.run(
            [sys.executable, "-m", "pkginspect", "extract", str(path), "-d", str(tmp_path / path.name), "-r"],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode in (0, 3), (path, result.stderr)
        assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
        if result.returncode == 3:
            assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"pkginspect: error: {path}"), (
                path, result.stderr)
