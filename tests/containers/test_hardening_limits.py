"""Every resource limit is enforced, and its error names the limit and how to raise it (one row per message)."""

from __future__ import annotations

import io
import multiprocessing
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import pkginspect.batch as batch
import pkginspect.package.many as many
from fixtures.broken import overlap_bomb
from fixtures.cabwriter import Folder
from pkginspect.cli import main
from pkginspect.containers import Limits, open_package
from pkginspect.containers.cab import CabinetReader
from pkginspect.containers.limits import Budget
from pkginspect.errors import LimitExceededError, MetadataError
from pkginspect.metadata import XmlLimits, parse_manifest, parse_mum, parse_pkgprops, parse_xml
from tests.containers.conftest import folder, zeros_member
from tests.fuzz.exercise import exercise_file

REPO = Path(__file__).resolve().parent.parent.parent
BROKEN = REPO / "fixtures" / "packages" / "broken"
WIM_PACKAGE = REPO / "fixtures" / "packages" / "Windows11.0-KB5066835-x64.msu"
TEXT = b"<assembly xmlns='urn:schemas-microsoft-com:asm.v3'/>\r\n" * 2000
MiB = 1024 * 1024


def read_everything(path: Path, limits: Limits) -> int:
    """Walk the package and read every file to its end; return the bytes the budget counted."""
    with open_package(path, limits) as package:
        for entry in list(package.walk()):
            if not entry.member.is_dir:
                with package.open(entry.path) as stream:
                    while stream.read(MiB):
                        pass
        return package.budget.inflated


def how_to_raise(name: str) -> str:
    option = "--" + name.replace("_", "-")
    return f"exceeds the {name} limit; raise it with {option} or Limits({name}=…)"


# -- container limits ---------------------------------------------------------------------------------------


def _member_size(make_cab: Callable[..., Path]) -> tuple[Path, Limits]:
    return make_cab(folder([("big.txt", TEXT)])), Limits(max_member_size=1000)


def _total_size(make_cab: Callable[..., Path]) -> tuple[Path, Limits]:
    return make_cab(folder([("a.txt", TEXT), ("b.txt", TEXT)])), Limits(max_total_size=len(TEXT))


def _ratio(make_cab: Callable[..., Path]) -> tuple[Path, Limits]:
    return make_cab(Folder([zeros_member("zeros.bin", 4 * MiB)])), Limits(ratio_grace=MiB)


def _members(make_cab: Callable[..., Path]) -> tuple[Path, Limits]:
    return make_cab(folder([("a", b"1"), ("b", b"2"), ("c", b"3")])), Limits(max_members=2)


def _depth(make_cab: Callable[..., Path]) -> tuple[Path, Limits]:
    inner = make_cab(folder([("update.mum", b"<assembly/>")]))
    middle = make_cab(folder([("inner.cab", inner.read_bytes())]))
    return make_cab(folder([("middle.cab", middle.read_bytes())])), Limits(max_depth=1)


