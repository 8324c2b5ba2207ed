"""The streaming reader: separators from the ISA, positions, tolerated line breaks, chunk boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.x12.reader import X12Reader, parse_isa_header, read_segments
from edi.x12.segments import Separators

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "x12" / "good" / "814_request_sbo.edi"


def test_separators_come_from_the_isa() -> None:
    data = GOOD.read_bytes().replace(b"*", b"|").replace(b"~", b"^").replace(b"|>^", b"|:^")
    reader = X12Reader.from_bytes(data)
    segments = list(reader)
    assert reader.separators == Separators("|", ":", "^")
    assert segments[0].tag == "ISA" and segments[-1].elements == ["IEA", "1", "000000101"]


def test_positions_are_byte_offsets_and_numbers() -> None:
    data = GOOD.read_bytes()
    segments = read_segments(data)
    for segment in segments:
        assert data[segment.offset : segment.offset + 3].decode().startswith(segment.tag)
    assert [s.number for s in segments] == list(range(1, len(segments) + 1))


@pytest.mark.parametrize("chunk", [1, 7, 64, 105, 106, 107, 4096])
def test_chunk_boundaries_do_not_change_the_result(chunk: int) -> None:
    data = GOOD.read_bytes()
    expected = [(s.elements, s.offset) for s in read_segments(data)]
    got = [(s.elements, s.offset) for s in X12Reader.from_bytes(data, chunk_size=chunk)]
    assert got == expected


def test_crlf_after_terminators_is_tolerated() -> None:
    plain = read_segments(GOOD.read_bytes().replace(b"\n", b""))
    crlf = read_segments(GOOD.read_bytes().replace(b"\n", b"\r\n"))
    assert [s.elements for s in crlf] == [s.elements for s in plain]


def test_bom_is_stripped_and_offsets_stay_true() -> None:
    data = b"\xef\xbb\xbf" + GOOD.read_bytes()
    reader = X12Reader.from_bytes(data)
    segments = list(reader)
    assert reader.bom and segments[0].offset == 3 and segments[0].tag == "ISA"


def test_two_interchanges_with_different_separators() -> None:
    first = GOOD.read_bytes()
    second = first.replace(b"*", b"|").replace(b"~", b"^").replace(b"|>^", b"|:^")
    tags = [s.tag for s in read_segments(first + second)]
    assert tags.count("ISA") == 2 and tags.count("IEA") == 2 and len(tags) == 2 * len(read_segments(first))


def test_not_x12_stops_with_a_failure() -> None:
    reader = X12Reader.from_bytes(b"hello world, this is not an interchange")
    assert list(reader) == []
    assert reader.failure is not None and reader.failure.code == "NOT_X12"


def test_overlong_segment_stops_reading_without_holding_it() -> None:
    data = GOOD.read_bytes().replace(b"JANE Q CUSTOMER", b"X" * 200_000)
    reader = X12Reader.from_bytes(data, chunk_size=4096)
    segments = list(reader)
    assert reader.failure is not None and reader.failure.code == "SEGMENT_TOO_LONG"
    assert all(len("*".join(s.elements)) < 1000 for s in segments)


def test_isa_header_parse() -> None:
    header = parse_isa_header(GOOD.read_text())
    assert header is not None and header[1] == 105
