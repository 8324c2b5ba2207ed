"""Problems found in input: values with a registered code, never exceptions (style.md, Errors)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

# Each code is registered once with the acknowledgment it surfaces in. The prefix names the carrier:
# TA1:nnn -> TA105 note; AK9:n -> AK905; AK5:n -> AK502; AK3:n -> AK304; AK4:n -> AK403; FILE:... -> no
# acknowledgment possible (the sender cannot be identified), the file is reported or quarantined.
CODES: dict[str, str] = {
    "FILE:EMPTY": "the file is empty",
    "FILE:NOT_X12": "the file is not X12 (it does not start with a readable ISA segment)",
    "FILE:UNREADABLE": "the file cannot be read",
    "FILE:OUTSIDE_INTERCHANGE": "data after the last IEA or before an ISA",
    "FILE:SENDER_UNKNOWN": "the envelope is broken and its sender cannot be identified, so no TA1 can be addressed",
    "FILE:TOO_MANY_REJECTED": "more interchanges rejected by TA1 than one file may answer (I3): the rest is not read",
    "TA1:001": "the interchange control number in the header and trailer do not match",
    "TA1:004": "invalid segment terminator",
    "TA1:005": "invalid interchange ID qualifier for sender",
    "TA1:006": "invalid interchange sender ID",
    "TA1:007": "invalid interchange ID qualifier for receiver",
    "TA1:008": "invalid interchange receiver ID",
    "TA1:009": "unknown interchange receiver ID",
    "TA1:010": "invalid authorization information qualifier value",
    "TA1:012": "invalid security information qualifier value",
    "TA1:014": "invalid interchange date value",
    "TA1:015": "invalid interchange time value",
    "TA1:016": "invalid interchange standards identifier value",
    "TA1:017": "invalid interchange version ID value",
    "TA1:018": "invalid interchange control number value",
    "TA1:019": "invalid acknowledgment requested value",
    "TA1:020": "invalid test indicator value",
    "TA1:021": "invalid number of included groups value",
    "TA1:022": "invalid control structure",
    "TA1:023": "improper (premature) end-of-file (transmission)",
    "TA1:024": "invalid interchange content",
    "TA1:025": "duplicate interchange control number",
    "TA1:026": "invalid data element separator",
    "TA1:027": "invalid component element separator",
    "AK9:1": "functional group not supported",
    "AK9:2": "functional group version not supported",
    "AK9:3": "functional group trailer missing",
    "AK9:4": "group control number in the functional group header and trailer do not agree",
    "AK9:5": "number of included transaction sets does not match actual count",
    # 4010 has no code for a GS06 repeated inside one interchange; we use 6 (control number violates syntax),
    # as pyx12 does (C4).
    "AK9:6": "group control number violates syntax or is not unique within the interchange",
    "AK5:1": "transaction set not supported",
    "AK5:2": "transaction set trailer missing",
    "AK5:3": "transaction set control number in header and trailer do not match",
    "AK5:4": "number of included segments does not match actual count",
    "AK5:5": "one or more segments in error",
    "AK5:7": "missing or invalid transaction set control number",
    "AK5:23": "transaction set control number not unique within the functional group",
    "AK3:1": "unrecognized segment ID",
    "AK3:2": "unexpected segment",
    "AK3:3": "mandatory segment missing",
    "AK3:4": "loop occurs over maximum times",
    "AK3:5": "segment exceeds maximum use",
    "AK3:7": "segment not in proper sequence",
    "AK3:8": "segment has data element errors",
    "AK4:1": "mandatory data element missing",
    "AK4:2": "conditional required data element missing",
    "AK4:3": "too many data elements",
    "AK4:4": "data element too short",
    "AK4:5": "data element too long",
    "AK4:6": "invalid character in data element",
    "AK4:7": "invalid code value",
    "AK4:8": "invalid date",
    "AK4:9": "invalid time",
    "AK4:10": "exclusion condition violated",
}


@dataclass(frozen=True, slots=True)
class Where:
    """Where a problem is: file, segment number and byte offset, and the control numbers around it."""

    file: str = ""
    segment_number: int = 0
    offset: int = 0
    isa13: str = ""
    gs06: str = ""
    st02: str = ""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in the input, with a registered code and a message a person can act on."""

    code: str
    message: str
    where: Where
    segment_id: str = ""
    element: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code}")

    @property
    def carrier(self) -> str:
        """Which acknowledgment carries it: TA1, AK9, AK5, AK3, AK4 or FILE."""
        return self.code.split(":", 1)[0]

    @property
    def value(self) -> str:
        """The X12 code value itself (the TA105 note, the AK304 code, ...)."""
        return self.code.split(":", 1)[1]

    def to_json(self) -> dict[str, Any]:
        """A flat dict for ``--json`` output."""
        data = asdict(self.where)
        data.update(
            code=self.code,
            meaning=CODES[self.code],
            message=self.message,
            segment_id=self.segment_id,
            element=self.element,
        )
        return data

    def describe(self) -> str:
        """One line for a terminal."""
        w = self.where
        place = f"{w.file}:segment {w.segment_number} (byte {w.offset})"
        ids = " ".join(f"{k}={v}" for k, v in (("ISA13", w.isa13), ("GS06", w.gs06), ("ST02", w.st02)) if v)
        return f"{place} {ids} [{self.code}] {self.message}".replace("  ", " ")


