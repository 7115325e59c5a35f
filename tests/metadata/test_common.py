"""Shared helpers: bounded reading, attribute maps, identities, versions, dates, JSON export."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from pkginspect.errors import MetadataError
from pkginspect.metadata import AssemblyIdentity, Attributes, kb_from_text, parse_version
from pkginspect.metadata._common import (
    parse_bool,
    parse_datetime,
    parse_int,
    read_bounded,
    to_jsonable,
)


class Trickle(io.RawIOBase):
    """A raw stream that returns at most three bytes per read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 3) if size >= 0 else 3)


def test_read_bounded_reads_short_reads_to_the_end() -> None:
    assert read_bounded(Trickle(b"0123456789"), "s", 10) == b"0123456789"
    with pytest.raises(MetadataError, match="s: too large: more than 9 bytes"):
        read_bounded(Trickle(b"0123456789"), "s", 9)


def test_read_bounded_refuses_text_streams() -> None:
    with pytest.raises(TypeError):
        read_bounded(io.StringIO("x"), "s", 10)  # type: ignore[arg-type]  # a text stream on purpose


def test_attributes_mapping() -> None:
    attributes = Attributes((("b", "1"), ("a", "2")))
    assert list(attributes) == ["b", "a"]
    assert attributes == {"a": "2", "b": "1"}
    assert attributes != Attributes()
    assert hash(attributes) == hash(Attributes({"b": "1", "a": "2"}))
    assert attributes.__eq__(5) is NotImplemented
    assert "Attributes(" in repr(attributes)


def test_identity_helpers() -> None:
    identity = AssemblyIdentity(
        name="Package_for_KB5034441_RTM", version="10.0.1.3", language="en-US", processor_architecture="amd64"
    )
    assert identity.kb == 5034441
    assert identity.version_tuple == (10, 0, 1, 3)
    assert identity.key == "Package_for_KB5034441_RTM~~amd64~en-US~10.0.1.3"
    assert identity.to_dict()["attributes"] == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6.1.7601.24553", (6, 1, 7601, 24553)), ("1", (1,)), ("", None), (None, None), ("1.x", None), ("1..2", None)],
)
def test_parse_version(text: str | None, expected: tuple[int, ...] | None) -> None:
    assert parse_version(text) == expected


def test_small_parsers() -> None:
    assert kb_from_text(None, "no", "Package_for_KB4538483_SP1") == 4538483
    assert kb_from_text("KB12") is None
    assert [parse_bool(v) for v in ("true", "No", "1", "maybe", None)] == [True, False, True, None, None]
    assert [parse_int(v) for v in ("12", " -3 ", "+4", "1e3", "", None)] == [12, -3, 4, None, None, None]
    assert parse_datetime("2020-05-01T22:03:26Z") == dt.datetime(2020, 5, 1, 22, 3, 26, tzinfo=dt.timezone.utc)
    assert parse_datetime("2010-12-22T11:50:28.7219992") == dt.datetime(2010, 12, 22, 11, 50, 28, 721999)
    assert parse_datetime("2010-12-22T11:50:28.5") == dt.datetime(2010, 12, 22, 11, 50, 28, 500000)
    assert parse_datetime("yesterday") is None


def test_to_jsonable() -> None:
    value = {"when": dt.date(2020, 1, 2), "raw": b"\x01\xff", "set": frozenset({1}), "pairs": (("a", "b"),)}
    assert json.dumps(to_jsonable(value)) == (
        '{"when": "2020-01-02", "raw": "01ff", "set": [1], "pairs": [["a", "b"]]}'
    )
