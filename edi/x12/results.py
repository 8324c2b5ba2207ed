"""What validation concludes, per transaction set, group and interchange: the facts acknowledgments are built from."""

from __future__ import annotations

from dataclasses import dataclass, field

from edi.x12.datatypes import ElementError
from edi.x12.problems import KEPT_PER_INTERCHANGE, KEPT_PER_SET, Bounded, Issue
from edi.x12.segments import Segment, Separators


@dataclass(frozen=True, slots=True)
class SegmentReport:
    """One AK3 with its AK4s."""

    tag: str
    position: int
    loop_id: str
    code: str
    elements: tuple[ElementError, ...] = ()


@dataclass(slots=True)
class SetResult:
    """One transaction set: accepted or not, why, and (when asked for) its segments ST..SE."""

    group_index: int
    code: str
    control_number: str
    segment_reports: list[SegmentReport] = field(default_factory=lambda: Bounded(KEPT_PER_SET))
    set_codes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=lambda: Bounded(KEPT_PER_SET))
    segments: list[Segment] | None = None
    guide_code: str = ""
    group_control: str = ""  # its group's GS06 as read

    @property
    def accepted(self) -> bool:
        """AK501 A: no set-level code and no segment in error."""
        return not self.set_codes and not self.segment_reports

    @property
    def ak5_codes(self) -> list[str]:
        """AK502..: set-level codes, plus 5 when segments are in error."""
        codes = list(self.set_codes)
        if self.segment_reports and "5" not in codes:
            codes.append("5")
        return codes[:5]


@dataclass(slots=True)
class GroupResult:
    """One functional group: its header values, counts and AK905 codes."""

    functional_id: str
    control_number: str
    version: str
    sender: str
    receiver: str
    declared_sets: int | None = None
    received_sets: int = 0
    accepted_sets: int = 0
    group_codes: list[str] = field(default_factory=list)

    @property
    def ak9_status(self) -> str:
        """A all accepted, P some, R none or a group-level error."""
        if self.group_codes:
            return "R"
        if self.accepted_sets == self.received_sets:
            return "A"
        return "R" if self.accepted_sets == 0 else "P"


@dataclass(slots=True)
class InterchangeResult:
    """One interchange: header values, TA1 verdict, its groups, and every envelope issue."""

    index: int
    offset: int
    separators: Separators
    sender_qualifier: str = ""
    sender_id: str = ""
    receiver_qualifier: str = ""
    receiver_id: str = ""
    date: str = ""
    time: str = ""
    control_number: str = ""
    ack_requested: str = "0"
    usage: str = "P"
    notes: list[str] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=lambda: Bounded(KEPT_PER_INTERCHANGE))
    ta1_segments: int = 0
    sender_recoverable: bool = True
    groups_over: int = 0  # I1: groups read past MAX_GROUPS, counted but not kept (the interchange is rejected)

    @property
    def group_count(self) -> int:
        """Functional groups the interchange holds, kept or not (IEA01 counts them all)."""
        return len(self.groups) + self.groups_over

    @property
    def rejected(self) -> bool:
        """TA104 R: the interchange is refused as a whole."""
        return bool(self.notes)

    @property
    def ta1_note(self) -> str:
        """TA105: the first envelope error found, or 000."""
        return self.notes[0] if self.notes else "000"

    @property
    def acknowledgment_only(self) -> bool:
        """Only 997s or TA1s inside: never acknowledged back (guide section 3)."""
        return (self.ta1_segments > 0 or bool(self.groups)) and all(g.functional_id == "FA" for g in self.groups)

    @property
    def transaction_count(self) -> int:
        """Transaction sets received in all groups."""
        return sum(g.received_sets for g in self.groups)

    @property
    def wants_ta1(self) -> bool:
        """A TA1 goes back when the envelope is bad or ISA14 asks for one, never for an acknowledgment."""
        if self.acknowledgment_only or not self.sender_recoverable:
            return False
        return self.rejected or (self.ack_requested == "1" and self.transaction_count > 0)
