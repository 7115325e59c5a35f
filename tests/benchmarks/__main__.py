"""Benchmarks: pkginspect against cabextract, 7z, bsdtar and wimlib-imagex on the same files, in one run.

    python -m tests.benchmarks [--size 1G] [--repetitions 3] [--work DIR] [--only CASE] [--baseline DIR]

Inputs come from the fixture generator (``python -m fixtures big`` and ``python -m fixtures realistic``,
streaming, any size). The ``shape-*`` cases use packages shaped like Microsoft's: an outer MSZIP .msu holding
WSUSSCAN.cab and a package cabinet whose folder holds ~2,000 payload files followed by the ``.mum`` files
(``shape-lcu-4g`` is 4 GiB of payload, generated in the work folder and deleted after the case), the same
with a ``-Hotpatch-`` cabinet, the WIM-based .msu, and the real LZX samples. There the other tools do the same
job: take ``update.mum`` out of the nested package. Each case runs every tool ``--repetitions`` times and
prints the median wall time, the ratio to pkginspect and each tool's peak RSS (its own, measured with
``wait4`` through GNU time), as Markdown. ``--baseline DIR`` adds a row running the pkginspect found in DIR
(another checkout) for the pkginspect commands.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks.harness import Measurement, measure, table
from tests.benchmarks.scale import fleet_csv, package_copies
from tests.shared import shared_dir

PY = sys.executable
Case = Callable[[Path, Path], list[tuple[str, list[str]]]]


def _generate(work: Path, size: str, layout: str) -> Path:
    target = work / f"big-{layout}-{size}.cab"
    if not target.exists():
        subprocess.run(
            [PY, "-m", "fixtures", "big", "--size", size, "--out", str(target), "--layout", layout], check=True
        )
    return target


def _members(path: Path) -> list[str]:
    from pkginspect.containers import open_package

    with open_package(path) as package:
        return [m.name for m in package.members]


def _out(work: Path, tool: str) -> str:
    folder = work / f"out-{tool}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return str(folder)


def case_list(work: Path, big: Path) -> list[tuple[str, list[str]]]:
    """List every member of the big cabinet (tables only)."""
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "ls", "--no-recursive", str(big)]),
        ("cabextract", ["cabextract", "-l", str(big)]),
        ("bsdtar", ["bsdtar", "-tf", str(big)]),
    ]


def case_last_member_same_folder(work: Path, big: Path) -> list[tuple[str, list[str]]]:
    """Extract the last member when everything shares one folder (a full inflate)."""
    last = _members(big)[-1]
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "extract", str(big), last, "-d", _out(work, "p"), "--overwrite"]),
        ("cabextract", ["cabextract", "-q", "-F", last, "-d", _out(work, "c"), str(big)]),
        ("bsdtar", ["bsdtar", "-xf", str(big), "-C", _out(work, "b"), last]),
    ]


def case_member_own_folder(work: Path, big: Path) -> list[tuple[str, list[str]]]:
    """Extract a small member that sits in its own folder (a seek past the payload)."""
    names = _members(big)
    small = next(n for n in names if n.lower().endswith(".txt") or n.lower().endswith(".xml"))
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "extract", str(big), small, "-d", _out(work, "p"), "--overwrite"]),
        ("cabextract", ["cabextract", "-q", "-F", small, "-d", _out(work, "c"), str(big)]),
        ("bsdtar", ["bsdtar", "-xf", str(big), "-C", _out(work, "b"), small]),
    ]


def case_lzx(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """Extract an LZX:21 cabinet completely (libmspack corpus, 14.7 MB inflated)."""
    shared = shared_dir()
    if shared is None:
        return []
    lzx = shared / "samples" / "cab-corpus" / "cabextract" / "cabs" / "large-files-cab.cab"
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "extract", str(lzx), "-d", _out(work, "p"), "--overwrite"]),
        ("cabextract", ["cabextract", "-q", "-d", _out(work, "c"), str(lzx)]),
        ("bsdtar", ["bsdtar", "-xf", str(lzx), "-C", _out(work, "b")]),
    ]


def case_check(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """pkginspect check: 10,000 machines x 24 packages (target: under 5 s)."""
    fleet = fleet_csv(work / "fleet-10000.csv", 10_000)
    packages = package_copies(work / "packages-24", 24)
    return [("pkginspect", [PY, "-m", "pkginspect", "check", str(packages), "--machine", str(fleet)])]


def case_audit(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """pkginspect audit --jobs 2: 200 packages x 5,000 machines, JSON report (target: under a minute)."""
    fleet = fleet_csv(work / "fleet-5000.csv", 5_000)
    packages = package_copies(work / "packages-200", 200)
    return [("pkginspect", [PY, "-m", "pkginspect", "audit", str(packages), "--fleet", str(fleet),
                            "--format", "json", "--jobs", "2", "-o", str(work / "audit.json")])]


def case_help(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """pkginspect --help: CLI start-up (target: under 0.3 s)."""
    return [("pkginspect", [PY, "-m", "pkginspect", "--help"])]


def case_inspect(work: Path, big: Path) -> list[tuple[str, list[str]]]:
    """pkginspect inspect --no-hash on the big cabinet whose metadata has its own folder (target: under 0.5 s)."""
    return [("pkginspect", [PY, "-m", "pkginspect", "inspect", "--no-hash", str(big)])]


def case_nested(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """Read update.mum through two levels: the .msu cabinet, then its inner package cabinet."""
    msu = Path(__file__).resolve().parents[2] / "fixtures" / "packages" / "Windows10.0-KB5036909-x64.msu"
    inner = "Windows10.0-KB5036909-x64.cab"
    two_steps = (f"cabextract -q -F {inner} -d {_out(work, 'c1')} {msu} && "
                 f"cabextract -q -F update.mum -d {_out(work, 'c2')} {work / 'out-c1' / inner}")
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "extract", str(msu), f"{inner}!update.mum", "-d", _out(work, "p"),
                        "--overwrite"]),
        ("cabextract", ["sh", "-c", two_steps]),
    ]


def case_wim(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """Extract one 64 MiB file from an LZX WIM of 256 MiB (wimlib through ctypes vs wimlib-imagex)."""
    wim = work / "big.wim"
    if not wim.exists():
        from fixtures.payload import payload_chunks

        source = work / "wim-source"
        source.mkdir(exist_ok=True)
        for index in range(4):
            with open(source / f"payload{index}.bin", "wb") as out:
                for chunk in payload_chunks(index, 64 << 20):
                    out.write(chunk)
        subprocess.run(["wimlib-imagex", "capture", str(source), str(wim), "--compress=lzx"], check=True,
                       capture_output=True)
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "extract", str(wim), "payload3.bin", "-d", _out(work, "p"),
                        "--overwrite"]),
        ("wimlib-imagex", ["wimlib-imagex", "extract", str(wim), "1", "/payload3.bin",
                           f"--dest-dir={_out(work, 'w')}"]),
    ]


def _realistic(work: Path, size: str, shape: str) -> Path:
    target = work / f"realistic-{shape}-{size}.msu"
    if not target.exists():
        subprocess.run([PY, "-m", "fixtures", "realistic", "--size", size, "--shape", shape, "--out", str(target)],
                       check=True)
    return target


def _update_mum_jobs(work: Path, msu: Path, inner: str) -> list[tuple[str, list[str]]]:
    """The other tools taking update.mum out of the package cabinet inside ``msu`` (two steps each)."""
    c, z, b = _out(work, "c"), _out(work, "z"), _out(work, "b")
    return [
        ("cabextract", ["sh", "-c", f"cabextract -q -F '{inner}' -d {c} '{msu}' && "
                                    f"cabextract -q -F update.mum -d {c} '{c}/{inner}'"]),
        ("7z", ["sh", "-c", f"7z e -y -o{z} '{msu}' '{inner}' >/dev/null && "
                            f"7z e -y -o{z} '{z}/{inner}' update.mum >/dev/null"]),
        ("bsdtar", ["sh", "-c", f"bsdtar -xOf '{msu}' '{inner}' > {b}/inner && "
                                f"bsdtar -xf {b}/inner -C {b} update.mum"]),
    ]


def _inspect_jobs(package: Path) -> list[tuple[str, list[str]]]:
    return [
        ("pkginspect", [PY, "-m", "pkginspect", "inspect", "--no-hash", str(package)]),
        ("pkginspect --deep", [PY, "-m", "pkginspect", "inspect", "--no-hash", "--deep", str(package)]),
    ]


def _inner_name(package: Path) -> str:
    from pkginspect.containers import open_package

    with open_package(package) as opened:
        return next(m.name for m in opened.members if m.name.lower().endswith((".cab", ".wim"))
                    and m.name.lower() != "wsusscan.cab")


def case_shape_lcu(work: Path, _big: Path, size: str = "") -> list[tuple[str, list[str]]]:
    """inspect a realistically shaped LCU .msu (MSZIP, .mum files last in the package cabinet's one folder)."""
    msu = _realistic(work, size or SIZE[0], "lcu")
    return [*_inspect_jobs(msu), *_update_mum_jobs(work, msu, _inner_name(msu))]


def case_shape_lcu_4g(work: Path, big: Path) -> list[tuple[str, list[str]]]:
    """The same with 4 GiB of payload (the package cabinet needs several folders: the .mum files end the last)."""
    return case_shape_lcu(work, big, "4G")


def case_shape_hotpatch(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """inspect a realistically shaped hotpatch .msu (no restart attribute: the sub-packages must be read)."""
    msu = _realistic(work, SIZE[0], "hotpatch")
    return [*_inspect_jobs(msu), *_update_mum_jobs(work, msu, _inner_name(msu))]


def case_shape_wim(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """inspect a WIM-based .msu (outer WIM, the LCU as an inner LZX WIM, update.mum among the payload)."""
    msu = _realistic(work, SIZE[0], "wim")
    inner = _inner_name(msu)
    w, z = _out(work, "w"), _out(work, "z")
    return [
        *_inspect_jobs(msu),
        ("wimlib-imagex", ["sh", "-c", f"wimlib-imagex extract '{msu}' 1 '/{inner}' --dest-dir={w} >/dev/null && "
                                       f"wimlib-imagex extract '{w}/{inner}' 1 /update.mum --dest-dir={w} >/dev/null"]),
        ("7z", ["sh", "-c", f"7z e -y -o{z} '{msu}' '{inner}' >/dev/null && "
                            f"7z e -y -o{z} '{z}/{inner}' update.mum >/dev/null"]),
    ]


def case_shape_lzx_real(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """inspect the real KB4538483-x64.msu (LZX:21 package cabinet, 5,135 members nested, 3.9 MB)."""
    shared = shared_dir()
    if shared is None:
        return []
    msu = shared / "samples" / "real" / "KB4538483-x64.msu"
    return [*_inspect_jobs(msu), *_update_mum_jobs(work, msu, "Windows6.1-KB4538483-x64.cab")]


def case_audit_50k(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """pkginspect audit --jobs 2: 200 packages x 50,000 machines, JSON report (memory as for 5,000)."""
    fleet = fleet_csv(work / "fleet-50000.csv", 50_000)
    packages = package_copies(work / "packages-200", 200)
    return [("pkginspect", [PY, "-m", "pkginspect", "audit", str(packages), "--fleet", str(fleet),
                            "--format", "json", "--jobs", "2", "-o", str(work / "audit.json")])]


def _lzx_wim(work: Path, name: str, files: int, size: int) -> Path:
    """An LZX WIM (wimlib's default 32 KiB chunks, not solid) of ``files`` generated payloads of ``size`` bytes."""
    wim = work / name
    if not wim.exists():
        from fixtures.payload import payload_chunks

        source = work / f"{name}-source"
        source.mkdir(exist_ok=True)
        for index in range(files):
            with open(source / f"payload{index}.bin", "wb") as out:
                for chunk in payload_chunks(index, size):
                    out.write(chunk)
        subprocess.run(["wimlib-imagex", "capture", str(source), str(wim), "--compress=lzx"], check=True,
                       capture_output=True)
        shutil.rmtree(source)
    return wim


def _read_jobs(wim: Path, member: str) -> list[tuple[str, list[str]]]:
    # The third row extracts to a file as pkginspect's reader does internally (to a private temporary
    # folder): its difference to --to-stdout is what streaming without a temporary copy could save at most.
    return [
        ("pkginspect", [PY, "-m", "tests.benchmarks.wimread", str(wim), member]),
        ("wimlib-imagex --to-stdout", ["wimlib-imagex", "extract", str(wim), "1", f"/{member}", "--to-stdout"]),
        ("wimlib-imagex --dest-dir", ["wimlib-imagex", "extract", str(wim), "1", f"/{member}",
                                      f"--dest-dir={_out(Path(wim).parent, 'wim-read')}"]),
    ]


def case_wim_read(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """Read one 64 MiB member of an LZX WIM (4 x 64 MiB) to a pipe (library read vs --to-stdout)."""
    return _read_jobs(_lzx_wim(work, "read64.wim", 4, 64 << 20), "payload3.bin")


def case_wim_read_256(work: Path, _big: Path) -> list[tuple[str, list[str]]]:
    """Read one 256 MiB member of an LZX WIM (1 x 256 MiB) to a pipe (library read vs --to-stdout)."""
    return _read_jobs(_lzx_wim(work, "read256.wim", 1, 256 << 20), "payload0.bin")


SIZE = ["1G"]
BASELINE: list[str] = []


def _with_baseline(commands: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    if not BASELINE:
        return commands
    # Run from the baseline checkout: ``python -m`` puts the current folder first on sys.path.
    extra = [(f"{tool} (baseline)", ["sh", "-c", f"cd {shlex.quote(BASELINE[0])} && "
                                                 f"PYTHONPATH={shlex.quote(BASELINE[0])} exec {shlex.join(argv)}"])
             for tool, argv in commands if tool.startswith("pkginspect") and "--deep" not in argv]
    return [*commands, *extra]


def run(cases: dict[str, tuple[str, Case]], work: Path, size: str, repetitions: int) -> str:
    """Run the chosen cases and return the Markdown report."""
    report = [f"## Container benchmarks ({size} inputs, median of {repetitions})", ""]
    for name, (layout, case) in cases.items():
        big = _generate(work, size, layout) if layout else Path()
        commands = _with_baseline(case(work, big))
        if not commands:
            report.append(f"### {name}\n\nskipped (input not available)\n")
            continue
        results: list[Measurement] = [
            measure(tool, argv, repetitions) for tool, argv in commands if shutil.which(argv[0]) or argv[0] == PY
        ]
        report.append(table(f"{name}: {case.__doc__}", results))
        print(report[-1], flush=True)
        if case is case_shape_lcu_4g:
            for generated in work.glob("realistic-*-4G.msu"):
                generated.unlink()
    return "\n".join(report)


CASES: dict[str, tuple[str, Case]] = {
    "list": ("separate", case_list),
    "own-folder": ("separate", case_member_own_folder),
    "same-folder": ("same", case_last_member_same_folder),
    "lzx": ("", case_lzx),
    "nested": ("", case_nested),
    "wim": ("", case_wim),
    "wim-read": ("", case_wim_read),
    "wim-read-256": ("", case_wim_read_256),
    "inspect": ("separate", case_inspect),
    "help": ("", case_help),
    "check": ("", case_check),
    "audit": ("", case_audit),
    "audit-50k": ("", case_audit_50k),
    "shape-lcu": ("", case_shape_lcu),
    "shape-lcu-4g": ("", case_shape_lcu_4g),
    "shape-hotpatch": ("", case_shape_hotpatch),
    "shape-wim": ("", case_shape_wim),
    "shape-lzx-real": ("", case_shape_lzx_real),
}


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--size", default="1G", help="size of generated inputs (e.g. 100M, 1G)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--work", type=Path, help="folder for inputs and outputs (default: a temporary one)")
    parser.add_argument("--only", choices=sorted(CASES), action="append", help="run only these cases")
    parser.add_argument("--baseline", type=Path, help="also run the pkginspect of this checkout (PYTHONPATH)")
    args = parser.parse_args()
    SIZE[0] = args.size
    if args.baseline:
        BASELINE.append(str(args.baseline.resolve()))
    chosen = {k: v for k, v in CASES.items() if not args.only or k in args.only}
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        run(chosen, args.work, args.size, args.repetitions)
    else:
        with tempfile.TemporaryDirectory(prefix="pkginspect-bench-") as work:
            run(chosen, Path(work), args.size, args.repetitions)


if __name__ == "__main__":
    main()
