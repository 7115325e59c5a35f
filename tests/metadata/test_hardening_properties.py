"""Property tests: every metadata parser, fed damaged real-shaped documents or arbitrary text, returns a record or
raises a one-line MetadataError that starts with the file's name — never anything else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pkginspect.errors import MetadataError
from pkginspect.metadata import KINDS, PARSERS
from tests.fuzz.mutate import TOKENS
from tests.fuzz.seeds import metadata_samples

SAMPLES = metadata_samples()
SOURCE = "pkg.msu!inner.cab!member"


def parse_or_fail_cleanly(kind: str, data: bytes) -> None:
    """Parse; a failure must be a MetadataError on one line naming ``SOURCE``."""
    try:
        PARSERS[kind](data, SOURCE).to_dict()
    except MetadataError as error:
        text = str(error)
        assert text.startswith(f"{SOURCE}: "), text
        assert "\n" not in text and "\r" not in text, text


def test_every_kind_has_samples() -> None:
    assert all(SAMPLES[kind] for kind in KINDS), [kind for kind in KINDS if not SAMPLES[kind]]
    for kind in KINDS:
        for _name, data in SAMPLES[kind]:
            PARSERS[kind](data, SOURCE)  # the unmutated samples parse


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    which=st.integers(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=6),
    token=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.sampled_from(TOKENS))),
    cut=st.one_of(st.none(), st.floats(0, 1)),
)
def test_damaged_documents(
    kind: str, which: int, flips: list[tuple[float, int]], token: tuple[float, bytes] | None, cut: float | None
) -> None:
    samples = SAMPLES[kind]
    data = bytearray(samples[which % len(samples)][1])
    for where, value in flips:
        data[int(where * len(data))] = value
    if token is not None:
        at = int(token[0] * len(data))
        data[at:at] = token[1]
    if cut is not None:
        del data[int(cut * len(data)) :]
    parse_or_fail_cleanly(kind, bytes(data))


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(KINDS), text=st.text(max_size=300), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_arbitrary_text(kind: str, text: str, encoding: str) -> None:
    parse_or_fail_cleanly(kind, text.encode(encoding, "replace"))


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    tags=st.lists(st.sampled_from(["assembly", "package", "assemblyIdentity", "update", "OfflineSyncPackage",
                                   "Updates", "Update", "CompDB", "Container", "unattend", "ExtendedProperties",
                                   "LocalizedProperties", "UpdateIdentity", "Properties", "a"]), min_size=1,
                  max_size=12),
    attribute=st.sampled_from(["", " name='x'", " version='1.2.3.4'", " version='99999999999999999999.1'",
                               " restart='required'", " releaseType='Update'", " RevisionId='-1'", " xmlns='urn:x'",
                               " UpdateId='' RevisionNumber='x'", " processorArchitecture='\u00e9'"]),
)
def test_nested_known_elements(kind: str, tags: list[str], attribute: str) -> None:
    """Real element names nested in odd orders with odd attribute values: records or clean errors."""
    opening = "".join(f"<{tag}{attribute}>" for tag in tags)
    closing = "".join(f"</{tag}>" for tag in reversed(tags))
    parse_or_fail_cleanly(kind, (opening + closing).encode())
