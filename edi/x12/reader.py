"""Streaming X12 tokenizer: bytes in, segments with positions out, never the whole file in memory."""

from __future__ import annotations

import io
from collections.abc import Generator, Iterator
from typing import BinaryIO

from edi.x12.segments import Segment, Separators

Split = tuple[str, int, bool] | None  # what is left to split: text, its offset, end of data; None: read on

BOM = b"\xef\xbb\xbf"
CHUNK_SIZE = 1 << 20
# No real 814/810 segment comes near this; a longer one is hostile input (A5).
MAX_SEGMENT_BYTES = 64 * 1024
_BETWEEN_SEGMENTS = "\r\n"


class ReadFailure:
    """Why reading stopped early: a code from ``edi.x12.problems`` and where."""

    __slots__ = ("code", "message", "offset")

    def __init__(self, code: str, message: str, offset: int) -> None:
        self.code = code
        self.message = message
        self.offset = offset

    def __repr__(self) -> str:
        return f"ReadFailure({self.code!r}, {self.message!r}, offset={self.offset})"


def parse_isa_header(text: str) -> tuple[Separators, int] | None:
    """Separators and the index of the segment terminator of the ISA at the start of ``text``."""
    if len(text) < 4 or not text.startswith("ISA"):
        return None
    element = text[3]
    index = 3
    for _ in range(15):
        index = text.find(element, index + 1, 400)
        if index < 0:
            return None
    # After the 16th separator: ISA16 (one character), then the segment terminator.
    if index + 2 >= len(text):
        return None
    return Separators(element, text[index + 1], text[index + 2]), index + 2


class X12Reader:
    """Iterate over the segments of one file; ``separators`` follow the latest ISA, ``failure`` says why it stopped."""

    def __init__(
        self,
        stream: BinaryIO,
        *,
        chunk_size: int = CHUNK_SIZE,
        max_segment: int = MAX_SEGMENT_BYTES,
    ) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        self._max_segment = max_segment
        self.separators: Separators | None = None
        self.failure: ReadFailure | None = None
        self.bom = False
        self.unterminated_tail = False
        self.segment_count = 0
        self.bytes_read = 0

    @classmethod
    def from_bytes(cls, data: bytes, **kwargs: int) -> X12Reader:
        """A reader over bytes already in memory (tests, small files)."""
        return cls(io.BytesIO(data), **kwargs)

    def _read(self) -> str:
        chunk = self._stream.read(self._chunk_size)
        self.bytes_read += len(chunk)
        # latin-1 maps every byte to one character, so offsets stay byte offsets; validation flags non-ASCII.
        return chunk.decode("latin-1")

    def __iter__(self) -> Iterator[Segment]:
        first = self._stream.read(self._chunk_size)
        self.bytes_read += len(first)
        base = 0
        if first.startswith(BOM):
            self.bom = True
            first = first[len(BOM) :]
            base = len(BOM)
        text = first.decode("latin-1")
        eof = not first
        while True:
            # Tolerate CR/LF (and stray blanks) before the next segment (guide section 3).
            stripped = text.lstrip(" \t\r\n")
            base += len(text) - len(stripped)
            text = stripped
            while len(text) < 512 and not eof:
                more = self._read()
                eof = not more
                text += more
                stripped = text.lstrip(" \t\r\n")
                base += len(text) - len(stripped)
                text = stripped
            if not text:
                return
            if self.separators is None or text.startswith("ISA"):
                header = parse_isa_header(text)
                if header is None:
                    what = "an ISA segment" if self.separators is None else "a readable ISA"
                    self.failure = ReadFailure("NOT_X12", f"the data does not start with {what}", base)
                    return
                self.separators, end = header
            text, base, eof = yield from self._split(text, base, eof)
            if self.failure is not None or (eof and not text):
                return

    def _split(self, text: str, base: int, eof: bool) -> Generator[Segment, None, tuple[str, int, bool]]:
        """Yield segments until the data ends or a new ISA needs fresh separators; return what is left."""
        assert self.separators is not None  # set by the caller before splitting
        element, terminator = self.separators.element, self.separators.segment
        number = self.segment_count
        max_segment = self._max_segment
        while True:
            parts = text.split(terminator)
            tail = parts.pop()
            offset = base
            # Per chunk, in C: whether any part may start a new ISA or be too long (then each part is checked).
            isa_inside = "ISA" in text
            too_long = max(map(len, parts), default=0) > max_segment
            for index, part in enumerate(parts):
                start = offset
                offset += len(part) + 1
                if part[:1] <= " ":  # CR, LF, blanks (or nothing) before the segment
                    trimmed = part.lstrip(" \t\r\n")
                    start += len(part) - len(trimmed)
                    part = trimmed
                    if not part:
                        number += 1
                        yield Segment([""], start, number)
                        continue
                if isa_inside and index and part.startswith("ISA"):
                    header = parse_isa_header(part + terminator)
                    if header is None or header[0].element != element or header[0].segment != terminator:
                        self.segment_count = number
                        rest = terminator.join(parts[index:]) + terminator + tail
                        return rest, start, eof
                if too_long and len(part) > max_segment:
                    self.failure = ReadFailure(
                        "SEGMENT_TOO_LONG", f"a segment is longer than {max_segment} bytes", start
                    )
                    self.segment_count = number
                    return "", offset, True
                number += 1
                yield Segment(part.split(element), start, number)
            base = offset
            number, done = yield from self._chunk_end(tail, base, eof, number)
            if done is not None:
                return done
            more = self._read()
            eof = not more
            text = tail + more

    def _chunk_end(self, tail: str, base: int, eof: bool, number: int) -> Generator[Segment, None, tuple[int, Split]]:
        """After a chunk's whole segments: a new ISA with its own separators, the end of data, or read on (None)."""
        assert self.separators is not None
        element, terminator = self.separators.element, self.separators.segment
        head = tail.lstrip(" \t\r\n")
        if head.startswith("ISA") and (eof or len(head) > 200):
            header = parse_isa_header(head)
            if header is not None and (header[0].element != element or header[0].segment != terminator):
                self.segment_count = number
                return number, (tail, base, eof)  # a new interchange with its own separators
        if eof:
            self.segment_count = number
            stripped = tail.strip(" \t\r\n")
            if stripped:
                self.unterminated_tail = True
                number += 1
                self.segment_count = number
                yield Segment(stripped.split(element), base + len(tail) - len(tail.lstrip(" \t\r\n")), number)
            return number, ("", base + len(tail), True)
        if len(tail) > self._max_segment:
            self.failure = ReadFailure("SEGMENT_TOO_LONG", f"a segment is longer than {self._max_segment} bytes", base)
            self.segment_count = number
            return number, ("", base, True)
        return number, None


def read_segments(data: bytes) -> list[Segment]:
    """All segments of ``data`` (for tests and small inputs)."""
    return list(X12Reader.from_bytes(data))