T = TypeVar("T")

# H1: hostile input can multiply problems (a valid ISA, then megabytes of `~`). Lists of findings keep this
# many entries and count the rest, so memory stays bounded whatever a partner sends; verdicts do not change.
KEPT_PER_SET = 100  # AK3 loops and issues of one transaction set
KEPT_PER_INTERCHANGE = 1_000  # envelope issues of one interchange
KEPT_PER_FILE = 10_000  # problems one file report lists
MAX_GROUPS = 1_000  # I1: functional groups one interchange may hold (real ones hold one); more: TA1 R 024 whole
MAX_ENVELOPE_ANSWERS = 100  # I3: TA1s rejecting an interchange, per file; past them the file goes to quarantine


def too_many_rejected(file_name: str) -> Issue:
    """I3: the file's interchanges past ``MAX_ENVELOPE_ANSWERS`` rejections are neither read nor answered."""
    message = (f"more than {MAX_ENVELOPE_ANSWERS} interchanges rejected by TA1 in one file: no more TA1s are sent"
               " and the rest of the file is not read")  # fmt: skip
    return Issue("FILE:TOO_MANY_REJECTED", message, Where(file_name))


class Bounded(list[T]):
    """A list that keeps its first ``limit`` items and counts the ones it drops (``omitted``)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.omitted = 0

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its limit and count (a second process reads the sets: edi/flows/inbound/reading.py)."""
        return (_rebuilt, (self.limit, list(self), self.omitted))

    def append(self, item: T) -> None:
        """Keep the item, or count it once the list is full."""
        if len(self) < self.limit:
            super().append(item)
        else:
            self.omitted += 1

    def extend(self, items: Iterable[T]) -> None:
        """Append each item (the omitted count of a ``Bounded`` source is carried over)."""
        for item in items:
            self.append(item)
        self.omitted += getattr(items, "omitted", 0)

    def add(self, make: Callable[[], T]) -> None:
        """Append what ``make`` builds, or only count it when the list is full (nothing is built then)."""
        if len(self) < self.limit:
            super().append(make())
        else:
            self.omitted += 1

    @property
    def full(self) -> bool:
        """No room left: callers may skip building an item that would only be counted."""
        return len(self) >= self.limit

    @property
    def total(self) -> int:
        """Kept and omitted."""
        return len(self) + self.omitted


def omitted_line(issues: list[Issue]) -> list[str]:
    """The terminal's note that a list stopped, if it did."""
    omitted = getattr(issues, "omitted", 0)
    return [f"... and {omitted} more problem(s), counted but not listed (H1)"] if omitted else []


def _rebuilt(limit: int, items: list[T], omitted: int) -> Bounded[T]:
    """A ``Bounded`` as it was pickled."""
    made: Bounded[T] = Bounded(limit)
    made[:] = items
    made.omitted = omitted
    return made
