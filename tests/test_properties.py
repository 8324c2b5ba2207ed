"""Hypothesis: generated interchanges round-trip; mutated input always yields reported problems, never a crash."""

from __future__ import annotations

import io
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.guides.validator import FileProblem, Validator
from edi.times import zone
from edi.x12.acks import AckSettings, CountingControlNumbers, acknowledge
from edi.x12.reader import read_segments
from edi.x12.results import InterchangeResult, SetResult
from edi.x12.segments import Separators, seg
from edi.x12.writer import EnvelopeSettings, FunctionalGroup, Party, TransactionSet, interchange_text, write_segments
from tests.goldens import FIXTURES

CENTRAL = zone()  # the utility's zone (O8)

SAFE = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/", min_size=1, max_size=20).map(str.strip).filter(bool)
SEPARATOR_SETS = st.sampled_from([Separators("*", ">", "~"), Separators("|", ":", "^"), Separators("*", ":", "\n")])


def enrollment(st02: str, account: str, name: str, option: str) -> TransactionSet:
    pc = "LDC" if option == "LDC" else "DUAL"
    body = [
        seg("BGN", "13", f"RES{st02}", "20261101"),
        seg("N1", "8S", "AMEREN ILLINOIS", "1", "111111111"),
        seg("N1", "SJ", "PRAIRIE POWER LLC", "1", "222222222"),
        seg("N1", "8R", name),
        seg("LIN", "1", "SH", "EL", "SH", "CE"),
        seg("ASI", "7", "021"),
        seg("REF", "12", account),
        seg("REF", "BLT", option),
        seg("REF", "PC", pc),
    ]
    return TransactionSet("814", st02, body)


@st.composite
def interchanges(draw: st.DrawFn) -> tuple[EnvelopeSettings, list[FunctionalGroup]]:
    separators = draw(SEPARATOR_SETS)
    count = draw(st.integers(1, 5))
    sets = [
        enrollment(
            f"{i + 1:04d}",
            draw(st.from_regex(r"[0-9]{10}", fullmatch=True)),
            draw(SAFE),
            draw(st.sampled_from(["ESP", "DUAL", "LDC"])),
        )
        for i in range(count)
    ]
    envelope = EnvelopeSettings(
        Party("01", "222222222"),
        Party("01", "111111111"),
        datetime(2026, 11, 1, 9, 0, tzinfo=CENTRAL),
        draw(st.integers(1, 999_999_999)),
        separators=separators,
    )
    return envelope, [FunctionalGroup("GE", draw(st.integers(1, 999_999_999)), sets)]


def run(data: bytes) -> list[object]:
    return list(Validator().run(io.BytesIO(data)))


@settings(max_examples=60, deadline=None)
@given(interchanges())
def test_write_read_write_is_identity(case: tuple[EnvelopeSettings, list[FunctionalGroup]]) -> None:
    envelope, groups = case
    text = interchange_text(envelope, groups, newline=False)
    segments = read_segments(text.encode("ascii"))
    assert write_segments(segments, envelope.separators) == text
    if envelope.separators.segment != "\n":
        with_breaks = interchange_text(envelope, groups, newline=True)
        assert [s.elements for s in read_segments(with_breaks.encode("ascii"))] == [s.elements for s in segments]


@settings(max_examples=60, deadline=None)
@given(interchanges())
def test_generated_interchanges_validate_clean(case: tuple[EnvelopeSettings, list[FunctionalGroup]]) -> None:
    envelope, groups = case
    events = run(interchange_text(envelope, groups).encode("ascii"))
    ix = [e for e in events if isinstance(e, InterchangeResult)]
    assert len(ix) == 1 and not ix[0].issues
    assert all(e.accepted for e in events if isinstance(e, SetResult))


SEED = (FIXTURES / "good" / "814_batch_three_sets.edi").read_bytes()


def mutations() -> st.SearchStrategy[bytes]:
    truncate = st.integers(0, len(SEED)).map(lambda n: SEED[:n])
    flips = st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.integers(0, 255)), min_size=1, max_size=8).map(
        lambda edits: bytes(_apply(SEED, edits))
    )
    swaps = st.sampled_from([b"*", b"~", b">", b"|", b"\n", b""]).flatmap(
        lambda a: st.sampled_from([b"*", b"~", b">", b"^"]).map(lambda b: SEED.replace(a, b) if a else SEED)
    )
    deleted = st.integers(0, SEED.count(b"~") - 1).map(lambda i: _delete_segment(SEED, i))
    return st.one_of(truncate, flips, swaps, deleted, st.binary(max_size=400))


def _apply(data: bytes, edits: list[tuple[int, int]]) -> bytearray:
    out = bytearray(data)
    for position, value in edits:
        out[position] = value
    return out


def _delete_segment(data: bytes, index: int) -> bytes:
    parts = data.split(b"~")
    del parts[index]
    return b"~".join(parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutated_input_yields_a_disposition_never_an_exception(data: bytes) -> None:
    events = run(data)
    assert events, "every input ends in at least one event"
    assert all(isinstance(e, (SetResult, InterchangeResult, FileProblem)) for e in events)
    # Acknowledging never fails either, and what it writes reads back as X12.
    for _, text in acknowledge(events, AckSettings(datetime(2026, 11, 1, tzinfo=CENTRAL), CountingControlNumbers())):
        if text is not None:
            assert read_segments(text.encode("ascii"))[-1].tag == "IEA"
    if data != SEED:
        changed = [e for e in events if getattr(e, "issues", None) or isinstance(e, FileProblem)]
        sets = [e for e in events if isinstance(e, SetResult)]
        # A change either is reported, or left every set intact (e.g. a byte flipped inside a name).
        assert changed or (sets and all(s.accepted for s in sets))
