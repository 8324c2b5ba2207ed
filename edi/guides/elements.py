"""Element-level checks of one segment against its guide rule, yielding AK4 codes (guide section 3)."""

from __future__ import annotations

from edi.guides.compiler import ElementRule, SegmentRule
from edi.x12.datatypes import ElementError, is_digits, valid_date, valid_time


def _numeric_digits(value: str, decimal: bool) -> int | None:
    """Digit count of an N or R value (sign and decimal point do not count), None when malformed."""
    body = value[1:] if value.startswith("-") else value
    if decimal:
        if body.count(".") > 1:
            return None
        digits = body.replace(".", "", 1)
    else:
        digits = body
    if not is_digits(digits):
        return None
    return len(digits)


def _printable(value: str) -> bool:
    """Only the X12 basic and extended character set: printable ASCII."""
    return value.isascii() and value.isprintable()


def check_value(rule: ElementRule, position: int, value: str, component: str) -> ElementError | None:
    """Check one present value against type, length and code list; the first failure wins."""
    de = rule.data_element
    kind = de.data_type
    label = f"{rule.xid} ({rule.name})"
    if not _printable(value) or component in value:
        return ElementError(position, de.number, "6", "", f"{label} holds a character outside the X12 character set")
    if kind == "DT":
        if len(value) != de.max_len or not valid_date(value):
            return ElementError(position, de.number, "8", value, f"{label} is not a valid date CCYYMMDD: {value!r}")
        return None
    if kind == "TM":
        if not de.min_len <= len(value) <= de.max_len or not valid_time(value):
            return ElementError(position, de.number, "9", value, f"{label} is not a valid time HHMM[SS]: {value!r}")
        return None
    if kind in ("R", "N0", "N1", "N2", "N"):
        length = _numeric_digits(value, kind == "R")
        if length is None:
            return ElementError(position, de.number, "6", value, f"{label} must be numeric: {value!r}")
    else:
        length = len(value)
    if length < de.min_len:
        return ElementError(position, de.number, "4", value, f"{label} is too short: {length}, at least {de.min_len}")
    if length > de.max_len:
        return ElementError(position, de.number, "5", value, f"{label} is too long: {length}, at most {de.max_len}")
    if rule.codes is not None and value not in rule.codes:
        allowed = ", ".join(sorted(rule.codes)[:12])
        return ElementError(position, de.number, "7", value, f"{label} has code {value!r}; allowed: {allowed}")
    return None


def syntax_errors(rule: SegmentRule, values: list[str]) -> list[ElementError]:
    """Relational conditions (P, R, C, L, E) of the segment."""
    errors: list[ElementError] = []
    n = len(values)

    def present(p: int) -> bool:
        return p < n and values[p] != ""

    def number(p: int) -> str:
        return rule.elements[p - 1].data_element.number if p <= len(rule.elements) else ""

    for syntax in rule.syntax:
        positions = syntax.positions
        here = [p for p in positions if present(p)]
        kind = syntax.kind
        missing: list[int] = []
        if kind == "P" and here and len(here) != len(positions):
            missing = [p for p in positions if not present(p)]
        elif kind == "R" and not here:
            missing = [positions[0]]
        elif kind == "C" and present(positions[0]):
            missing = [p for p in positions[1:] if not present(p)]
        elif kind == "L" and present(positions[0]) and len(here) == 1:
            missing = [positions[1]]
        elif kind == "E" and len(here) > 1:
            p = here[1]
            errors.append(
                ElementError(
                    p, number(p), "10", values[p], f"{rule.tag}{p:02d} may not appear with {rule.tag}{here[0]:02d}"
                )
            )
        for p in missing:
            text = f"{rule.tag}{p:02d} is required by the condition {kind}{''.join(f'{q:02d}' for q in positions)}"
            errors.append(ElementError(p, number(p), "2", "", text))
    return errors


def check_segment(rule: SegmentRule, values: list[str], component: str) -> list[ElementError]:
    """All element errors of one segment (values[0] is the tag)."""
    errors: list[ElementError] = []
    defined = rule.elements
    count = len(values) - 1
    if count > len(defined):
        p = len(defined) + 1
        errors.append(
            ElementError(p, "", "3", "", f"{rule.tag} has {count} elements; the guide defines {len(defined)}")
        )
    for element in defined:
        p = element.seq
        value = values[p] if p <= count else ""
        if value == "":
            if element.usage == "R":
                errors.append(
                    ElementError(p, element.data_element.number, "1", "", f"{element.xid} ({element.name}) is required")
                )
            continue
        error = check_value(element, p, value, component)
        if error is not None:
            errors.append(error)
    if rule.syntax:
        errors.extend(syntax_errors(rule, values))
    return errors
