"""ISA checks that decide the TA1 note (guide section 3; B1-B9)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from edi.x12.datatypes import is_digits, valid_date, valid_time
from edi.x12.results import InterchangeResult
from edi.x12.segments import ISA_ELEMENT_WIDTHS, Segment, Separators

# Guide section 3: ISA05/ISA07 01 DUNS, 14/16 DUNS+suffix; ZZ (mutually defined) is common among test partners.
ID_QUALIFIERS = frozenset({"01", "14", "16", "ZZ"})
AUTH_QUALIFIERS = frozenset({"00", "03"})
SECURITY_QUALIFIERS = frozenset({"00", "01"})
VERSION = "00401"


@dataclass(frozen=True, slots=True)
class EnvelopeFinding:
    """One TA1 note with its message."""

    note: str
    message: str


def _separator_findings(separators: Separators) -> list[EnvelopeFinding]:
    element, component, terminator = separators.as_tuple()
    found = []
    if element.isalnum() or element in (terminator, " "):
        found.append(EnvelopeFinding("026", f"element separator {element!r} is not usable"))
    if component.isalnum() or component in (element, terminator):
        found.append(EnvelopeFinding("027", f"component separator {component!r} is not usable"))
    if terminator.isalnum() or terminator == " ":
        found.append(EnvelopeFinding("004", f"segment terminator {terminator!r} is not usable"))
    return found


def check_isa(
    isa: Segment, separators: Separators, receiver_ids: Collection[str] | None = None
) -> list[EnvelopeFinding]:
    """Every envelope problem of one ISA, in element order; the first is the TA1 note."""
    found = _separator_findings(separators)
    values = isa.elements
    if len(values) != 17:
        found.append(EnvelopeFinding("022", f"ISA has {len(values) - 1} elements, 16 expected"))
        return found
    widths = [i + 1 for i, w in enumerate(ISA_ELEMENT_WIDTHS) if len(values[i + 1]) != w]
    if widths:
        shown = ", ".join(f"ISA{i:02d}" for i in widths)
        found.append(EnvelopeFinding("022", f"ISA is not fixed width (106 bytes): {shown} has the wrong length"))
    checks = (
        (values[1] in AUTH_QUALIFIERS, "010", f"ISA01 {values[1]!r} is not 00 or 03"),
        (values[3] in SECURITY_QUALIFIERS, "012", f"ISA03 {values[3]!r} is not 00 or 01"),
        (values[5] in ID_QUALIFIERS, "005", f"ISA05 sender qualifier {values[5]!r} is not one of 01, 14, 16, ZZ"),
        (values[6].strip() != "", "006", "ISA06 sender ID is blank"),
        (values[7] in ID_QUALIFIERS, "007", f"ISA07 receiver qualifier {values[7]!r} is not one of 01, 14, 16, ZZ"),
        (values[8].strip() != "", "008", "ISA08 receiver ID is blank"),
        (
            receiver_ids is None or values[8].strip() in receiver_ids,
            "009",
            f"ISA08 {values[8].strip()!r} is not this utility",
        ),
        (len(values[9]) == 6 and valid_date(values[9]), "014", f"ISA09 {values[9]!r} is not a date YYMMDD"),
        (len(values[10]) == 4 and valid_time(values[10]), "015", f"ISA10 {values[10]!r} is not a time HHMM"),
        (values[11] == "U", "016", f"ISA11 {values[11]!r} is not U"),
        (values[12] == VERSION, "017", f"ISA12 {values[12]!r} is not {VERSION}"),
        (len(values[13]) == 9 and is_digits(values[13]), "018", f"ISA13 {values[13]!r} is not 9 digits"),
        (values[14] in ("0", "1"), "019", f"ISA14 {values[14]!r} is not 0 or 1"),
        (values[15] in ("P", "T"), "020", f"ISA15 {values[15]!r} is not P or T"),
    )
    found.extend(EnvelopeFinding(note, message) for ok, note, message in checks if not ok)
    if not all(v.isascii() and v.isprintable() for v in values):
        found.append(EnvelopeFinding("024", "ISA holds characters outside the X12 character set"))
    return found


def sender_recoverable(isa: Segment, findings: list[EnvelopeFinding]) -> bool:
    """Whether a TA1 can be addressed: sender qualifier and ID readable and valid (B7, B9)."""
    notes = {f.note for f in findings}
    values = isa.elements
    return (
        len(values) >= 7
        and values[5] in ID_QUALIFIERS
        and values[6].strip() != ""
        and values[6].isascii()
        and values[6].isprintable()
        and not notes & {"026", "004"}
    )


def interchange_from_isa(number: int, isa: Segment, separators: Separators) -> InterchangeResult:
    """The open interchange as its ISA states it (fields padded when the ISA is short)."""
    v = isa.elements + [""] * (17 - len(isa.elements))
    return InterchangeResult(number, isa.offset, separators, v[5], v[6].strip(), v[7], v[8].strip(), v[9], v[10],
                             v[13], v[14], v[15])  # fmt: skip


def iea_findings(iea: Segment | None, ix: InterchangeResult) -> list[tuple[str, str]]:
    """TA1 notes the trailer earns: none found (023), IEA02 against ISA13 (001), IEA01 against the groups (021)."""
    if iea is None:
        return [("023", "the interchange ends without IEA (file truncated?)")]
    found = []
    if iea.get(2) != ix.control_number:
        found.append(("001", f"IEA02 {iea.get(2)!r} does not match ISA13 {ix.control_number!r}"))
    if iea.get(1) != str(ix.group_count):
        found.append(("021", f"IEA01 says {iea.get(1)!r} groups; the interchange has {ix.group_count}"))
    return found
