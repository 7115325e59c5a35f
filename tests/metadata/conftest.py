"""Fixtures for the metadata tests: bytes of members inside the real sample packages."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pkginspect.containers import Package, join, open_package
from tests.shared import require_shared

SampleMember = Callable[..., bytes]


@pytest.fixture(scope="session")
def sample_member() -> Iterator[SampleMember]:
    """Return ``get(sample_file_name, *nested_member_names) -> bytes`` for the real samples.

    ``get("KB4538483-x64.msu", "WSUSSCAN.cab", "package.cab", "core/2858")`` reads through each nested
    cabinet with pkginspect's own container reader (names compared case-insensitively).
    """
    real = require_shared("samples", "real")
    opened: dict[str, Package] = {}

    def get(sample: str, *names: str) -> bytes:
        if not names:
            return (real / sample).read_bytes()
        if sample not in opened:
            opened[sample] = open_package(real / sample)
        return opened[sample].read(join(*names))

    yield get
    for package in opened.values():
        package.close()
