"""997 and TA1 acknowledgments written by us (pyx12's writer puts 00401 in GS08 and takes ISA13 from the clock)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from tempfile import SpooledTemporaryFile
from typing import Protocol

from edi.x12.datatypes import is_digits
from edi.x12.envelope import ID_QUALIFIERS
from edi.x12.results import GroupResult, InterchangeResult, SetResult
from edi.x12.segments import DEFAULT_SEPARATORS, Segment, Separators, echo_safe, seg
from edi.x12.writer import EnvelopeSettings, FunctionalGroup, Party, TransactionSet, isa_segment, write_segments

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")


class ControlNumbers(Protocol):
    """Where outbound ISA13 and GS06 values come from (a store sequence in production, a counter in tests)."""

    def next_interchange(self) -> int:
        """The next ISA13."""
        ...

    def next_group(self) -> int:
        """The next GS06."""
        ...


class CountingControlNumbers:
    """Control numbers from simple counters: reproducible for a given start."""

    def __init__(self, interchange_start: int = 1, group_start: int = 1) -> None:
        self._interchange = interchange_start
        self._group = group_start

    def next_interchange(self) -> int:
        """The next ISA13."""
        value = self._interchange
        self._interchange += 1
        return value

    def next_group(self) -> int:
        """The next GS06."""
        value = self._group
        self._group += 1
        return value


@dataclass(frozen=True)
class AckSettings:
    """What an acknowledgment needs besides the validation result: clock, numbers, our identity, separators."""

    now: datetime
    control_numbers: ControlNumbers
    our_party: Party | None = None
    separators: Separators = DEFAULT_SEPARATORS


_clean = echo_safe  # a copy of bad data fit to send back (AK1, AK2, AK4, TA1): else empty

SPOOL_BYTES = 1 << 20


def _spool() -> SpooledTemporaryFile[str]:
    """Text held in memory up to ``SPOOL_BYTES``, in a temporary file beyond."""
    return SpooledTemporaryFile(SPOOL_BYTES, mode="w+", encoding="ascii", newline="")


@dataclass
class _Loops:
    """One group's AK2..AK5 loops, rendered as they arrive and spooled: memory stays flat in the group's size.

    The text is held in memory up to ``SPOOL_BYTES`` and goes to a temporary file beyond (a
    million-set interchange must not hold a million strings).
    """

    spool: SpooledTemporaryFile[str] = field(default_factory=lambda: _spool())
    segments: int = 0

    def copy_to(self, out: SpooledTemporaryFile[str]) -> None:
        """Everything spooled, in order, then the spool is released."""
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, out, 1 << 16)
        self.spool.close()


def ak2_loop(result: SetResult, separators: Separators) -> tuple[str, int]:
    """One transaction set's AK2..AK5 loop as text, and how many segments it holds."""
    body = [seg("AK2", _clean(result.code, separators, 3), _clean(result.control_number, separators, 9))]
    for report in result.segment_reports:
        if not _SEGMENT_ID.match(report.tag):
            continue  # AK301 needs a real segment ID; the AK5 below still rejects the set
        body.append(seg("AK3", report.tag, str(report.position), report.loop_id, report.code))
        for element in report.elements:
            bad = _clean(element.value, separators)
            body.append(seg("AK4", str(element.position), element.data_element, element.code, bad))
    body.append(seg("AK5", "A" if result.accepted else "R", *result.ak5_codes))
    return write_segments(body, separators, newline=True), len(body)


@dataclass
class AckPlan:
    """An acknowledgment with its control numbers drawn, not yet written: the TA1, each group's loops, the ISA."""

    preamble: list[Segment]
    groups: list[tuple[_Loops, GroupResult, int, str]]
    envelope: EnvelopeSettings


