"""WIM images through wimlib: every compression, nested in cabinets, damaged files, missing library."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pkginspect.containers import _wimlib, open_package
from pkginspect.errors import CorruptContainerError, NativeLibraryError
from tests.containers.conftest import folder

pytestmark = pytest.mark.skipif(shutil.which("wimlib-imagex") is None, reason="wimtools not installed")
CONTENT = {
    "update.mum": b"<assembly>" + b"x" * 5000 + b"</assembly>",
    "sub/payload.bin": os.urandom(70_000),
    "sub/text.txt": b"line\n" * 40_000,
}


def capture(tmp_path: Path, *options: str) -> Path:
    source = tmp_path / "src"
    for name, data in CONTENT.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    target = tmp_path / ("image" + "".join(options).replace("-", "") + ".wim")
    subprocess.run(["wimlib-imagex", "capture", str(source), str(target), *options], check=True, capture_output=True)
    return target


@pytest.mark.parametrize("options", [("--compress=none",), ("--compress=xpress",), ("--compress=lzx",),
                                     ("--compress=lzms",), ("--solid",)])
def test_reads_every_compression(tmp_path: Path, options: tuple[str, ...]) -> None:
    path = capture(tmp_path, *options)
    with open_package(path) as package:
        assert package.kind == "wim"
        files = {m.name: m for m in package.members if not m.is_dir}
        assert set(files) == set(CONTENT)
        for name, data in CONTENT.items():
            assert files[name].size == len(data)
            assert package.read(name) == data


def test_wim_nested_in_cabinet(tmp_path: Path, make_cab: Callable[..., Path]) -> None:
    wim = capture(tmp_path, "--compress=lzx")
    outer = make_cab(folder([("Windows11.0-KB5066835-x64.wim", wim.read_bytes()), ("readme.txt", b"hi")]))
    with open_package(outer) as package:
        assert package.read("Windows11.0-KB5066835-x64.wim!sub/text.txt") == CONTENT["sub/text.txt"]
        entries = {e.path: e for e in package.walk()}
        assert entries["Windows11.0-KB5066835-x64.wim"].container == "wim"
        assert "Windows11.0-KB5066835-x64.wim!update.mum" in entries


def test_damaged_wim(tmp_path: Path) -> None:
    path = capture(tmp_path, "--compress=lzx")
    data = bytearray(path.read_bytes())
    path.write_bytes(bytes(data[:300]))
    with pytest.raises(CorruptContainerError, match=r"\.wim: WIM header declares a XML data resource of \d+ bytes "
                                                    r"in a file of 300 bytes"):
        open_package(path)
    path.write_bytes(bytes(data[: len(data) - 100]))  # the XML data is cut short, its declared size still fits
    with pytest.raises(CorruptContainerError, match=r"\.wim: cannot open WIM: .*\(wimlib error \d+\)"):
        open_package(path)


def test_header_sizes_wimlib_would_allocate_are_checked(tmp_path: Path) -> None:
    path = capture(tmp_path, "--compress=lzx")
    data = bytearray(path.read_bytes())
    data[0x58:0x60] = (12738299604622115636).to_bytes(8, "little")  # the XML data's uncompressed size
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptContainerError) as caught:
        open_package(path)
    assert str(caught.value) == (f"{path}: WIM header declares a XML data resource of 12738299604622115636 bytes "
                                 f"in a file of {len(data)} bytes")


def test_missing_wimlib_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = capture(tmp_path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("not found")

    monkeypatch.setattr(_wimlib, "_lib", None)
    monkeypatch.setattr(ctypes, "CDLL", refuse)
    with pytest.raises(NativeLibraryError, match=r"needs wimlib.*apt-get install libwim15"):
        open_package(path)


def test_benchmark_reader_copies_the_member_to_stdout(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from tests.benchmarks import wimread

    path = capture(tmp_path, "--compress=lzx")
    assert wimread.main(["wimread", str(path), "sub/text.txt"]) == 0
    assert capsysbinary.readouterr().out == CONTENT["sub/text.txt"]
    with pytest.raises(SystemExit, match=r"no member 'missing\.bin'"):
        wimread.main(["wimread", str(path), "missing.bin"])
