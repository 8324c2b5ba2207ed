"""One transaction set being read: its walker over the guide, its segment count, and its AK3/AK4/AK5 findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from edi.guides.compiler import SegmentRule, TransactionGuide
from edi.guides.elements import check_segment
from edi.guides.fast import MAX_FAST_SEGMENTS, FastPath
from edi.guides.walker import SetWalker
from edi.x12.problems import Bounded, Issue, Where
from edi.x12.results import SegmentReport, SetResult
from edi.x12.segments import Segment

Locate = Callable[[Segment | None], Where]  # where a segment stands: file, position, ISA13, GS06, ST02


class SetCheck:
    """ST..SE of one set, checked segment by segment as it is read."""

    __slots__ = ("result", "guide", "walker", "count", "start", "_where", "_component", "fast", "pending")

    def __init__(self, result: SetResult, guide: TransactionGuide | None, start: Segment, where: Locate,
                 component: str) -> None:  # fmt: skip
        self.result = result
        self.guide = guide
        self.walker: SetWalker | None = None
        self.count = 1
        self.start = start
        self._where = where
        self._component = component
        self.fast: FastPath | None = None  # set when the set may take the fast path: its body is held until SE
        self.pending: list[Segment] = []

    def body(self, segment: Segment) -> None:
        """One segment between ST and SE: held for the fast path, or checked by the full engine."""
        if self.fast is None:
            self.check_body(segment)
        elif len(self.pending) < MAX_FAST_SEGMENTS:
            self.pending.append(segment)
        else:
            self._full_engine()
            self.check_body(segment)

    def _full_engine(self) -> None:
        """Leave the fast path: the held segments go through the full engine, in order, as if just read."""
        held, self.pending, self.fast = self.pending, [], None
        for segment in held:
            self.check_body(segment)

    def _fast_close(self) -> bool:
        """At SE: True when the fast path confirms the whole body (nothing to report), else the full engine ran."""
        if self.fast is None:
            return False
        if self.fast.accepts(self.pending):
            self.count += len(self.pending)
            if self.result.segments is not None:
                self.result.segments.extend(self.pending)
            self.pending, self.fast = [], None
            return True
        self._full_engine()
        return False

    def error(self, code: str, message: str, segment: Segment | None) -> None:
        """An AK5 code for the whole set."""
        if code not in self.result.set_codes:
            self.result.set_codes.append(code)
        self.result.issues.append(Issue(f"AK5:{code}", message, self._where(segment), segment.tag if segment else ""))

    def check_body(self, segment: Segment) -> None:
        """One segment through the full engine: its place in the guide (AK3), then its elements (AK4)."""
        self.count += 1
        result = self.result
        if result.segments is not None:
            if result.accepted:
                result.segments.append(segment)
            else:
                result.segments = None  # a rejected set is never parsed: keep nothing (H1)
        if self.walker is None:
            return
        if cast(Bounded[SegmentReport], result.segment_reports).full:
            return  # rejected many times over: only SE01's count still matters (H1)
        if segment.elements[0] == "":
            self.report(segment, SegmentReport("", self.count, "", "1"), "an empty segment (two terminators in a row)")
            return
        rule, errors = self.walker.step(segment.elements)
        for error in errors:
            elements = (error.element,) if error.element else ()
            report = SegmentReport(error.tag, self.count, error.loop_id, error.code, elements)
            self.report(segment, report, error.message)
        if rule is not None:
            self.check_segment(rule, segment)

    def check_segment(self, rule: SegmentRule, segment: Segment) -> None:
        """AK4 findings of one segment against its rule (AK3 code 8 carries them)."""
        element_errors = check_segment(rule, segment.elements, self._component)
        if not element_errors:
            return
        self.result.segment_reports.append(
            SegmentReport(rule.tag, self.count, rule.loop_id, "8", tuple(element_errors))
        )
        where = self._where(segment)
        for error in element_errors:
            self.result.issues.append(
                Issue(f"AK4:{error.code}", error.message, where, rule.tag, f"{rule.tag}{error.position:02d}")
            )

    def report(self, segment: Segment, report: SegmentReport, message: str) -> None:
        """One AK3 finding."""
        self.result.segment_reports.append(report)
        self.result.issues.append(Issue(f"AK3:{report.code}", message, self._where(segment), report.tag))

    def close(self, se: Segment | None, by: str, last: Segment | None) -> SetResult:
        """The set at its SE (or cut short by ``by``): what the guide still wanted, SE01 and SE02 checked."""
        result = self.result
        if se is None:
            self._full_engine()
            self.error("2", f"SE missing for transaction set {result.control_number} (found {by})", last)
            return result
        confirmed = self._fast_close()
        self.count += 1
        if result.segments is not None:
            result.segments.append(se)
        if self.walker is not None:
            for error in () if confirmed else self.walker.finish():
                self.report(se, SegmentReport(error.tag, self.count, error.loop_id, error.code), error.message)
            if self.guide is not None:
                self.check_segment(self.guide.se, se)
        if se.get(2) != result.control_number:
            self.error("3", f"SE02 {se.get(2)!r} does not match ST02 {result.control_number!r}", se)
        if se.get(1) != str(self.count):
            self.error("4", f"SE01 says {se.get(1)!r} segments; the set has {self.count}", se)
        return result
