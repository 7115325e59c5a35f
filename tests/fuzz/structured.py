"""Structure-aware fuzzing strategies: inputs built from the formats' structure, not just flipped bytes.

Each strategy is a pure function of ``(seed bytes, rng)`` producing a ``Scenario``; ``run_scenario`` does with
it what a user would and returns an ``Outcome`` (clean errors recorded), raising for anything that breaks a
promise: a host file's content in an output, a file outside the extraction target, a device or FIFO
replaced, a partial report left behind, or an exit code 4 (a bug) from the command line.

- ``cab-field``: one CFHEADER, CFFOLDER or CFFILE field of a real cabinet set to a boundary value;
- ``rewrap``: a container nested in a fixture package, mutated (bytes or a field), re-wrapped in a valid outer
  cabinet with the package's other members, so the damage sits behind a healthy outer layer;
- ``wim-special``: a WIM captured (``wimlib-imagex``) from a folder of symbolic links to a canary file, to
  ``/dev/zero``, to nowhere, of FIFOs and a deep directory chain, as is, byte-mutated, or inside a cabinet;
- ``user-file``: hostile machine facts, rules and calendar files through ``pkginspect check``;
- ``output-target``: ``pkginspect audit -o`` into ``/dev/null``, ``/dev/full``, a FIFO nobody reads, links
  to devices and files, a missing folder, a directory.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import random
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fixtures.cabwriter import Folder, Member, build_cabinet
from pkginspect.containers import cabformat as fmt
from pkginspect.containers import open_package
from pkginspect.errors import PkgInspectError
from tests.fuzz.exercise import Outcome, exercise_file
from tests.fuzz.mutate import INTERESTING_INTS, mutate

STRATEGIES = {"cab-field": 35, "rewrap": 25, "wim-special": 10, "user-file": 20, "output-target": 10}
CANARY = "pkginspect-canary-7f3a91c2"
"""Written into a host file that hostile WIM links point at; it must never appear in any output."""
REPO = Path(__file__).resolve().parent.parent.parent
PACKAGE = REPO / "fixtures" / "packages" / "Windows10.0-KB5036899-x64.msu"
MACHINE = REPO / "fixtures" / "machines" / "azure-edition-core.json"
WHEN = datetime.datetime(2024, 4, 9, 10, 0, 0)


class HostContentError(AssertionError):
    """A host file's content (the canary) reached an output or an extracted file."""


class OutputTargetError(AssertionError):
    """``-o`` replaced a device or FIFO, or left a partial file behind."""


class ExitCodeError(AssertionError):
    """The command line exited 4 (an internal error) or printed a traceback for a hostile input."""


@dataclass(frozen=True)
class Scenario:
    """One structured input: the strategy, its bytes, and what was done to make it."""

    strategy: str
    data: bytes
    operations: tuple[str, ...]
    variant: str = ""
    """``user-file``: which option the file goes to; ``output-target``: which target."""


# -- cabinets --------------------------------------------------------------------------------------------------


def _cab_fields(data: bytes) -> list[tuple[str, int, str]]:
    """(name, offset, struct format) of every header field of the cabinet in ``data`` that can be located."""
    fields: list[tuple[str, int, str]] = []
    if len(data) < fmt.CFHEADER.size or not data.startswith(fmt.SIGNATURE):
        return fields
    names = ("cbCabinet", "coffFiles", "cFolders", "cFiles", "flags", "iCabinet")
    offsets = (8, 16, 26, 28, 30, 34)
    fields += [(name, at, "<I" if at < 24 else "<H") for name, at in zip(names, offsets, strict=True)]
    header = fmt.CFHEADER.unpack_from(data)
    folders, files, flags, files_at = header[7], header[8], header[9], header[4]
    position = fmt.CFHEADER.size
    folder_reserve = 0
    if flags & fmt.FLAG_RESERVE_PRESENT and len(data) >= position + 4:
        reserve, folder_reserve, _data_reserve = fmt.CFHEADER_RESERVE.unpack_from(data, position)
        fields += [("cbCFHeader", position, "<H"), ("cbCFFolder", position + 2, "<B"), ("cbCFData", position + 3, "<B")]
        position += 4 + reserve
    for index in range(min(folders, 64)):
        if position + fmt.CFFOLDER.size > len(data):
            break
        fields += [(f"folder{index}.coffCabStart", position, "<I"), (f"folder{index}.cCFData", position + 4, "<H"),
                   (f"folder{index}.typeCompress", position + 6, "<H")]
        position += fmt.CFFOLDER.size + folder_reserve
    position = files_at
    for index in range(min(files, 256)):
        if position + fmt.CFFILE.size > len(data):
            break
        fields += [(f"file{index}.cbFile", position, "<I"), (f"file{index}.uoffFolderStart", position + 4, "<I"),
                   (f"file{index}.iFolder", position + 8, "<H"), (f"file{index}.attribs", position + 14, "<H")]
        end = data.find(b"\0", position + fmt.CFFILE.size)
        if end < 0:
            break
        position = end + 1
    return fields


