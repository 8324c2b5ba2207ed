"""Walks a transaction set's segments through its guide: which node each is, and the AK304 errors on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from edi.guides.compiler import LoopRule, SegmentRule, TransactionGuide
from edi.x12.datatypes import ElementError

_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_END = 1 << 40


@dataclass(frozen=True, slots=True)
class StructureError:
    """One AK3 without element detail: the segment tag, its loop, the AK304 code and a message."""

    tag: str
    loop_id: str
    code: str
    message: str
    element: ElementError | None = None


class _Frame:
    """Where the walk stands inside one loop iteration."""

    __slots__ = ("loop", "pos", "counts", "reported")

    def __init__(self, loop: LoopRule, pos: int) -> None:
        self.loop = loop
        self.pos = pos
        self.counts: dict[int, int] = {}
        self.reported: set[int] = set()


def _index(loop: LoopRule) -> dict[str, list[SegmentRule | LoopRule]]:
    """Children of a loop by the tag that starts them (a loop's own first segment is left out)."""
    table: dict[str, list[SegmentRule | LoopRule]] = {}
    for i, child in enumerate(loop.children):
        if i == 0 and loop.xid != "ST_LOOP":
            continue  # the first segment of a loop only starts a new iteration, seen from the parent
        tag = child.tag if isinstance(child, SegmentRule) else child.first.tag
        table.setdefault(tag, []).append(child)
    return table


class SetWalker:
    """State of the walk through one transaction set."""

    def __init__(self, guide: TransactionGuide, indexes: dict[int, dict[str, list[SegmentRule | LoopRule]]]) -> None:
        self.guide = guide
        self._indexes = indexes
        self.stack = [_Frame(guide.body, -1)]

    def _candidates(self, loop: LoopRule) -> dict[str, list[SegmentRule | LoopRule]]:
        key = id(loop)
        table = self._indexes.get(key)
        if table is None:
            table = self._indexes[key] = _index(loop)
        return table

    def _skip(self, frame: _Frame, until: int, errors: list[StructureError]) -> None:
        """Report mandatory children the walk passes over without having seen them."""
        for child in frame.loop.children:
            if not frame.pos <= child.pos < until or child.usage != "R":
                continue
            key = id(child)
            if frame.counts.get(key, 0) == 0 and key not in frame.reported:
                frame.reported.add(key)
                first = child if isinstance(child, SegmentRule) else child.first
                errors.append(
                    StructureError(
                        first.tag, first.loop_id, "3", f"mandatory segment {first.tag} ({first.name}) is missing"
                    )
                )

    def step(self, values: list[str]) -> tuple[SegmentRule | None, list[StructureError]]:
        """Find the node for one body segment; None when it has no place here."""
        errors: list[StructureError] = []
        tag = values[0]
        stack = self.stack
        for depth in range(len(stack) - 1, -1, -1):
            frame = stack[depth]
            for child in self._candidates(frame.loop).get(tag, ()):
                if child.pos < frame.pos:
                    continue
                first = child if isinstance(child, SegmentRule) else child.first
                if not first.matches(values):
                    continue
                for above in reversed(stack[depth + 1 :]):
                    self._skip(above, _END, errors)
                del stack[depth + 1 :]
                self._skip(frame, child.pos, errors)
                key = id(child)
                count = frame.counts.get(key, 0) + 1
                frame.counts[key] = count
                frame.pos = child.pos
                if isinstance(child, SegmentRule):
                    if count > child.max_use:
                        errors.append(
                            StructureError(
                                tag,
                                child.loop_id,
                                "5",
                                f"{tag} ({child.name}) appears more than {child.max_use} time(s)",
                            )
                        )
                    return child, errors
                if count > child.repeat:
                    errors.append(
                        StructureError(
                            tag,
                            child.segment_id,
                            "4",
                            f"loop {child.segment_id} ({child.name}) repeats more than {child.repeat} time(s)",
                        )
                    )
                inner = _Frame(child, first.pos)
                inner.counts[id(child.children[0])] = 1
                stack.append(inner)
                return first, errors
        errors.append(self._misplaced(values))
        return None, errors

    def _misplaced(self, values: list[str]) -> StructureError:
        """Why a segment matched no node: unknown tag, unknown qualifier, or wrong place."""
        tag = values[0]
        if tag not in self.guide.tags:
            shown = tag if _SEGMENT_ID.match(tag) else "segment"
            return StructureError(
                tag[:3] if _SEGMENT_ID.match(tag) else "",
                "",
                "1",
                f"{shown} is not a segment of the {self.guide.code} guide",
            )
        for frame in self.stack:
            for child in frame.loop.children:
                first = child if isinstance(child, SegmentRule) else child.first
                if first.tag == tag and first.matches(values):
                    return StructureError(tag, first.loop_id, "7", f"{tag} ({first.name}) is not in its proper place")
        rules = self._all_rules(tag)
        qualifiers = sorted({q for rule in rules for q in (rule.qualifier or ())})
        if qualifiers and (len(values) < 2 or values[1] not in qualifiers):
            shown = values[1] if len(values) > 1 else ""
            message = f"{tag}01 qualifier {shown!r} is not used by this guide; allowed: {', '.join(qualifiers)}"
            bad = ElementError(1, rules[0].elements[0].data_element.number, "7" if shown else "1", shown, message)
            return StructureError(tag, "", "8", message, bad)
        return StructureError(tag, "", "2", f"{tag} is not expected here")

    def _all_rules(self, tag: str) -> list[SegmentRule]:
        found: list[SegmentRule] = []
        pending: list[SegmentRule | LoopRule] = [self.guide.body]
        while pending:
            node = pending.pop()
            if isinstance(node, LoopRule):
                pending.extend(node.children)
            elif node.tag == tag:
                found.append(node)
        return found

    def finish(self) -> list[StructureError]:
        """At SE: every mandatory segment or loop not seen is missing."""
        errors: list[StructureError] = []
        for frame in reversed(self.stack):
            self._skip(frame, _END, errors)
        return errors
