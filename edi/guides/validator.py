"""Our validation engine: one pass over a file's segments, envelope by envelope, set by set.

Events come out as they are decided: a ``SetResult`` at each SE (provisional until its interchange closes),
an ``InterchangeResult`` at each IEA (or at the end of the data), and ``FileProblem`` for input that is not
an interchange at all. Every input maps to events; nothing here raises on bad data.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from edi.guides.compiler import GuideSet, LoopRule, SegmentRule, TransactionGuide, load_guides
from edi.guides.fast import fast_path
from edi.guides.sets import SetCheck
from edi.guides.walker import SetWalker
from edi.x12.control_numbers import ControlNumberSet
from edi.x12.datatypes import is_digits
from edi.x12.envelope import EnvelopeFinding, check_isa, iea_findings, interchange_from_isa, sender_recoverable
from edi.x12.problems import KEPT_PER_FILE, MAX_GROUPS, Bounded, Issue, Where
from edi.x12.reader import X12Reader
from edi.x12.results import GroupResult, InterchangeResult, SetResult
from edi.x12.segments import Segment, Separators


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Input that cannot be acknowledged: not X12, empty, or data outside any interchange."""

    issue: Issue


@dataclass(frozen=True, slots=True)
class Opened:
    """An interchange's ISA was read (``announce``): the interchange as its envelope left it, still open."""

    interchange: InterchangeResult


Event = SetResult | InterchangeResult | FileProblem | Opened
ENVELOPE_TAGS = frozenset({"ST", "SE", "GS", "GE", "IEA", "ISA"})  # every other tag inside a set is its body


def keep_group(ix: InterchangeResult, group: GroupResult, at: Segment | None,
               report: Callable[[str, str, Segment | None], None]) -> None:  # fmt: skip
    """A closed group joins its interchange; past ``MAX_GROUPS`` it is only counted (I1: rejected by one TA1)."""
    if len(ix.groups) < MAX_GROUPS:
        ix.groups.append(group)
        return
    if not ix.groups_over:
        report("024", f"more than {MAX_GROUPS} functional groups in one interchange (I1)", at)
    ix.groups_over += 1


def gs_findings(v: list[str], guides: GuideSet, has_guide: bool, seen: ControlNumberSet) -> list[tuple[str, str]]:
    """AK9 codes a GS earns: the functional group, its version, and GS06 (a number, once per interchange)."""
    found = []
    if v[1] == "FA":
        pass  # acknowledgments are read, never validated back against our maps (guide section 3)
    elif not guides.supports_functional_id(v[1]):
        found.append(("1", f"GS01 {v[1]!r} is not a supported functional group ({' or '.join(guides.functional_ids)})"))
    elif not has_guide:
        found.append(("2", f"GS08 {v[8]!r} is not supported for GS01 {v[1]}; use 004010"))
    if not (is_digits(v[6]) and 1 <= len(v[6]) <= 9):
        found.append(("6", f"GS06 {v[6]!r} is not a number of 1 to 9 digits"))
    elif not seen.add(v[6]):
        found.append(("6", f"GS06 {v[6]} is used twice in this interchange"))
    return found


def ge_findings(ge: Segment, group: GroupResult) -> list[tuple[str, str]]:
    """AK9 codes a GE earns against its group (GE02 against GS06, GE01 against the sets); records GE01."""
    declared = ge.get(1)
    group.declared_sets = int(declared) if is_digits(declared) else None
    found = []
    if ge.get(2) != group.control_number:
        found.append(("4", f"GE02 {ge.get(2)!r} does not match GS06 {group.control_number!r}"))
    if declared != str(group.received_sets):
        found.append(("5", f"GE01 says {declared!r} sets; the group has {group.received_sets}"))
    return found


def stopped_outside(reader: X12Reader, seen_any: bool, name: str) -> Iterator[FileProblem]:
    """Why a file with no interchange open at its end stopped: empty, not X12, or unreadable data after an IEA."""
    failure = reader.failure
    if failure is None:
        if not seen_any:
            yield FileProblem(Issue("FILE:EMPTY", "the file is empty or holds only blanks", Where(name)))
    elif not seen_any:
        code = "FILE:EMPTY" if reader.bytes_read == 0 else "FILE:NOT_X12"
        message = "the file is empty" if code == "FILE:EMPTY" else failure.message
        yield FileProblem(Issue(code, message, Where(name, 0, failure.offset)))
    else:
        yield FileProblem(Issue("FILE:OUTSIDE_INTERCHANGE", failure.message, Where(name, 0, failure.offset)))


def envelope_findings(ix: InterchangeResult, isa: Segment, separators: Separators,
                      receiver_ids: Collection[str] | None) -> list[EnvelopeFinding]:  # fmt: skip
    """The ISA's TA1 findings; whether a TA1 can be sent at all is set on ``ix`` (B8, B9)."""
    findings = check_isa(isa, separators, receiver_ids)
    ix.sender_recoverable = sender_recoverable(isa, findings)
    return findings


