"""X12 values: separators and segments with their position in the file."""

from __future__ import annotations

from dataclasses import dataclass

# Guide section 3: ISA is fixed width; ISA16 sits at byte 104 and the segment terminator at byte 105.
ISA_LENGTH = 106
ISA_ELEMENT_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


@dataclass(frozen=True, slots=True)
class Separators:
    """The three delimiters an interchange declares in its ISA (4010 has no repetition separator)."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"

    def as_tuple(self) -> tuple[str, str, str]:
        """The three separators, element first."""
        return (self.element, self.component, self.segment)


DEFAULT_SEPARATORS = Separators()


class Segment:
    """One segment: its tag, its elements (index 1 is element 01) and where it stood in the file."""

    __slots__ = ("elements", "offset", "number")

    def __init__(self, elements: list[str], offset: int = 0, number: int = 0) -> None:
        self.elements = elements
        self.offset = offset
        self.number = number

    @property
    def tag(self) -> str:
        """The segment ID, e.g. ``REF``."""
        return self.elements[0]

    def get(self, index: int) -> str:
        """Element ``index`` (1-based as in X12 ``REF02``), or the empty string when absent."""
        elements = self.elements
        return elements[index] if index < len(elements) else ""

    def __repr__(self) -> str:
        return f"Segment({'*'.join(self.elements)!r}, offset={self.offset}, number={self.number})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Segment) and other.elements == self.elements

    def __hash__(self) -> int:
        return hash(tuple(self.elements))


def echo_safe(value: str, separators: Separators = DEFAULT_SEPARATORS, limit: int = 99) -> str:
    """A partner's value fit to send back (I6): printable ASCII, none of our separators, at most ``limit``; else ""."""
    if not value or not (value.isascii() and value.isprintable()):
        return ""
    if any(s in value for s in separators.as_tuple()):
        return ""
    return value[:limit]


def seg(*elements: str) -> Segment:
    """Build a segment from its tag and element values, trailing empty elements dropped."""
    values = list(elements)
    if values[-1] != "":
        return Segment(values)
    while len(values) > 1 and values[-1] == "":
        values.pop()
    return Segment(values)


def isa_separators(text: str) -> Separators | None:
    """The separators an interchange declares in its fixed-width ISA (element at byte 3, ISA16, terminator at 105)."""
    if len(text) < ISA_LENGTH or not text.startswith("ISA"):
        return None
    return Separators(text[3], text[ISA_LENGTH - 2], text[ISA_LENGTH - 1])


def group_header(text: str) -> tuple[str, str]:
    """GS01 and GS06 of an interchange's first group, read with its own separators ("" for a TA1 alone)."""
    separators = isa_separators(text)
    if separators is None:
        return "", ""
    for segment in text[ISA_LENGTH:].split(separators.segment, 2)[:2]:
        elements = segment.strip().split(separators.element)
        if elements[0] == "GS" and len(elements) > 6:
            return elements[1], elements[6]
    return "", ""