def edit_cab_field(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """``data`` with one located cabinet field set to a boundary value (or a neighbour of its value)."""
    fields = _cab_fields(data)
    if not fields:
        return data, "no cabinet fields"
    name, offset, form = rng.choice(fields)
    size = {"<I": 4, "<H": 2, "<B": 1}[form]
    old = int.from_bytes(data[offset : offset + size], "little")
    choices = [v for v in INTERESTING_INTS if v < 1 << (8 * size)]
    value = rng.choice([*choices, max(old - 1, 0), min(old + 1, (1 << (8 * size)) - 1), old * 2 % (1 << (8 * size)),
                        rng.randrange(1 << (8 * size))])
    edited = bytearray(data)
    edited[offset : offset + size] = value.to_bytes(size, "little")
    return bytes(edited), f"{name}={value:#x} (was {old:#x})"


def rewrap(package: bytes, rng: random.Random) -> tuple[bytes, tuple[str, ...]]:
    """Mutate one nested container of ``package`` and build a valid outer cabinet around it again."""
    members: list[tuple[str, bytes]] = []
    path = Path(f"/dev/shm/pkginspect-rewrap-{os.getpid()}.msu")
    if not path.parent.is_dir():
        path = Path(f"/tmp/pkginspect-rewrap-{os.getpid()}.msu")
    path.write_bytes(package)
    try:
        with open_package(path) as opened:  # one pass over each folder, as a careful client reads
            wanted = [member for member in opened.members if not member.is_dir]
            for member, stream in opened.root.iter_open(wanted):
                members.append((member.name, stream.read()))
    finally:
        path.unlink()
    nested = [i for i, (name, data) in enumerate(members) if data[:4] == b"MSCF" or data[:5] == b"MSWIM"]
    if not nested:
        return package, ("no nested container",)
    chosen = rng.choice(nested)
    name, inner = members[chosen]
    if inner.startswith(fmt.SIGNATURE) and rng.random() < 0.6:
        inner, operation = edit_cab_field(inner, rng)
        operations: tuple[str, ...] = (operation,)
    else:
        mutated = mutate(inner, inner, rng)
        inner, operations = mutated.data, mutated.operations
    members[chosen] = (name, inner)
    outer = build_cabinet([Folder([Member.from_bytes(n, d, WHEN) for n, d in members])])
    return outer, (f"rewrapped {name}", *operations)


# -- WIMs with links and special files -------------------------------------------------------------------------


def special_wim(folder: Path, rng: random.Random, canary: Path) -> bytes:
    """A WIM captured from a folder of links (to ``canary``, /dev/zero, nowhere), FIFOs and a directory chain."""
    source = folder / "wim-source"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    (source / "update.mum").write_bytes(b"<assembly/>")
    links = {"update2.mum": str(canary), "zero.cab": "/dev/zero", "dangling.msu": "nowhere", "etc.mum": "/etc/hostname",
             "self.wim": ".", "up.cab": "../../.."}
    for name in rng.sample(sorted(links), rng.randint(1, len(links))):
        os.symlink(links[name], source / name)
    if rng.random() < 0.5:
        os.mkfifo(source / "fifo.cab")
    depth = rng.choice([0, 0, 5, 140])
    fd = os.open(source, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    target = folder / "special.wim"
    options = ["--unix-data"] if rng.random() < 0.5 else []
    subprocess.run(["wimlib-imagex", "capture", str(source), str(target), *options], check=True,
                   capture_output=True, timeout=60)
    data = target.read_bytes()
    shutil.rmtree(source, ignore_errors=True)
    target.unlink()
    return data


# -- hostile user files ----------------------------------------------------------------------------------------

RULE_WHENS = ("name =~ '(a+)+$'", "name =~ name", "1/0 == 1", "name[99] == 'x'", "(" * 60 + "true" + ")" * 60,
              "build_number ** 99999 > 1", "name =~ '" + "a" * 300 + "'", "name == 'x'")
RULE_MESSAGES = ("{name[0]}", "{}", "{0}", "{name!z}", "{name:>999999999}", "{name.__class__}", "{", "}", "{name}",
                 "{name:{name}}", "\x9b\u202e{name}")
FACT_VALUES = ('"9' + "9" * 5000 + '"', '"١٢٣٤٥.٦"', '"20348.' + "9" * 30 + '"', "1e999", "-1", "null", "[]",
               '"\\u202e"', '"\\x00"', "99999999999999999999999999")
CALENDAR_LINES = ("windows-server-2022-azure-edition,2026-01,hotpatch,2026-01-13,20348.4650,KB5090001,,,P,",
                  "windows-server-2022-azure-edition,99999-99,hotpatch,9999999-01-13,20348.9" + "9" * 40 + ",KB"
                  + "9" * 40 + ",,,P,", "windows-server-2022-azure-edition,2026-٠١,baseline-planned,,,,,,,",
                  "\"unterminated", "a,b", "windows-11,2026-13,oob,2026-13-45,1.2,KB1,1.2,KB1,X,\x9b")


def hostile_user_file(rng: random.Random) -> tuple[str, bytes, tuple[str, ...]]:
    """(option, file bytes, description) of a hostile ``--rules``, ``--machine`` or ``--calendar`` file."""
    option = rng.choice(["--rules", "--machine", "--calendar"])
    if option == "--rules":
        when, message = rng.choice(RULE_WHENS), rng.choice(RULE_MESSAGES)
        text = (f"[[rule]]\nid = 'fuzz'\nbefore = 'not-applicable.architecture'\nwhen = '''{when}'''\n"
                f"verdict = 'reboot-required'\nmessage = '''{message}'''\n")
        return option, text.encode(), (f"rule when={when[:40]!r} message={message!r}",)
    if option == "--machine":
        fact = rng.choice(["build", "vm_generation", "name", "edition", "hotpatch_enrolled", "product"])
        value = rng.choice(FACT_VALUES)
        text = ('{"name": "fuzz", "product": "windows-server-2022", "architecture": "amd64", '
                f'"{fact}": {value}}}')
        return option, text.encode(), (f"machine {fact}={value[:40]}",)
    header = "product,month,type,date,build,kb,lcu_build,lcu_kb,confidence,note\n"
    lines = rng.sample(CALENDAR_LINES, rng.randint(1, 3))
    return option, (header + "\n".join(lines) + "\n").encode(), (f"calendar {len(lines)} lines",)


OUTPUT_TARGETS = ("/dev/null", "/dev/full", "fifo", "link-to-null", "link-to-file", "missing-folder", "directory",
                  "regular", "read-only-file")


# -- building and running scenarios ----------------------------------------------------------------------------


def build_scenario(strategy: str, seed: bytes, rng: random.Random, scratch: Path) -> Scenario:
    """The structured input ``strategy`` makes from ``seed`` (a cabinet or package) with ``rng``."""
    if strategy == "cab-field":
        data = seed
        operations: list[str] = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            data, operation = edit_cab_field(data, rng)
            operations.append(operation)
        return Scenario(strategy, data, tuple(operations))
    if strategy == "rewrap":
        data, ops = rewrap(PACKAGE.read_bytes() if not seed.startswith(fmt.SIGNATURE) else seed, rng)
        return Scenario(strategy, data, ops)
    if strategy == "wim-special":
        canary = scratch / "host-secret.txt"
        canary.write_text(CANARY)
        wim = special_wim(scratch, rng, canary)
        how = rng.choice(["as is", "mutated", "in a cabinet"])
        if how == "mutated":
            wim = mutate(wim, wim, rng).data
        elif how == "in a cabinet":
            wim = build_cabinet([Folder([Member.from_bytes("Windows11.0-KB5066835-x64.wim", wim, WHEN),
                                         Member.from_bytes("readme.txt", b"hi", WHEN)])])
        return Scenario(strategy, wim, (how,))
    if strategy == "user-file":
        option, data, ops = hostile_user_file(rng)
        return Scenario(strategy, data, ops, option)
    if strategy == "output-target":
        target = rng.choice(OUTPUT_TARGETS)
        return Scenario(strategy, b"", (target,), target)
    raise ValueError(f"unknown strategy {strategy!r}")


def _cli(args: list[str], outcome: Outcome) -> tuple[int, str]:
    """Run the command line in this process; (exit code, everything printed). Timed as step ``args[0]``."""
    import time

    from click.testing import CliRunner

    from pkginspect.cli import main

    started = time.monotonic()
    result = CliRunner().invoke(main, args)
    outcome.timings[args[0]] = outcome.timings.get(args[0], 0.0) + time.monotonic() - started
    output = result.stdout + result.stderr
    if result.exit_code == 4 or (result.exception and not isinstance(result.exception, SystemExit)):
        raise ExitCodeError(f"exit {result.exit_code} for {args}: {output[-400:]!r} {result.exception!r}")
    if "Traceback" in output:
        raise ExitCodeError(f"a traceback for {args}: {output[-400:]!r}")
    return result.exit_code, output


def _no_canary(root: Path, *texts: str) -> None:
    for text in texts:
        if CANARY in text:
            raise HostContentError(f"host file content in an output: {text[:200]!r}")
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.name != "host-secret.txt":
            with contextlib.suppress(OSError), open(path, "rb") as stream:
                if CANARY.encode() in stream.read(16 * 1024 * 1024):
                    raise HostContentError(f"host file content in {path}")


def run_scenario(scenario: Scenario, home: Path, sandbox: Path, machines: Any) -> Outcome:
    """Exercise one structured input (see the module docstring); clean errors go in the returned Outcome."""
    if scenario.strategy in ("cab-field", "rewrap", "wim-special"):
        path = home / ("input.wim" if scenario.data.startswith(b"MSWIM") else "input.msu")
        path.write_bytes(scenario.data)
        try:
            outcome = exercise_file(path, sandbox, machines=machines)
            if scenario.strategy == "wim-special":
                code, output = _cli(["inspect", str(path), "--no-hash"], outcome)
                messages = [str(error) for _, error in outcome.errors] + outcome.problems
                _no_canary(sandbox, output, *messages)
        finally:
            path.unlink(missing_ok=True)
        return outcome
    outcome = Outcome()
    if scenario.strategy == "user-file":
        path = home / ("user.toml" if scenario.variant == "--rules" else "user.json"
                       if scenario.variant == "--machine" else "user.csv")
        path.write_bytes(scenario.data)
        machine = [] if scenario.variant == "--machine" else ["--machine", str(MACHINE)]
        code, output = _cli(["check", str(PACKAGE), *machine, scenario.variant, str(path)], outcome)
        if code == 3:
            outcome.errors.append(("check", PkgInspectError(str(path), output.strip().splitlines()[-1])))
        path.unlink()
        return outcome
    _output_target(scenario.variant, home, outcome)
    return outcome


def _output_target(kind: str, home: Path, outcome: Outcome) -> None:
    folder = home / "out"
    folder.mkdir()
    try:
        target: str
        if kind.startswith("/dev/"):
            target = kind
        elif kind == "fifo":
            target = str(folder / "fifo")
            os.mkfifo(target)
        elif kind == "link-to-null":
            target = str(folder / "null")
            os.symlink("/dev/null", target)
        elif kind == "link-to-file":
            (folder / "real.json").write_text("old")
            target = str(folder / "report.json")
            os.symlink(folder / "real.json", target)
        elif kind == "missing-folder":
            target = str(folder / "missing" / "report.json")
        elif kind == "directory":
            target = str(folder)
        elif kind == "read-only-file":
            target = str(folder / "ro.json")
            Path(target).write_text("old")
            os.chmod(target, 0o444)
        else:
            target = str(folder / "report.json")
        before = os.stat(target, follow_symlinks=True) if os.path.exists(target) else None
        code, output = _cli(["audit", str(PACKAGE), "--fleet", str(MACHINE), "--format", "json", "--jobs", "1",
                             "-o", target], outcome)
        if code not in (0, 2, 3):
            raise ExitCodeError(f"exit {code} writing to {kind}: {output[-300:]!r}")
        if code == 3:
            outcome.errors.append(("audit -o", PkgInspectError(target, output.strip().splitlines()[-1])))
        if before is not None and not stat.S_ISREG(before.st_mode) and not stat.S_ISDIR(before.st_mode):
            after = os.stat(target)
            if stat.S_IFMT(after.st_mode) != stat.S_IFMT(before.st_mode) or after.st_rdev != before.st_rdev:
                raise OutputTargetError(f"{kind} ({target}) was replaced by the report")
        if kind.startswith("link") and not os.path.islink(target):
            raise OutputTargetError(f"the symbolic link {target} was replaced")
        leftovers = [p.name for p in folder.rglob("*") if p.name.endswith(".pkginspect-partial")]
        if leftovers:
            raise OutputTargetError(f"partial report files left: {leftovers}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
