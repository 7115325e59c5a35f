"""Helpers to build small cabinets for container tests (with the fixture generator's cabinet writer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from fixtures.cabwriter import COMPRESS_MSZIP, COMPRESS_NONE, Folder, Member, build_cabinet
from pkginspect.containers import CabinetReader, Container

WHEN = dt.datetime(2024, 4, 9, 10, 0, 0)
Files = Sequence[tuple[str, bytes]]


def cabinet(container: Container) -> CabinetReader:
    """``container`` as the cabinet reader it is, for its header and folder tables."""
    assert isinstance(container, CabinetReader)
    return container


def folder(files: Files, compression: str = "mszip") -> Folder:
    """A folder of (name, data) members; compression ``mszip`` or ``none``."""
    method = COMPRESS_MSZIP if compression == "mszip" else COMPRESS_NONE
    return Folder([Member.from_bytes(name, data, WHEN) for name, data in files], compression=method)


def zeros_member(name: str, size: int) -> Member:
    """A member of ``size`` zero bytes, produced in chunks (never whole in memory)."""

    def chunks() -> list[bytes]:
        block = bytes(1 << 20)
        return [block] * (size >> 20) + [bytes(size & ((1 << 20) - 1))]

    return Member(name, size, chunks, WHEN)


@pytest.fixture
def make_cab(tmp_path: Path) -> Callable[..., Path]:
    """Write a cabinet of the given folders to a file and return its path."""
    counter = iter(range(1_000_000))

    def make(*folders: Folder, name: str | None = None, **options: Any) -> Path:
        path = tmp_path / (name or f"test{next(counter)}.cab")
        path.write_bytes(build_cabinet(list(folders), **options))
        return path

    return make