@pytest.mark.parametrize(
    ("build", "limit", "what"),
    [
        (_member_size, "max_member_size", rf"big\.txt: member size {len(TEXT)} bytes "),
        (_total_size, "max_total_size", rf": inflating more than {len(TEXT)} bytes "),
        (_ratio, "max_ratio", r"zeros\.bin: expansion ratio \d+:1 "),
        (_members, "max_members", r"\.cab: 3 members "),
        (_depth, "max_depth", r"middle\.cab!inner\.cab: nesting depth 2 "),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("max_") else "",
)
def test_container_limit_messages(
    make_cab: Callable[..., Path], build: Callable[..., tuple[Path, Limits]], limit: str, what: str
) -> None:
    path, limits = build(make_cab)
    read_everything(path, Limits())  # within the defaults, everything reads
    with pytest.raises(LimitExceededError) as caught:
        read_everything(path, limits)
    assert caught.value.limit == limit
    message = str(caught.value)
    assert message.startswith(str(path))
    assert re.search(what, message), message
    assert message.endswith(how_to_raise(limit)), message


def test_wim_members_limit() -> None:
    with pytest.raises(LimitExceededError) as caught:
        open_package(WIM_PACKAGE, Limits(max_members=2))
    assert caught.value.limit == "max_members"
    assert str(caught.value) == f"{WIM_PACKAGE}: more than 2 members {how_to_raise('max_members')}"


def test_wim_member_size_limit() -> None:
    with open_package(WIM_PACKAGE, Limits(max_member_size=100)) as package:
        big = next(m for m in package.members if m.size > 100)
        with pytest.raises(LimitExceededError, match=re.escape(how_to_raise("max_member_size"))):
            package.read(big.name)


def test_nested_containers_count_members_separately(make_cab: Callable[..., Path]) -> None:
    inner = make_cab(folder([("a", b"1"), ("b", b"2"), ("c", b"3")]))
    outer = make_cab(folder([("inner.cab", inner.read_bytes())]))
    with open_package(outer, Limits(max_members=2)) as package, pytest.raises(LimitExceededError) as caught:
        list(package.walk())
    assert str(caught.value).startswith(f"{outer}!inner.cab: 3 members exceeds the max_members limit")


def test_overlapping_members_bomb_is_stopped_early() -> None:
    """Members sharing one range each re-decode the folder: the ratio counts every pass, not just one."""
    limits = Limits(ratio_grace=8 * MiB)
    data = overlap_bomb(members=40, member_size=4 * MiB)  # each pass stays under the grace; 160 MiB in all
    budget = Budget(limits)
    reader = CabinetReader(io.BytesIO(data), "overlap.cab", budget=budget)
    with pytest.raises(LimitExceededError) as caught:
        for member in reader.members:
            with reader.open(member) as stream:
                while stream.read(MiB):
                    pass
    assert caught.value.limit == "max_ratio"
    assert budget.inflated <= 16 * MiB, "stopped soon after the grace, not after every member"
    assert str(caught.value).endswith(how_to_raise("max_ratio"))


def test_overlap_bomb_fixture_stops_under_default_limits() -> None:
    path = BROKEN / "bomb-overlap.cab"
    start = time.monotonic()
    with pytest.raises(LimitExceededError) as caught:
        read_everything(path, Limits())
    assert caught.value.limit == "max_ratio"
    assert time.monotonic() - start < 3


def test_bomb_fixtures_stop_in_every_user_path(tmp_path: Path) -> None:
    for name in ("bomb-overlap.cab", "bomb-single.cab"):
        sandbox = tmp_path / name
        sandbox.mkdir()
        outcome = exercise_file(BROKEN / name, sandbox)
        steps = {step for step, error in outcome.errors if isinstance(error, LimitExceededError)}
        assert {"read", "extract"} <= steps, outcome.errors


# -- XML limits ---------------------------------------------------------------------------------------------

DEEP = b"<a>" * 5 + b"</a>" * 5


@pytest.mark.parametrize(
    ("parse", "message"),
    [
        (lambda: parse_xml(b"<a/>" + b" " * 100, "x.xml", limits=XmlLimits(max_bytes=50)),
         "x.xml: too large: 104 bytes, the limit is 50 bytes "
         "(the max_bytes limit; raise it with XmlLimits(max_bytes=…))"),
        (lambda: parse_xml(io.BytesIO(b"<a/>" + b" " * 100), "x.xml", limits=XmlLimits(max_bytes=50)),
         "x.xml: too large: more than 50 bytes, the limit is 50 bytes "
         "(the max_bytes limit; raise it with XmlLimits(max_bytes=…))"),
        (lambda: parse_mum(b"<assembly/>" * 10, "update.mum", limits=XmlLimits(max_bytes=20)),
         "update.mum: too large: 110 bytes, the limit is 20 bytes "
         "(the max_bytes limit; raise it with XmlLimits(max_bytes=…))"),
        (lambda: parse_manifest(b"<assembly/>" * 10, "a.manifest", limits=XmlLimits(max_bytes=20)),
         "a.manifest: too large: 110 bytes, the limit is 20 bytes "
         "(the max_bytes limit; raise it with XmlLimits(max_bytes=…))"),
        (lambda: parse_pkgprops(b"A=1\r\n" * 10, "p-pkgProperties.txt", max_bytes=20),
         "p-pkgProperties.txt: too large: 50 bytes, the limit is 20 bytes "
         "(the max_bytes limit; raise it with parse_pkgprops(max_bytes=…))"),
        (lambda: parse_xml(DEEP, "deep.xml", limits=XmlLimits(max_depth=4)),
         "deep.xml: invalid XML: elements nested deeper than 4 levels "
         "(the max_depth limit; raise it with XmlLimits(max_depth=…))"),
        (lambda: parse_mum(b"<assembly>" + DEEP + b"</assembly>", "update.mum", limits=XmlLimits(max_depth=3)),
         "update.mum: invalid XML: elements nested deeper than 3 levels "
         "(the max_depth limit; raise it with XmlLimits(max_depth=…))"),
    ],
    ids=["bytes", "stream", "mum", "manifest", "pkgprops", "depth", "mum-depth"],
)
def test_xml_limit_messages(parse: Callable[[], object], message: str) -> None:
    with pytest.raises(MetadataError) as caught:
        parse()
    assert str(caught.value) == message


def test_xml_limits_can_be_raised() -> None:
    assert parse_xml(DEEP, "deep.xml", limits=XmlLimits(max_depth=5)) is not None
    assert parse_xml(b"<a/>" + b" " * 100, "x.xml", limits=XmlLimits(max_bytes=104)) is not None


# -- time budget per package (batch runs) --------------------------------------------------------------------


def _slow_inspect(path: str, **_options: object) -> object:
    time.sleep(5)
    raise AssertionError("the time budget should have stopped this")


def test_package_timeout_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    before = signal.getsignal(signal.SIGALRM)
    monkeypatch.setattr(many, "inspect", _slow_inspect)
    start = time.monotonic()
    packages, failures = batch.inspect_paths([BROKEN / "traversal.cab"], jobs=1, package_timeout=0.2)
    assert time.monotonic() - start < 2
    assert packages == []
    assert [f.error for f in failures] == [
        f"{BROKEN / 'traversal.cab'}: inspecting took more than 0.2 s, which exceeds the package_timeout limit; "
        "raise it with --package-timeout or package_timeout=… (seconds)"
    ]
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the slow stand-in reaches workers by fork")
def test_package_timeout_in_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(many, "inspect", _slow_inspect)
    paths = [BROKEN / "traversal.cab", BROKEN / "absolute-names.cab"]
    start = time.monotonic()
    packages, failures = batch.inspect_paths(paths, jobs=2, package_timeout=0.2)
    assert time.monotonic() - start < 4
    assert not packages
    assert [f.path for f in failures] == [str(p) for p in paths]
    assert all("exceeds the package_timeout limit" in f.error for f in failures)


def test_package_timeout_stops_real_work(make_cab: Callable[..., Path]) -> None:
    """A 30 MiB update.mum (under every size limit) takes long to inflate and parse: the budget cuts it."""
    slow = make_cab(Folder([zeros_member("update.mum", 30 * MiB)]), name="slow.cab")
    quick = BROKEN / "traversal.cab"
    packages, failures = batch.inspect_paths([slow, quick], jobs=1, package_timeout=0.01)
    assert [p.path for p in packages] == [str(quick)]
    assert [f.path for f in failures] == [str(slow)]
    assert "exceeds the package_timeout limit" in failures[0].error


def test_package_timeout_is_generous_to_normal_packages() -> None:
    paths = sorted((REPO / "fixtures" / "packages").glob("*.msu"))
    packages, failures = batch.inspect_paths(paths, jobs=1, package_timeout=30)
    assert len(packages) == len(paths) and not failures


def test_audit_passes_the_time_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(many, "inspect", _slow_inspect)
    result = batch.audit([BROKEN / "traversal.cab"], [], jobs=1, package_timeout=0.1)
    assert [e.error.split(": ", 1)[1] for e in result.errors] == [
        "inspecting took more than 0.1 s, which exceeds the package_timeout limit; "
        "raise it with --package-timeout or package_timeout=… (seconds)"
    ]


# -- the same limits through the command line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "option", "limit"),
    [
        (_member_size, ["--max-member-size", "1000"], "max_member_size"),
        (_total_size, ["--max-total-size", str(len(TEXT))], "max_total_size"),
        (_members, ["--max-members", "2"], "max_members"),
        (_depth, ["--max-depth", "1"], "max_depth"),
    ],
    ids=["member-size", "total-size", "members", "depth"],
)
def test_cli_limit_errors_are_one_line(
    make_cab: Callable[..., Path], tmp_path: Path, build: Callable[..., tuple[Path, Limits]], option: list[str],
    limit: str,
) -> None:
    path, _ = build(make_cab)
    result = CliRunner().invoke(main, ["extract", str(path), "-d", str(tmp_path / "out"), "--recursive", *option])
    assert result.exit_code == 3, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"pkginspect: error: {path}")
    assert lines[0].endswith(how_to_raise(limit))
    assert "Traceback" not in result.output
