"""Write the committed seed corpus of the fuzz targets from the fixtures (deterministic; ``--check`` compares).

    python -m tests.fuzz.make_corpus          # rewrite tests/fuzz/corpus/{cab,wim,metadata}/
    python -m tests.fuzz.make_corpus --check  # exit 1 when the committed corpus differs

Seeds: the smallest nested cabinets and WIMs of the fixture packages, two whole small packages, the small
hostile fixtures, a stored cabinet and one with reserves; for metadata, the selector byte of each parser kind
followed by fixture files of that kind (and the hostile XML fixtures). Every file stays under 200 KB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from fixtures.cabwriter import COMPRESS_NONE, Folder, Member, build_cabinet
from pkginspect import metadata as md
from tests.fuzz.seeds import FIXTURES, container_samples, metadata_samples

CORPUS = Path(__file__).resolve().parent / "corpus"
BROKEN = FIXTURES / "broken"
MAX_FILE = 200 * 1024
CABS = 10
WHEN = dt.datetime(2024, 1, 1)


def _name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[-100:]


def _handmade() -> dict[str, bytes]:
    """Small cabinets of shapes the fixtures lack: stored data, reserves, two folders, a nested cabinet."""
    text = b"<assembly xmlns='urn:schemas-microsoft-com:asm.v3'/>\r\n" * 20
    inner = build_cabinet([Folder([Member.from_bytes("update.mum", text, WHEN)])])
    return {
        "handmade-stored.cab": build_cabinet([Folder([Member.from_bytes("a\\b.txt", text, WHEN)], COMPRESS_NONE)]),
        "handmade-reserves.cab": build_cabinet(
            [Folder([Member.from_bytes("x.mum", text, WHEN)])], header_reserve=bytes(64), folder_reserve_size=4,
            data_reserve_size=8,
        ),
        "handmade-signed.cab": build_cabinet([Folder([Member.from_bytes("y", text, WHEN)])], signature=b"0\x82" * 40),
        "handmade-two-folders.cab": build_cabinet(
            [Folder([Member.from_bytes("one", text, WHEN)]),
             Folder([Member.from_bytes("two", text[::-1], WHEN)], COMPRESS_NONE)]
        ),
        "handmade-nested.cab": build_cabinet([Folder([Member.from_bytes("inner.cab", inner, WHEN)])]),
    }


def corpus() -> dict[str, dict[str, bytes]]:
    """Every seed file, per target."""
    cab: dict[str, bytes] = dict(_handmade())
    shapes: set[str] = set()
    for name, data in container_samples("cab"):
        # One cabinet per shape of name (WSUSSCAN.cab, package.cab, SSU-N.N-x64.cab, …), the smallest.
        shape = re.sub(r"\d+|x64|arm64", "N", name.rsplit("!", 1)[-1])
        if shape in shapes or len(shapes) >= CABS:
            continue
        shapes.add(shape)
        cab[f"fixture-{_name(name)}"] = data
    for name in ("Windows10.0-KB5036899-x64.msu", "Windows10.0-KB5037848-x64.msu"):
        cab[f"package-{name}"] = (FIXTURES / name).read_bytes()
    for name in ("absolute-names.cab", "traversal.cab", "truncated-file-table.msu", "truncated-header.msu"):
        cab[f"broken-{name}"] = (BROKEN / name).read_bytes()
    wim = {f"fixture-{_name(name)}": data for name, data in container_samples("wim")}
    wim["package-Windows11.0-KB5068966-x64.msu"] = (FIXTURES / "Windows11.0-KB5068966-x64.msu").read_bytes()
    metadata: dict[str, bytes] = {}
    for kind, samples in metadata_samples().items():
        selector = bytes([md.KINDS.index(kind)])
        for name, data in samples:
            metadata[f"{kind}-{_name(name.rsplit('!', 1)[-1])}-{len(data)}"] = selector + data
    for name in ("xxe-update.mum", "billion-laughs-update.mum"):
        metadata[f"mum-{name}"] = bytes([md.KINDS.index("mum")]) + (BROKEN / name).read_bytes()
    found = {"cab": cab, "wim": wim, "metadata": metadata}
    for target, files in found.items():
        for name, data in files.items():
            if len(data) > MAX_FILE:
                raise ValueError(f"{target}/{name} is {len(data)} bytes, over {MAX_FILE}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Write (or ``--check``) the corpus; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare with the committed corpus instead")
    args = parser.parse_args(argv)
    wanted = corpus()
    if args.check:
        differences = []
        for target, files in wanted.items():
            folder = CORPUS / target
            present = {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}
            if present != files:
                differences.append(target)
        if differences:
            print(f"corpus differs for: {', '.join(differences)} (run python -m tests.fuzz.make_corpus)")
            return 1
        return 0
    for target, files in wanted.items():
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, data in files.items():
            (folder / name).write_bytes(data)
    total = sum(len(d) for files in wanted.values() for d in files.values())
    print(f"wrote {sum(len(f) for f in wanted.values())} files, {total} bytes, to {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
