"""The compiled fast path: a set the guide accepts is confirmed with one regular expression per segment.

Built from the same compiled guide as the full engine, at first use:

- **Structure**: the walk through the guide depends only on each segment's tag and, for tags the guide tells
  apart by qualifier, element 01. That sequence (the set's *shape*) is walked once with the full walker; a shape
  it passes without a finding is remembered with the rule of each segment. Later sets of the same shape skip the
  walk.
- **Elements**: each segment rule becomes one regular expression over the segment's text that matches only what
  ``check_segment`` passes: element types, lengths, code lists (filtered through ``check_value`` itself), required
  elements, the X12 character set. Where an exact pattern would be long (decimal numbers, 29 February) it is
  stricter, never looser. Relational conditions run in Python for the few rules that have them.

Anything the fast path does not accept goes to the full engine, which gives the codes and positions; so the two
agree on every accepted set by construction, and tests check it (the goldens, pyx12, and a mutation property).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from edi.guides.compiler import ElementRule, LoopRule, SegmentRule, TransactionGuide
from edi.guides.elements import check_value, syntax_errors
from edi.guides.walker import SetWalker
from edi.x12.segments import Segment

MAX_SHAPES = 4096  # distinct set shapes remembered per guide (H1: a hostile file cannot grow it further)
MAX_FAST_SEGMENTS = 500  # a longer set goes to the full engine as it is read, not buffered (H1)
_NUMERIC = ("N0", "N1", "N2", "N")
_MONTH_DAY = r"(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])(?:29|30)|(?:0[13578]|1[02])31)"
_HHMM = r"(?:[01][0-9]|2[0-3])[0-5][0-9]"


def _characters(element: str, component: str) -> str:
    """A character class of the X12 character set (printable ASCII) without the two separators."""
    allowed = [chr(c) for c in range(0x20, 0x7F) if chr(c) not in (element, component)]
    return "[" + "".join(re.escape(c) for c in allowed) + "]"


def _time(low: int, high: int) -> str:
    """TM of ``low`` to ``high`` digits: HHMM, HHMMSS, HHMMSSd..d with real hours, minutes and seconds."""
    forms = [f"{_HHMM}[0-5][0-9][0-9]{{{n - 6}}}" if n >= 6 else _HHMM for n in range(low, high + 1) if n != 5]
    return "(?:" + "|".join(forms) + ")" if forms else "(?!)"


def value_pattern(rule: ElementRule, element: str, component: str) -> str:
    """A pattern matching only values ``check_value`` passes (present values; emptiness is the caller's)."""
    de = rule.data_element
    if rule.codes is not None:
        good = sorted(c for c in rule.codes if c and check_value(rule, rule.seq, c, component) is None)
        return "(?:" + "|".join(re.escape(c) for c in good) + ")" if good else "(?!)"
    if de.data_type == "DT":
        return f"[0-9]{{{de.max_len - 4}}}{_MONTH_DAY}" if de.max_len in (6, 8) else "(?!)"
    if de.data_type == "TM":
        return _time(max(de.min_len, 4), de.max_len)
    if de.data_type in _NUMERIC or de.data_type == "R":  # R: whole numbers only here; decimals take the full path
        return f"-?[0-9]{{{max(de.min_len, 1)},{de.max_len}}}"
    return f"{_characters(element, component)}{{{max(de.min_len, 1)},{de.max_len}}}"


def segment_pattern(rule: SegmentRule, element: str, component: str) -> re.Pattern[str]:
    """The whole segment's text: its tag, then each element in place, trailing optional elements omissible."""
    sep = re.escape(element)
    tail = ""
    required_after = False
    for e in reversed(rule.elements):
        value = value_pattern(e, element, component)
        value = value if e.usage == "R" else f"(?:{value})?"
        required_after = required_after or e.usage == "R"
        tail = f"{sep}{value}{tail}" if required_after else f"(?:{sep}{value}{tail})?"
    return re.compile(re.escape(rule.tag) + tail)


class FastPath:
    """The fast path of one guide for one pair of separators."""

    def __init__(self, guide: TransactionGuide, element: str, component: str) -> None:
        self.guide = guide
        self.element = element
        self.component = component
        self.qualified = _qualified_tags(guide.body)
        self.shapes: dict[tuple[str, ...], tuple[SegmentRule, ...] | None] = {}
        self.patterns: dict[int, re.Pattern[str]] = {}
        self.indexes: dict[int, dict[str, list[SegmentRule | LoopRule]]] = {}
        self.syntax: dict[tuple[int, tuple[bool, ...]], bool] = {}  # at most MAX_SHAPES

    def accepts(self, body: Sequence[Segment]) -> bool:
        """True only when the full engine would find nothing in these segments between ST and SE."""
        rules = self._rules(body)
        if rules is None:
            return False
        join = self.element.join
        for segment, rule in zip(body, rules, strict=True):
            values = segment.elements
            pattern = self.patterns.get(id(rule))
            if pattern is None:
                pattern = self.patterns[id(rule)] = segment_pattern(rule, self.element, self.component)
            if pattern.fullmatch(join(values)) is None or (rule.syntax and self._syntax_fails(rule, values)):
                return False
        return True

    def _syntax_fails(self, rule: SegmentRule, values: list[str]) -> bool:
        """The rule's relational conditions, remembered by which elements are present (all they depend on)."""
        present = tuple([v != "" for v in values])
        key = (id(rule), present)
        failed = self.syntax.get(key)
        if failed is None:
            failed = bool(syntax_errors(rule, values))
            if len(self.syntax) < MAX_SHAPES:
                self.syntax[key] = failed
        return failed

    def _rules(self, body: Sequence[Segment]) -> tuple[SegmentRule, ...] | None:
        """Each segment's rule when the shape walks cleanly (remembered per shape), else None."""
        qualified = self.qualified
        shape = tuple([(v[0] + "*" + v[1] if len(v) > 1 else v[0] + "*") if v[0] in qualified else v[0]
                       for v in [s.elements for s in body]])  # fmt: skip
        if shape in self.shapes:
            return self.shapes[shape]
        rules = self._walk(body)
        if len(self.shapes) < MAX_SHAPES:
            self.shapes[shape] = rules
        return rules

    def _walk(self, body: Sequence[Segment]) -> tuple[SegmentRule, ...] | None:
        """The full walker over one shape: the rules, or None at the first structural finding."""
        walker = SetWalker(self.guide, self.indexes)
        rules: list[SegmentRule] = []
        for segment in body:
            if segment.elements[0] == "":
                return None
            rule, errors = walker.step(segment.elements)
            if errors or rule is None:
                return None
            rules.append(rule)
        return None if walker.finish() else tuple(rules)


def _qualified_tags(loop: LoopRule) -> frozenset[str]:
    """Tags the guide tells apart by element 01 somewhere (their shape includes it)."""
    found: set[str] = set()
    pending: list[SegmentRule | LoopRule] = [loop]
    while pending:
        node = pending.pop()
        if isinstance(node, LoopRule):
            pending.extend(node.children)
        elif node.qualifier is not None:
            found.add(node.tag)
    return frozenset(found)


_PATHS: dict[tuple[int, str, str], FastPath] = {}


def fast_path(guide: TransactionGuide, element: str, component: str) -> FastPath:
    """The fast path of a guide for these separators (built once; a few pairs of separators per process)."""
    key = (id(guide), element, component)
    path = _PATHS.get(key)
    if path is None:
        if len(_PATHS) > 64:
            _PATHS.clear()  # H1: separators are partner data; never an unbounded table
        path = _PATHS[key] = FastPath(guide, element, component)
    return path