def outside_interchange(file_name: str, segment: Segment) -> FileProblem:
    """A segment before any ISA or after an IEA: nothing can acknowledge it."""
    tag = segment.elements[0][:3]
    message = f"{tag or 'an empty segment'} outside any ISA..IEA"
    return FileProblem(
        Issue("FILE:OUTSIDE_INTERCHANGE", message, Where(file_name, segment.number, segment.offset), tag)
    )


class Validator:
    """Validate X12 against the compiled guides; ``keep_segments`` attaches ST..SE to each accepted set."""

    def __init__(self, guides: GuideSet | None = None, *, file_name: str = "", keep_segments: bool = False,
                 receiver_ids: Collection[str] | None = None, fast: bool = True,
                 announce: bool = False) -> None:  # fmt: skip
        self.guides, self.file_name = guides or load_guides(), file_name
        self.keep_segments, self.receiver_ids = keep_segments, receiver_ids
        self.fast, self.announce = fast, announce  # the compiled fast path (False: the full engine); Opened events
        self._indexes: dict[int, dict[str, list[SegmentRule | LoopRule]]] = {}
        self.reader: X12Reader | None = None  # the last run's reader: its failure says why reading stopped
        self._ix: InterchangeResult | None = None  # the open interchange, group and set
        self._group: GroupResult | None = None
        self._group_guide: TransactionGuide | None = None
        self._set: SetCheck | None = None
        self._group_st02, self._group_gs06 = ControlNumberSet(), ControlNumberSet()  # seen ST02s, GS06s
        self._interchanges, self._last = 0, cast(Segment | None, None)
        self._outside = 0  # segments outside any interchange: the first KEPT_PER_FILE are reported (H1)

    def _where(self, segment: Segment | None) -> Where:
        ix, group, ts = self._ix, self._group, self._set
        return Where(self.file_name, segment.number if segment else 0, segment.offset if segment else 0,
                     ix.control_number if ix else "", group.control_number if group else "",
                     ts.result.control_number if ts else "")  # fmt: skip

    def _envelope(self, note: str, message: str, segment: Segment | None) -> None:
        """Record a TA1-level problem on the open interchange."""
        ix = self._ix
        assert ix is not None  # only called with an interchange open
        if note not in ix.notes:
            ix.notes.append(note)  # the TA1 carries the first; repeats add nothing (H1)
        tag = segment.tag if segment else ""
        cast(Bounded[Issue], ix.issues).add(lambda: Issue(f"TA1:{note}", message, self._where(segment), tag))

    def _group_error(self, code: str, message: str, segment: Segment | None) -> None:
        assert self._group is not None and self._ix is not None
        if code not in self._group.group_codes:
            self._group.group_codes.append(code)
        self._ix.issues.append(Issue(f"AK9:{code}", message, self._where(segment), segment.tag if segment else ""))

    def run(self, stream: BinaryIO) -> Iterator[Event]:
        """Validate one file's bytes."""
        reader = X12Reader(stream)
        self.reader = reader
        seen_any = False
        for segment in reader:
            seen_any = True
            self._last = segment
            held = self._set
            if held is not None and held.fast is not None and segment.elements[0] not in ENVELOPE_TAGS:
                held.body(segment)  # the common case, held for the fast path: no generator per segment
                continue
            yield from self._segment(segment, reader)
        yield from self._end_of_data(reader, seen_any)

    def _end_of_data(self, reader: X12Reader, seen_any: bool) -> Iterator[Event]:
        """Why reading stopped, if it did, and the interchange the data left open."""
        if self._ix is None:
            yield from stopped_outside(reader, seen_any, self.file_name)
        else:
            if reader.failure is not None:
                self._envelope("024", f"reading stopped: {reader.failure.message}", self._last)
            yield from self._close_interchange(None, truncated=True)
        if self._outside > KEPT_PER_FILE:
            message = f"{self._outside - KEPT_PER_FILE} more segment(s) outside any ISA..IEA, counted but not listed"
            yield FileProblem(Issue("FILE:OUTSIDE_INTERCHANGE", message, Where(self.file_name)))

    def _segment(self, segment: Segment, reader: X12Reader) -> Iterator[Event]:
        tag = segment.elements[0]
        if tag == "ISA":
            if self._ix is not None:
                yield from self._close_interchange(segment, truncated=True)
            self._open_interchange(segment, reader)
            if self.announce and self._ix is not None:
                yield Opened(self._ix)
            return
        if self._ix is None:
            self._outside += 1
            if self._outside <= KEPT_PER_FILE:
                yield outside_interchange(self.file_name, segment)
            return
        if self._set is not None and tag not in ENVELOPE_TAGS:
            self._set.body(segment)
            return
        handler = {"GS": self._gs, "ST": self._st, "SE": self._se, "GE": self._ge, "TA1": self._ta1}.get(tag)
        if tag == "IEA":
            yield from self._close_interchange(segment, truncated=False)
        elif handler is not None:
            yield from handler(segment)
        else:
            shown = tag[:3] if tag.isalnum() else "data"
            self._envelope("024", f"{shown} outside a transaction set", segment)

    def _open_interchange(self, isa: Segment, reader: X12Reader) -> None:
        assert reader.separators is not None  # the reader knows them once it has read an ISA
        self._interchanges += 1
        self._ix = interchange_from_isa(self._interchanges, isa, reader.separators)
        findings = envelope_findings(self._ix, isa, reader.separators, self.receiver_ids)
        for finding in findings:
            self._envelope(finding.note, finding.message, isa)
        if findings and not self._ix.sender_recoverable:
            message = "no TA1 can be sent: the sender qualifier or ID is not trustworthy; the file needs an operator"
            self._ix.issues.append(Issue("FILE:SENDER_UNKNOWN", message, self._where(isa), "ISA"))

    def _ta1(self, segment: Segment) -> Iterator[Event]:
        assert self._ix is not None
        if self._group is not None:
            self._envelope("024", "TA1 inside a functional group", segment)
        self._ix.ta1_segments += 1
        return iter(())

    def _gs(self, gs: Segment) -> Iterator[Event]:
        assert self._ix is not None
        if self._set is not None:
            yield self._close_set(None, "GS")
        if self._group is not None:
            self._group_error("3", f"GE missing for group {self._group.control_number}", gs)
            keep_group(self._ix, self._group, gs, self._envelope)
        v = gs.elements + [""] * (9 - len(gs.elements))
        self._group = GroupResult(v[1], v[6], v[8], v[2], v[3])
        self._group_st02 = ControlNumberSet()
        self._group_guide = self.guides.for_group("00401", v[1], v[8])
        over = len(self._ix.groups) >= MAX_GROUPS  # I1: past the limit a group is only counted, its GS06 not kept
        for code, message in (
            [] if over else gs_findings(v, self.guides, self._group_guide is not None, self._group_gs06)
        ):
            self._group_error(code, message, gs)

    def _st(self, st: Segment) -> Iterator[Event]:
        if self._set is not None:
            yield self._close_set(None, "ST")
        if self._group is None or self._ix is None:
            self._envelope("024", "ST outside a functional group", st)
            return
        code, control = st.get(1), st.get(2)
        result = SetResult(len(self._ix.groups), code, control, group_control=self._group.control_number)
        guide = self._group_guide
        state = self._set = SetCheck(result, guide, st, self._where, self._ix.separators.component)
        if self.keep_segments:
            result.segments = [st]
        if self._group.functional_id == "FA":
            return
        if guide is None or code != guide.code:
            state.error("1", f"transaction set {code!r} is not supported in a {self._group.functional_id} group", st)
        else:
            state.walker = SetWalker(guide, self._indexes)
            state.check_segment(guide.st, st)
            if self.fast and not state.result.issues:
                state.fast = fast_path(guide, self._ix.separators.element, self._ix.separators.component)
        if not (control.isascii() and control.isalnum() and 4 <= len(control) <= 9):
            state.error("7", f"ST02 {control!r} is not a control number of 4 to 9 characters", st)
        elif not self._group_st02.add(control):
            state.error("23", f"ST02 {control} is used twice in group {self._group.control_number}", st)
        result.guide_code = code

    def _se(self, se: Segment) -> Iterator[Event]:
        if self._set is None:
            self._envelope("024", "SE without ST", se)
            return
        yield self._close_set(se, "SE")

    def _close_set(self, se: Segment | None, by: str) -> SetResult:
        state = self._set
        assert state is not None and self._group is not None  # only called with a set open
        result = state.close(se, by, self._last)
        self._group.received_sets += 1
        if result.accepted:
            self._group.accepted_sets += 1
        elif result.segments is not None:
            result.segments = None
        self._set = None
        return result

    def _ge(self, ge: Segment) -> Iterator[Event]:
        if self._set is not None:
            yield self._close_set(None, "GE")
        group = self._group
        if group is None:
            self._envelope("024", "GE without GS", ge)
            return
        assert self._ix is not None
        for code, message in ge_findings(ge, group):
            self._group_error(code, message, ge)
        keep_group(self._ix, group, ge, self._envelope)
        self._group = None

    def _close_interchange(self, iea: Segment | None, *, truncated: bool) -> Iterator[Event]:
        ix = self._ix
        assert ix is not None
        if self._set is not None:
            yield self._close_set(None, "IEA" if iea else "end of data")
        if self._group is not None:
            self._group_error("3", f"GE missing for group {self._group.control_number}", iea or self._last)
            keep_group(ix, self._group, iea or self._last, self._envelope)
            self._group = None
        for note, message in iea_findings(None if truncated else iea, ix):
            self._envelope(note, message, iea if iea is not None and not truncated else self._last)
        self._ix = None
        self._group_gs06 = ControlNumberSet()
        yield ix
