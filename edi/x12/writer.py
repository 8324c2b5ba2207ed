"""Writing X12: segments to text, and envelopes whose counts the builder computes itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from edi.x12.segments import DEFAULT_SEPARATORS, ISA_ELEMENT_WIDTHS, Segment, Separators, seg


def segment_text(segment: Segment, separators: Separators = DEFAULT_SEPARATORS) -> str:
    """One segment with its terminator."""
    return separators.element.join(segment.elements) + separators.segment


def write_segments(
    segments: Iterable[Segment], separators: Separators = DEFAULT_SEPARATORS, *, newline: bool = False
) -> str:
    """Segments as X12 text; ``newline`` adds a line break after each terminator (tolerated by readers)."""
    end = separators.segment + ("\n" if newline and separators.segment not in "\r\n" else "")
    element = separators.element
    return "".join(element.join(s.elements) + end for s in segments)


_LINE_END = DEFAULT_SEPARATORS.segment + ("\n" if DEFAULT_SEPARATORS.segment not in "\r\n" else "")
_ELEMENT = DEFAULT_SEPARATORS.element


def segment_line(*elements: str) -> str:
    """``render_set``'s text of ``seg(*elements)`` (trailing empty elements dropped), without building the segment."""
    end = len(elements)
    while end > 1 and elements[end - 1] == "":
        end -= 1
    return _ELEMENT.join(elements if end == len(elements) else elements[:end]) + _LINE_END


@dataclass(frozen=True, slots=True)
class SetText:
    """A transaction set's body already written (between ST and SE, our separators) and its segment count."""

    text: str
    segments: int


def set_text(body: Sequence[Segment]) -> SetText:
    """A set's body segments written as ``render_set`` writes them."""
    return SetText(write_segments(body, newline=True), len(body))


def render_set_text(code: str, control_number: str, body: SetText) -> str:
    """ST, the written body, SE: what ``render_set`` writes for a set of the same segments."""
    return (
        segment_line("ST", code, control_number)
        + body.text
        + segment_line("SE", str(body.segments + 2), control_number)
    )


@dataclass(frozen=True)
class Party:
    """An interchange party: ISA qualifier and ID, and the GS application code."""

    qualifier: str
    id: str
    gs_code: str = ""

    @property
    def application_code(self) -> str:
        """GS02/GS03 value: the GS code if set, else the ISA ID."""
        return self.gs_code or self.id


@dataclass(frozen=True)
class EnvelopeSettings:
    """Everything an interchange header needs that is not a count: injected, never read from a clock."""

    sender: Party
    receiver: Party
    timestamp: datetime
    interchange_control_number: int
    usage: str = "P"  # ISA15
    ack_requested: str = "0"  # ISA14
    separators: Separators = field(default=DEFAULT_SEPARATORS)


def isa_segment(settings: EnvelopeSettings) -> Segment:
    """The fixed-width ISA of guide section 3."""
    values = [
        "00",
        "",
        "00",
        "",
        settings.sender.qualifier,
        settings.sender.id,
        settings.receiver.qualifier,
        settings.receiver.id,
        settings.timestamp.strftime("%y%m%d"),
        settings.timestamp.strftime("%H%M"),
        "U",
        "00401",
        f"{settings.interchange_control_number:09d}",
        settings.ack_requested,
        settings.usage,
        settings.separators.component,
    ]
    padded = [v.ljust(w)[:w] for v, w in zip(values, ISA_ELEMENT_WIDTHS, strict=True)]
    return Segment(["ISA", *padded])


@dataclass(frozen=True)
class TransactionSet:
    """The body of one transaction set (between ST and SE) and its ST01/ST02."""

    code: str
    control_number: str
    body: Sequence[Segment]

    def segments(self) -> list[Segment]:
        """ST, body, SE with SE01 counted (ST through SE inclusive)."""
        count = len(self.body) + 2
        return [seg("ST", self.code, self.control_number), *self.body, seg("SE", str(count), self.control_number)]


@dataclass(frozen=True)
class FunctionalGroup:
    """One GS..GE group of transaction sets sharing a GS01."""

    functional_id: str
    control_number: int
    sets: Sequence[TransactionSet]

    def header(self, settings: EnvelopeSettings) -> Segment:
        """The GS: our application codes, the injected clock, GS08 004010."""
        ts = settings.timestamp
        return seg(
            "GS",
            self.functional_id,
            settings.sender.application_code,
            settings.receiver.application_code,
            ts.strftime("%Y%m%d"),
            ts.strftime("%H%M"),
            str(self.control_number),
            "X",
            "004010",
        )

    def trailer(self) -> Segment:
        """The GE with GE01 counted."""
        return seg("GE", str(len(self.sets)), str(self.control_number))

    def segments(self, settings: EnvelopeSettings) -> list[Segment]:
        """GS, the sets, GE."""
        body = [s for ts_ in self.sets for s in ts_.segments()]
        return [self.header(settings), *body, self.trailer()]


def build_interchange(
    settings: EnvelopeSettings,
    groups: Sequence[FunctionalGroup],
    *,
    preamble: Sequence[Segment] = (),
) -> list[Segment]:
    """ISA, optional segments before the first GS (a TA1), the groups, IEA with IEA01 counted."""
    out = [isa_segment(settings), *preamble]
    for group in groups:
        out.extend(group.segments(settings))
    out.append(seg("IEA", str(len(groups)), f"{settings.interchange_control_number:09d}"))
    return out


def interchange_text(
    settings: EnvelopeSettings,
    groups: Sequence[FunctionalGroup],
    *,
    preamble: Sequence[Segment] = (),
    newline: bool = True,
) -> str:
    """A whole interchange as text; a line break after each terminator (docs/analysts.md)."""
    segments = build_interchange(settings, groups, preamble=preamble)
    return write_segments(segments, settings.separators, newline=newline)


def render_set(transaction: TransactionSet, separators: Separators = DEFAULT_SEPARATORS) -> str:
    """One transaction set ST..SE as text, a line break after each terminator."""
    return write_segments(transaction.segments(), separators, newline=True)


def envelope_text(settings: EnvelopeSettings, functional_id: str, control_number: int, set_texts: Sequence[str]) -> str:
    """ISA, one group around already rendered sets, IEA: large groups never become one list of segments."""
    sep = settings.separators
    group = FunctionalGroup(functional_id, control_number, ())
    head = write_segments([isa_segment(settings), group.header(settings)], sep, newline=True)
    trailer = [
        seg("GE", str(len(set_texts)), str(control_number)),
        seg("IEA", "1", f"{settings.interchange_control_number:09d}"),
    ]
    return head + "".join(set_texts) + write_segments(trailer, sep, newline=True)