class AckCollector:
    """Collects AK2..AK5 loops per group while sets are validated, then writes the 997/TA1 interchange."""

    def __init__(self, settings: AckSettings) -> None:
        self.settings = settings
        self._loops: dict[int, _Loops] = {}

    def add_set(self, result: SetResult) -> None:
        """Record the AK2 loop of one transaction set."""
        self.add_loop(result.group_index, *ak2_loop(result, self.settings.separators))

    def add_loop(self, group_index: int, text: str, segments: int) -> None:
        """Record one set's AK2 loop, already written (``ak2_loop``, with this collector's separators)."""
        loops = self._loops.get(group_index)
        if loops is None:
            loops = self._loops[group_index] = _Loops()
        loops.spool.write(text)
        loops.segments += segments

    def _group_text(self, loops: _Loops, group: GroupResult, gs06: int, st02: str, envelope: EnvelopeSettings,
                    out: SpooledTemporaryFile[str]) -> None:  # fmt: skip
        """GS, ST, AK1, the loops, AK9, SE, GE of one 997 group, written to ``out``."""
        separators = self.settings.separators
        # A garbled GS06 cannot be echoed as it came; 0 names "the group we could not identify".
        control = _clean(group.control_number, separators, 9) if is_digits(group.control_number) else "0"
        ak1 = seg("AK1", _clean(group.functional_id, separators, 2) or "ZZ", control)
        included = group.declared_sets if group.declared_sets is not None else group.received_sets
        ak9 = seg(
            "AK9",
            group.ak9_status,
            str(included),
            str(group.received_sets),
            str(group.accepted_sets),
            *group.group_codes[:5],
        )
        header = FunctionalGroup("FA", gs06, [TransactionSet("997", st02, ())])
        count = loops.segments + 4  # ST, AK1, AK9, SE
        out.write(write_segments([header.header(envelope), seg("ST", "997", st02), ak1], separators, newline=True))
        loops.copy_to(out)
        out.write(write_segments([ak9, seg("SE", str(count), st02), header.trailer()], separators, newline=True))

    def ta1(self, ix: InterchangeResult) -> Segment:
        """TA1 for one interchange: TA104 R on an envelope error, else A with 000."""
        separators = self.settings.separators
        status = "R" if ix.rejected else "A"
        return seg(
            "TA1",
            _clean(ix.control_number, separators, 9),
            _clean(ix.date, separators, 6),
            _clean(ix.time, separators, 4),
            status,
            ix.ta1_note,
        )

    def finish(self, ix: InterchangeResult) -> str | None:
        """The acknowledgment interchange for ``ix`` as text, or None when nothing is to be sent."""
        plan = self.plan(ix)
        return self.write(plan) if plan is not None else None

    def plan(self, ix: InterchangeResult) -> AckPlan | None:
        """What the acknowledgment of ``ix`` will hold, its control numbers drawn now (None: nothing is sent).

        ``write`` makes the text later: numbers drawn in order, while the text is only held once it is needed.
        """
        loops, self._loops = self._loops, {}
        if ix.acknowledgment_only or not ix.sender_recoverable or not self._addressable(ix):
            return None
        if self._our_party(ix) is None:
            return None  # no identity of ours to send from: the receiver in the file is unusable
        preamble = [self.ta1(ix)] if ix.wants_ta1 else []
        groups: list[tuple[_Loops, GroupResult, int, str]] = []
        if not ix.rejected:
            numbers = self.settings.control_numbers
            for index, group in enumerate(ix.groups):
                if group.functional_id == "FA":
                    continue  # nobody acknowledges a 997 with a 997
                groups.append((loops.get(index, _Loops()), group, numbers.next_group(), f"{len(groups) + 1:04d}"))
        if not preamble and not groups:
            return None
        return AckPlan(preamble, groups, self._envelope(ix))  # ISA13 drawn after the GS06s, as it always was

    def write(self, plan: AckPlan) -> str:
        """The acknowledgment interchange's text, from its plan."""
        separators = self.settings.separators
        with _spool() as out:  # the whole 997 is made once, from the spools: one copy in memory at the end
            out.write(write_segments([isa_segment(plan.envelope), *plan.preamble], separators, newline=True))
            for each in plan.groups:
                self._group_text(*each, plan.envelope, out)
            iea = seg("IEA", str(len(plan.groups)), f"{plan.envelope.interchange_control_number:09d}")
            out.write(write_segments([iea], separators, newline=True))
            out.seek(0)
            return out.read()

    def _addressable(self, ix: InterchangeResult) -> bool:
        """I6: the sender's ISA05/ISA06 can go into our ISA07/ISA08 and GS03 as they are (none of our separators)."""
        separators = self.settings.separators
        sender = ix.sender_id.strip()
        return echo_safe(sender, separators, 15) == sender and ix.sender_qualifier in ID_QUALIFIERS

    def _our_party(self, ix: InterchangeResult) -> Party | None:
        """Who we send as: the configured party, else the receiver the file named, if it is usable."""
        if self.settings.our_party is not None:
            return self.settings.our_party
        if ix.receiver_qualifier in ID_QUALIFIERS and _clean(ix.receiver_id, self.settings.separators, 15):
            return Party(ix.receiver_qualifier, ix.receiver_id)
        return None

    def _envelope(self, ix: InterchangeResult) -> EnvelopeSettings:
        """Our ISA: the parties swapped, usage echoed, ISA13 from the injected numbers."""
        ours = self._our_party(ix)
        assert ours is not None  # finish() checked
        theirs = Party(ix.sender_qualifier, ix.sender_id)
        return EnvelopeSettings(
            sender=ours,
            receiver=theirs,
            timestamp=self.settings.now,
            interchange_control_number=self.settings.control_numbers.next_interchange(),
            usage=ix.usage if ix.usage in ("P", "T") else "P",
            separators=self.settings.separators,
        )


def acknowledge(
    events: Iterable[SetResult | InterchangeResult | object], settings: AckSettings
) -> list[tuple[InterchangeResult, str | None]]:
    """Every interchange of a validation run with its acknowledgment text (None when none is sent)."""
    collector = AckCollector(settings)
    out: list[tuple[InterchangeResult, str | None]] = []
    for event in events:
        if isinstance(event, SetResult):
            collector.add_set(event)
        elif isinstance(event, InterchangeResult):
            out.append((event, collector.finish(event)))
    return out
