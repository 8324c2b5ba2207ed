"""The 820 remittance advice a RES's bank sends us (guide section 11): the payment and the 810s it pays (D13)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from edi.x12.segments import Segment
from rules.model import Subject
from rules.remittance import PaidLine


@dataclass(frozen=True)
class Remittance:
    """BPR, TRN, the payer and payee, and one line per ``RMR*IV`` with its adjustments and account."""

    total: Decimal | None  # BPR02; None when it is not a number (our map checks it is)
    method: str  # BPR04
    paid_on: date | None  # BPR16
    trace: str  # TRN02: with the payer, the duplicate key (D13)
    payer_name: str
    payer_duns: str  # N1*PR N104
    payee_duns: str  # N1*PE N104
    lines: tuple[PaidLine, ...]

    @property
    def subject(self) -> Subject:
        """The payer and the trace number, as the outcome row records them (no account: it pays many)."""
        return Subject(self.payer_duns, self.trace)


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
    except ValueError:
        return None


def _line(number: int, rmr: Segment, adjustments: list[Segment], account: str) -> PaidLine:
    paid = _amount(rmr.get(4)) or Decimal("0.00")
    adjusted = sum((_amount(a.get(1)) or Decimal("0.00") for a in adjustments), Decimal("0.00"))
    return PaidLine(number, rmr.get(2), paid + adjusted, account)


def parse_remittance(segments: Sequence[Segment]) -> Remittance:
    """The 820 as the matching needs it (our map validated it first)."""
    bpr = trn = Segment(["BPR"])
    parties: dict[str, Segment] = {}
    lines: list[PaidLine] = []
    current: tuple[Segment, list[Segment], str] | None = None
    for segment in segments:
        tag = segment.tag
        if tag == "BPR":
            bpr = segment
        elif tag == "TRN":
            trn = segment
        elif tag == "N1":
            parties.setdefault(segment.get(1), segment)
        elif tag == "RMR":
            if current is not None:
                lines.append(_line(len(lines) + 1, *current))
            current = (segment, [], "")
        elif tag == "ADX" and current is not None:
            current[1].append(segment)
        elif tag == "REF" and segment.get(1) == "12" and current is not None:
            current = (current[0], current[1], segment.get(2))
    if current is not None:
        lines.append(_line(len(lines) + 1, *current))
    payer, payee = parties.get("PR", Segment(["N1"])), parties.get("PE", Segment(["N1"]))
    return Remittance(_amount(bpr.get(2)), bpr.get(4), _date(bpr.get(16)), trn.get(2), payer.get(2), payer.get(4),
                      payee.get(4), tuple(lines))  # fmt: skip
