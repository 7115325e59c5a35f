"""The library refuses a wrong argument type with one clear ArgumentTypeError (a PkgInspectError and a TypeError)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import pkginspect

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "fixtures" / "packages" / "Windows10.0-KB5037848-x64.msu"
FLEET = REPO / "fixtures" / "machines" / "fleet.json"


@pytest.fixture(scope="module")
def inspected() -> pkginspect.UpdatePackage:
    return pkginspect.inspect(PACKAGE)


@pytest.fixture(scope="module")
def machine() -> pkginspect.Machine:
    return pkginspect.load_machines(FLEET)[0]


def _raises(call: Any, message: str) -> None:
    # The calls pass wrong argument types on purpose: mypy refuses them too, hence their ``type: ignore[…]``.
    with pytest.raises(pkginspect.ArgumentTypeError) as caught:
        call()
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, pkginspect.PkgInspectError)
    assert str(caught.value) == message


def test_evaluate_with_an_open_container(machine: pkginspect.Machine) -> None:
    with pkginspect.open_package(PACKAGE) as package:
        _raises(lambda: pkginspect.evaluate(package, machine),  # type: ignore[arg-type]
                "evaluate(): package must be an UpdatePackage, got Package (an open container from open_package(); "
                "get the package's facts with pkginspect.inspect(path))")


def test_evaluate_with_a_path_or_swapped_arguments(inspected: pkginspect.UpdatePackage,
                                                   machine: pkginspect.Machine) -> None:
    _raises(lambda: pkginspect.evaluate(str(PACKAGE), machine),  # type: ignore[arg-type]
            "evaluate(): package must be an UpdatePackage, got str (a path; read it first with "
            "pkginspect.inspect(path))")
    _raises(lambda: pkginspect.evaluate(machine, inspected),  # type: ignore[arg-type]
            "evaluate(): package must be an UpdatePackage, got Machine (from pkginspect.inspect(path))")
    _raises(lambda: pkginspect.evaluate(inspected, {"name": "web01"}),
            "evaluate(): machine must be a Machine, got dict (a mapping of facts; make a Machine with "
            "Machine.from_dict(facts))")
    _raises(lambda: pkginspect.evaluate(inspected, [machine]),
            "evaluate(): machine must be a Machine, got list (a list; pass one machine, or use evaluate_all / "
            "audit for a fleet)")


def test_audit_classify_inspect_render(inspected: pkginspect.UpdatePackage, machine: pkginspect.Machine) -> None:
    _raises(lambda: pkginspect.audit("fixtures/packages", [machine]),
            "audit(): paths must be a list of file or folder paths, got str (a single path; pass a list: "
            "audit([path], fleet))")
    _raises(lambda: pkginspect.audit([PACKAGE], str(FLEET)),
            "audit(): fleet must be a list of Machine records, got str (a path; read it first with "
            "pkginspect.load_machines(path))")
    _raises(lambda: pkginspect.audit([inspected], [machine]),  # type: ignore[list-item]
            "audit(): paths[] must be a file or folder path (str or os.PathLike), got UpdatePackage (audit reads "
            "the files itself: pass paths, not opened packages)")
    _raises(lambda: pkginspect.classify(str(PACKAGE)),  # type: ignore[arg-type]
            "classify(): package must be an UpdatePackage, got str (a path; read it first with "
            "pkginspect.inspect(path))")
    with pkginspect.open_package(PACKAGE) as package:
        _raises(lambda: pkginspect.inspect(package),  # type: ignore[arg-type]
                "inspect(): path must be a file path (str or os.PathLike), got Package (inspect reads the file "
                "itself: pass the package's path)")
    _raises(lambda: pkginspect.render([inspected], "html"),  # type: ignore[arg-type]
            "render(): result must be an AuditResult, got list (from pkginspect.audit(paths, fleet))")


def test_check_and_evaluate_all_with_wrong_types(inspected: pkginspect.UpdatePackage,
                                                machine: pkginspect.Machine) -> None:
    _raises(lambda: pkginspect.check("fixtures/packages", [machine]),
            "check(): paths must be a list of file or folder paths, got str (a single path; pass a list: "
            "check([path], machines))")
    _raises(lambda: pkginspect.check([PACKAGE], [1]),
            "check(): machines[] must be a Machine, got int (from pkginspect.load_machines(path) or Machine(...))")
    for function in (pkginspect.audit, pkginspect.check):
        _raises(lambda function=function: function([PACKAGE], [machine], calendar="calendar.csv"),
                f"{function.__name__}(): calendar must be a Calendar, got str (from pkginspect.load_calendar(paths) "
                "or pkginspect.bundled_calendar())")
    _raises(lambda: pkginspect.evaluate_all([str(PACKAGE)], [machine]),  # type: ignore[list-item]
            "evaluate_all(): packages[] must be an UpdatePackage, got str (a path; read it first with "
            "pkginspect.inspect(path))")
    result = pkginspect.check([PACKAGE], [machine])
    assert [d.verdict for d in result.decisions] == [d.verdict for d in pkginspect.evaluate_all([inspected], [machine])]


def test_right_types_still_work(inspected: pkginspect.UpdatePackage, machine: pkginspect.Machine) -> None:
    assert pkginspect.evaluate(inspected, machine).verdict in ("no-reboot", "reboot-required", "reboot-possible",
                                                                "not-applicable", "unknown")
    assert pkginspect.classify(inspected).kind == "hotpatch"
